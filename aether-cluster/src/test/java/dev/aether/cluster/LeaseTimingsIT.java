package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.aether.InvalidInputException;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node whose lease timings the cluster's nodes cannot live with is refused at start (found by a user: a node
 * renewing every 2 s among nodes that declare a node dead after 1.5 s was declared dead at every renewal, rejoined
 * and moved hundreds of shards each time, forever; the start only warned).
 */
@NatsTest
class LeaseTimingsIT {

  private ClusterFixture cluster;

  @BeforeEach
  void cluster(NatsServer server) {
    cluster = new ClusterFixture(server.url());
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  private static ClusterConfig.Builder slow(ClusterConfig.Builder b) {
    return b.leaseInterval(Duration.ofSeconds(2)).deadAfter(Duration.ofSeconds(6));
  }

  @Test
  void aNodeRenewingLessOftenThanTheClusterTolerates_isRefusedAtStart_namingLeaseInterval_andNeverJoins() {
    ClusterNode first = cluster.start("n1"); // defaults: lease 500ms, dead after 1500ms

    InvalidInputException refused = catchThrowableOfType(InvalidInputException.class,
        () -> cluster.start("n2", LeaseTimingsIT::slow));

    assertThat(refused.field()).isEqualTo("leaseInterval");
    assertThat(refused.getMessage()).contains("leaseInterval 2s").contains("deadAfter 1500ms");
    assertThat(ClusterNode.liveNodes(cluster.connect(), cluster.store)).containsExactly("n1");
    assertThat(first.status().nodes()).extracting(ClusterStatus.Node::id).containsExactly("n1");
  }

  @Test
  void aNodeDeclaringDeathSoonerThanTheClusterRenews_isRefusedAtStart_namingDeadAfter() {
    cluster.start("n1", LeaseTimingsIT::slow);

    InvalidInputException refused = catchThrowableOfType(InvalidInputException.class, () -> cluster.start("n2"));

    assertThat(refused.field()).isEqualTo("deadAfter");
    assertThat(refused.getMessage()).contains("deadAfter 1500ms").contains("deadAfter 6s");
    assertThat(ClusterNode.liveNodes(cluster.connect(), cluster.store)).containsExactly("n1");
  }

  @Test
  void aNodeWithALongerDeadAfterAndAShorterLeaseInterval_fitsAndJoins() {
    cluster.start("n1");

    cluster.start("n2", b -> b.leaseInterval(Duration.ofMillis(400)).deadAfter(Duration.ofSeconds(3)));

    cluster.awaitSettled("n1", "n2");
  }

  @Test
  void aClusterStoppedWhole_restartsWithNewTimings() {
    cluster.start("n1").close();

    cluster.start("n1", LeaseTimingsIT::slow);

    cluster.start("n2", LeaseTimingsIT::slow);
    cluster.awaitSettled("n1", "n2");
  }
}
