package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How one node judges another's silence ({@link Membership}, two of them on one lease bucket, renewed by hand):
 * a node that stops renewing is dead after dead-after, unless the judge could not renew either; then its silence
 * says nothing (the lease bucket electing a leader, a frozen server), and the judge that renews again gives it
 * the settle time.
 */
@NatsTest
class MembershipIT {

  private static final Duration SETTLE = Duration.ofSeconds(3);

  private ClusterFixture cluster;
  private Membership judge;
  private Membership other;

  @BeforeEach
  void members(NatsServer server) {
    cluster = new ClusterFixture(server.url());
    judge = member(cluster.connect(), "judge");
    other = member(cluster.connect(), "other");
    judge.watch();
    other.join();
    judge.join();
    await().atMost(Duration.ofSeconds(5)).until(() -> judge.alive("other") && judge.seesMembership());
  }

  @AfterEach
  void close() {
    judge.close();
    other.close();
    cluster.close();
  }

  private Membership member(Connection connection, String id) {
    ClusterConfig config = ClusterConfig.builder(cluster.store).nodeId(id).build();
    return new Membership(ClusterKv.open(connection, cluster.store, ClusterNames.of(cluster.store),
        config.deadAfter()), config, SETTLE);
  }

  @Test
  void aNodeThatStopsRenewing_isDeadAfterDeadAfter_whileTheJudgeRenews() {
    long stopped = System.nanoTime();
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
      judge.renew();
      return !judge.alive("other");
    });
    assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isGreaterThanOrEqualTo(Duration.ofMillis(1_400));
    assertThat(judge.activeNodes()).containsExactly("judge");
  }

  @Test
  void whileTheJudgeCannotRenew_theOthersSilenceSaysNothing_andOnceItRenewsAgainTheyHaveTheSettleTime() {
    judge.renew(); // its last renewal lands after the other's, as a leader's did just before the bucket was lost
    // neither renews now, as when nobody can write the lease bucket: the other is not taken for dead
    await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(100))
        .until(() -> judge.alive("other") && Set.copyOf(judge.activeNodes()).equals(Set.of("other", "judge")));

    judge.renew(); // the bucket is back: the judge renews first (after a gap longer than dead-after)
    long renewed = System.nanoTime();
    assertThat(judge.alive("other")).as("given the settle time to renew").isTrue();
    assertThat(judge.settling()).isTrue();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
      judge.renew();
      return !judge.alive("other"); // it never renews: dead once the settle time and dead-after have passed
    });
    assertThat(Duration.ofNanos(System.nanoTime() - renewed)).isGreaterThanOrEqualTo(SETTLE);
  }
}
