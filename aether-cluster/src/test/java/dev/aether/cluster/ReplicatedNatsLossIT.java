package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.testkit.nats.NatsCluster;
import dev.aether.testkit.nats.NatsClusterExtension;
import dev.aether.testkit.nats.NatsServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fault suite, loss of one NATS server: three in-JVM nodes on a 3-server NATS cluster (a server with the fix for
 * replicated streams, 2.9.21+: {@code ./scripts/test} provides 2.10.27), the namespace's streams and buckets with
 * 3 replicas, under the bank load; the server leading the event stream is killed ({@code kill -9}). Reads and
 * writes continue (transient outcomes while the stream leader moves, resent by the clients), nothing
 * acknowledged is lost, and the log read straight from JetStream keeps every invariant.
 */
@Tag("nats")
class ReplicatedNatsLossIT {

  @RegisterExtension
  static final NatsClusterExtension NATS = NatsClusterExtension.perMethod()
      .withCluster(b -> b.minimumVersion("2.9.21"));

  private ClusterFixture cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theEventStreamsLeaderServerKilledUnderLoad_writesContinue_nothingAcknowledgedLost(NatsCluster nats)
      throws Exception {
    cluster = new ClusterFixture(nats.url(), 3);
    cluster.start("n1");
    MapHistory maps = cluster.watchMaps();
    cluster.start("n2");
    cluster.start("n3");
    cluster.awaitSettled("n1", "n2", "n3");
    BankWorkload bank = new BankWorkload("lose", 40, cluster::anyGateway).resendFor(Duration.ofSeconds(60));
    bank.openAccounts();
    bank.startTransfers(4);
    bank.awaitMoreCompleted(200);

    Connection connection = cluster.connect();
    NatsServer leader = streamLeader(nats, connection);
    leader.kill();

    bank.awaitMoreCompleted(300);
    cluster.awaitSettled("n1", "n2", "n3");
    bank.awaitMoreCompleted(100);
    bank.stopTransfers();
    System.out.println("ReplicatedNatsLossIT: killed " + leader.name() + ", " + bank.summary() + ", "
        + maps.maps().size() + " maps");
    bank.verify(connection, cluster.store, maps, false);
  }

  /**
   * The server leading the lease bucket killed: the bucket elects a new leader for longer than its max age (two
   * dead-after times), so every lease key, the leader's too, has expired when writes resume. No node may take the
   * others for dead meanwhile: before, the first node to renew joined again alone, led, and moved every other
   * node's shards to itself cold (epoch +1, one member), then back as the others joined again (+6). Every node
   * still owns its shards and the map is not written.
   */
  @Test
  void theLeaseBucketsLeaderServerKilled_noNodeIsTakenForDead_andNoShardMoves(NatsCluster nats) throws Exception {
    cluster = new ClusterFixture(nats.url(), 3);
    cluster.start("n1");
    MapHistory maps = cluster.watchMaps();
    cluster.start("n2");
    cluster.start("n3");
    cluster.awaitSettled("n1", "n2", "n3");
    BankWorkload bank = new BankWorkload("lease", 40, cluster::anyGateway).resendFor(Duration.ofSeconds(60));
    bank.openAccounts();
    bank.startTransfers(4);
    bank.awaitMoreCompleted(200);
    Connection connection = cluster.connect();
    long epoch = cluster.node("n1").map().orElseThrow().epoch();
    NatsServer leader = leaderOf(nats, connection, "KV_" + ClusterNames.of(cluster.store).leaseBucket());
    leader.kill();

    bank.awaitMoreCompleted(300);
    cluster.awaitSettled("n1", "n2", "n3");
    bank.awaitMoreCompleted(100);
    bank.stopTransfers();
    System.out.println("ReplicatedNatsLossIT: killed " + leader.name() + " (lease bucket), " + bank.summary()
        + ", " + maps.maps().size() + " maps");
    assertThat(maps.maps()).as("maps written after the lease bucket's leader died")
        .allSatisfy(map -> assertThat(map.epoch()).isLessThanOrEqualTo(epoch));
    bank.verify(connection, cluster.store, maps, false);
  }

  /**
   * Each start watches the leases, the map and (a node server) the model: the server places each watch's consumer
   * on any of the bucket's three servers, also on the one that is down, and about half of the starts got no
   * answer (nats-server 2.10.27) while the server stayed down; the remembered actors and the live nodes were
   * listed through such consumers too. Every start must succeed, and every listing.
   */
  @Test
  void nodesStartAndRestartWhileOneServerIsDown(NatsCluster nats) throws Exception {
    cluster = new ClusterFixture(nats.url(), 3);
    cluster.start("n1");
    cluster.awaitSettled("n1");
    NatsServer down = nats.server(2);
    down.kill();
    Connection connection = cluster.connect();
    JetStreamManagement jsm = connection.jetStreamManagement(JetStreamOptions.builder()
        .requestTimeout(Duration.ofSeconds(1)).build());
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> jsm.getStreamNames().stream().allMatch(
        name -> leader(jsm, name) != null && !leader(jsm, name).equals(down.name())));
    // every stream has its leader again (elections take up to ~10 s): what is left is where consumers are placed
    for (int round = 0; round < 3; round++) {
      cluster.start("n2");
      cluster.start("n3");
      cluster.awaitSettled("n1", "n2", "n3");
      assertThat(ClusterNode.liveNodes(connection, cluster.store)).containsExactly("n1", "n2", "n3");
      cluster.node("n2").close();
      cluster.node("n3").close();
      cluster.forget("n2");
      cluster.forget("n3");
      cluster.awaitSettled("n1");
      assertThat(ClusterNode.liveNodes(connection, cluster.store)).as("left gracefully: their leases deleted")
          .containsExactly("n1");
    }
  }

  /**
   * A node started the moment the server leading the event stream died: the stream (and maybe JetStream's meta
   * group) elect new leaders for several seconds, during which nothing of them answers; the start waits for them
   * instead of failing.
   */
  @Test
  void aNodeStartedRightAfterTheEventStreamsLeaderDied_starts(NatsCluster nats) throws Exception {
    cluster = new ClusterFixture(nats.url(), 3);
    cluster.start("n1");
    cluster.awaitSettled("n1");
    Connection connection = cluster.connect();
    streamLeader(nats, connection).kill();
    cluster.start("n2");
    cluster.awaitSettled("n1", "n2");
  }

  /** The stream's leader's name; null while it has none or does not answer. */
  private static String leader(JetStreamManagement jsm, String stream) {
    try {
      return jsm.getStreamInfo(stream).getClusterInfo().getLeader();
    } catch (Exception e) {
      return null;
    }
  }

  /** The server that leads the namespace's event stream (its first partition). */
  private NatsServer streamLeader(NatsCluster nats, Connection connection) throws Exception {
    return leaderOf(nats, connection,
        cluster.store.subjectPrefix() + "_" + cluster.store.namespaceToken() + "_EVENTS_0");
  }

  /** The server that leads a stream. */
  private static NatsServer leaderOf(NatsCluster nats, Connection connection, String stream) throws Exception {
    String name = connection.jetStreamManagement().getStreamInfo(stream).getClusterInfo().getLeader();
    return nats.servers().stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no server named " + name + " in " + nats));
  }
}
