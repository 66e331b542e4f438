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
    return new Membership(ClusterKv.open(connection, config, ClusterNames.of(cluster.store)), config,
        SETTLE);
  }

  @Test
  void aNodeThatStopsRenewing_isDeadAfterDeadAfter_whileTheJudgeRenews() {
    long seen = judge.seen("other").orElseThrow().seenNanos();
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(500)).until(() -> {
      judge.renew(); // at the lease interval, as the lease thread does
      return !judge.alive("other");
    });
    assertThat(Duration.ofNanos(System.nanoTime() - seen)).as("silent for")
        .isBetween(Duration.ofMillis(1_500), Duration.ofMillis(2_500));
    assertThat(judge.activeNodes()).containsExactly("judge");
  }

  @Test
  void whileTheJudgeCannotRenew_theOthersSilenceSaysNothing_andAfterALongGapTheyHaveTheSettleTime() {
    other.renew();
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
    assertThat(Duration.ofNanos(System.nanoTime() - renewed)).isGreaterThanOrEqualTo(SETTLE.plusMillis(1_400));
  }

  @Test
  void afterAShortGapOfTheJudge_theTimeItCouldNotRenewDoesNotCountAgainstTheOthers() {
    other.renew();
    await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> judge.alive("other"));
    judge.renew(); // 0.4 s after the other's renewal
    await().during(Duration.ofMillis(1_300)).atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100))
        .until(() -> judge.alive("other"));

    judge.renew(); // a gap of about 1.3 s: the other, silent for 1.7 s, could not renew for 1.3 s of it
    assertThat(judge.alive("other")).as("silent for 0.9 s of the time the judge could renew").isTrue();
    await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(100)).until(() -> {
      judge.renew();
      return !judge.alive("other"); // and dead once that reaches dead-after
    });
  }
}
