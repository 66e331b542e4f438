package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import dev.aether.testkit.net.TcpProxy;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a node's lease thread renews when its connection moves: a node whose own NATS server died reconnects to
 * another within milliseconds, and must renew there within dead-after (with one renewal lost in the dying
 * connection, its lease thread waited 2 s and then up to an interval more: under load it lost its incarnation, its
 * shards moved cold). It renews at once after the reconnect (here the node reaches the server through a {@link
 * TcpProxy} whose connections are cut: jnats reconnects through it at once); a renewal still waiting then is given
 * up ({@code MembershipIT}), and none on the lease thread waits past dead-after for its answer (the node's own:
 * {@code MembershipIT}; the leader key's: here, the server frozen).
 */
@NatsTest
class LeaseRenewalIT {

  /** Long enough that a renewal at the next interval is told apart from one at once. */
  private static final Duration INTERVAL = Duration.ofSeconds(3);

  private ClusterFixture cluster;
  private TcpProxy proxy;

  @BeforeEach
  void cluster(NatsServer server) {
    cluster = new ClusterFixture(server.url());
    proxy = TcpProxy.to(server.url());
  }

  @AfterEach
  void close() {
    cluster.close();
    proxy.close();
  }

  @Test
  void aNodeWhoseConnectionCameBack_renewsItsLeaseAtOnce_notAtItsNextInterval() throws Exception {
    cluster.startVia(proxy.url(), "n1", b -> b.leaseInterval(INTERVAL).deadAfter(INTERVAL.multipliedBy(3)));
    cluster.awaitSettled("n1");
    KeyValue leases = cluster.connect().keyValue(ClusterNames.of(cluster.store).leaseBucket());
    long seen = revision(leases);
    await().atMost(INTERVAL.multipliedBy(2)).pollInterval(Duration.ofMillis(10)).until(() -> revision(leases) != seen);
    long renewed = revision(leases); // just renewed: its next interval is about 3 s away

    long cut = System.nanoTime();
    proxy.cutConnections();
    await().atMost(INTERVAL.multipliedBy(2)).pollInterval(Duration.ofMillis(10))
        .until(() -> revision(leases) != renewed);

    assertThat(Duration.ofNanos(System.nanoTime() - cut)).as("renewed after its connection was cut")
        .isLessThan(INTERVAL.dividedBy(2));
  }

  private static long revision(KeyValue leases) throws Exception {
    KeyValueEntry entry = leases.get(ClusterNames.nodeKey("n1"));
    return entry == null ? -1 : entry.getRevision();
  }

  @Test
  void aLeaderKeyRenewalTheServerDoesNotAnswer_isGivenUpBeforeDeadAfter(NatsServer server) {
    ClusterConfig config = ClusterConfig.builder(cluster.store).nodeId("n1").build();
    Membership membership = new Membership(ClusterKv.open(cluster.connect(), config, ClusterNames.of(cluster.store)),
        config, Duration.ofSeconds(3));
    ClusterKv kv = ClusterKv.open(cluster.connect(), config, ClusterNames.of(cluster.store));
    Leadership leadership = new Leadership(kv, membership, "n1", () -> Planner.Progress.NONE);
    membership.join();
    leadership.tick(membership.incarnation(), true);
    assertThat(leadership.leading()).as("leads").isTrue();

    long start = System.nanoTime();
    server.freeze();
    try {
      leadership.tick(membership.incarnation(), true); // on the lease thread, before its next renewal
    } finally {
      server.thaw();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the unanswered renewal of the leader key waited")
        .isLessThan(ClusterConfig.DEFAULT_DEAD_AFTER);
    leadership.resign();
    membership.close();
  }

  /**
   * A renewal of the leader key that landed but whose answer was lost (given up on a reconnect) moved the key on:
   * the next renewal, refused at the old revision, finds the key still naming this node and incarnation and renews
   * at its revision, so the leadership stays (before, it ended and changed hands for a lost answer).
   */
  @Test
  void aLeaderKeyRenewalThatLandedUnanswered_isAdopted_andTheLeadershipStays() {
    ClusterConfig config = ClusterConfig.builder(cluster.store).nodeId("n1").build();
    Membership membership = new Membership(ClusterKv.open(cluster.connect(), config, ClusterNames.of(cluster.store)),
        config, Duration.ofSeconds(3));
    ClusterKv kv = ClusterKv.open(cluster.connect(), config, ClusterNames.of(cluster.store));
    Leadership leadership = new Leadership(kv, membership, "n1", () -> Planner.Progress.NONE);
    membership.join();
    leadership.tick(membership.incarnation(), true);
    assertThat(leadership.leading()).as("leads").isTrue();
    KeyValueEntry held = kv.readLeaseToRenew(ClusterNames.LEADER_KEY);
    kv.renewLease(ClusterNames.LEADER_KEY, held.getValue(), held.getRevision()).orElseThrow(); // its answer "lost"

    leadership.tick(membership.incarnation(), true);

    assertThat(leadership.leading()).as("still leads").isTrue();
    assertThat(kv.readLeaseToRenew(ClusterNames.LEADER_KEY).getRevision()).as("the key renewed again")
        .isGreaterThan(held.getRevision() + 1);
    leadership.resign();
    membership.close();
  }
}
