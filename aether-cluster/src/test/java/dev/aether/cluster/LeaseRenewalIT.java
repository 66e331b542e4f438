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
 * When a node renews its lease after its connection moved: a node whose own NATS server died reconnects to another
 * within milliseconds, and must renew there at once, not at its next lease interval (with one renewal lost in the
 * dying connection, waiting took it past the default dead-after under load: it lost its incarnation, its shards
 * moved cold). Here the node reaches the server through a {@link TcpProxy} whose connections are cut: jnats
 * reconnects through it at once.
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
}
