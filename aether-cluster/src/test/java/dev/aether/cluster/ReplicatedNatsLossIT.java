package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.nats.JetStreamConfig;
import dev.aether.testkit.nats.NatsCluster;
import dev.aether.testkit.nats.NatsClusterExtension;
import dev.aether.testkit.nats.NatsServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.Options;
import dev.aether.cluster.FailureDetector.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fault suite, loss of one NATS server: three in-JVM nodes on a 3-server NATS cluster (a server with the fix for
 * replicated streams, 2.9.21+: {@code ./scripts/test} provides 2.10.27), the namespace's streams and buckets with
 * 3 replicas, under the bank load; the server leading the event stream, or the lease bucket, is killed ({@code
 * kill -9}). Reads and writes continue (transient outcomes while the stream leader moves, resent by the
 * clients), nothing acknowledged is lost, and the log read straight from JetStream keeps every invariant.
 */
@Tag("nats")
class ReplicatedNatsLossIT {

  @RegisterExtension
  static final NatsClusterExtension NATS = NatsClusterExtension.perMethod()
      .withCluster(b -> b.minimumVersion("2.9.21"));

  /** How long a node whose NATS server was killed has to reconnect to another one and renew its lease. */
  private static final Duration MOVE_BUDGET = Duration.ofSeconds(5);

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
    killLeaderUnderBankLoad(nats, "lose", ReplicatedNatsLossIT::eventStream);
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
    Killed killed = killLeaderUnderBankLoad(nats, "lease", store -> "KV_" + ClusterNames.of(store).leaseBucket());
    assertThat(killed.maps()).as("maps written after the lease bucket's leader died")
        .allSatisfy(map -> assertThat(map.epoch()).isLessThanOrEqualTo(killed.epochBefore()));
  }

  /**
   * A node's own NATS server killed (one that does not lead the lease bucket; the node was given only its URL and
   * learnt the others from it): the node's connections move to another server within moments and it renews on, so
   * it keeps its incarnation and its shards, and no map is written (a probe meeting "no responders" during its move
   * proves nothing: {@link #noRespondersJustAfterANatsServerLeft_provesNoDeath_untilTheGraceTimeIsOver}).
   */
  @Test
  void aNodesOwnNatsServerKilled_itMovesToAnotherServer_andIsNotTakenForDead(NatsCluster nats) throws Exception {
    // dead-after is n3's budget for its move: reconnecting to another server and renewing there. Under load the
    // move took 2.5 s (n3 then lost its incarnation, 1 of 8 repeated runs), beyond the default 1.5 s; a node that
    // does not move at all is still taken for dead, and the cluster never settles with it
    UnaryOperator<ClusterConfig.Builder> moveBudget = b -> b.deadAfter(MOVE_BUDGET);
    cluster = new ClusterFixture(nats.url(), 3);
    cluster.start("n1", moveBudget);
    MapHistory maps = cluster.watchMaps();
    cluster.start("n2", moveBudget);
    Connection connection = cluster.connect();
    NatsServer leases = leaderOf(nats, connection, "KV_" + ClusterNames.of(cluster.store).leaseBucket());
    NatsServer own = nats.servers().stream().filter(s -> !s.name().equals(leases.name())).findFirst().orElseThrow();
    // n3 learns the other servers from the one it reaches
    ClusterNode n3 = cluster.startVia(own.url(), "n3", moveBudget);
    cluster.awaitSettled("n1", "n2", "n3");
    BankWorkload bank = new BankWorkload("own", 40, cluster::anyGateway).resendFor(Duration.ofSeconds(60));
    bank.openAccounts();
    bank.startTransfers(4);
    bank.awaitMoreCompleted(200);
    String incarnation = n3.incarnation();
    long epoch = cluster.node("n1").map().orElseThrow().epoch();

    own.kill();

    bank.awaitMoreCompleted(300);
    cluster.awaitSettled("n1", "n2", "n3");
    bank.awaitMoreCompleted(100);
    bank.stopTransfers();
    System.out.println("ReplicatedNatsLossIT: killed " + own.name() + " (n3's), " + bank.summary() + ", "
        + maps.maps().size() + " maps");
    assertThat(n3.incarnation()).as("n3's incarnation").isEqualTo(incarnation);
    assertThat(maps.maps()).as("maps written after n3's server died")
        .allSatisfy(map -> assertThat(map.epoch()).isLessThanOrEqualTo(epoch));
    bank.verify(connection, cluster.store, maps, false);
  }

  /**
   * "No responders" on a node's subjects right after a NATS server left the cluster proves nothing: the nodes that
   * were connected to it are moving to another server. A ghost node (a lease and a control subscription on a
   * connection to one server, which does not reconnect) loses its subscription with its server: probed at once it
   * is not taken for dead (before: no responders twice, its lease deleted; for a real node its shards moved cold
   * and it joined again as a new incarnation); once the grace time is over the same probe proves it dead.
   */
  @Test
  void noRespondersJustAfterANatsServerLeft_provesNoDeath_untilTheGraceTimeIsOver(NatsCluster nats)
      throws Exception {
    cluster = new ClusterFixture(nats.url(), 3);
    Connection connection = cluster.connect();
    cluster.start("n1");
    cluster.awaitSettled("n1");
    NatsServer leases = leaderOf(nats, connection, "KV_" + ClusterNames.of(cluster.store).leaseBucket());
    NatsServer lost = nats.servers().stream().filter(s -> !s.name().equals(leases.name())).findFirst().orElseThrow();
    NatsServer judges = nats.servers().stream().filter(s -> s != lost).findFirst().orElseThrow();
    ClusterNode judge = cluster.startVia(judges.url(), "judge");
    cluster.awaitSettled("n1", "judge");

    ClusterNames names = ClusterNames.of(cluster.store);
    Connection ghost = Nats.connect(new Options.Builder().server(lost.url()).maxReconnects(0).build());
    cluster.closeAtEnd(ghost);
    ghost.createDispatcher(m -> ghost.publish(m.getReplyTo(), new byte[0])).subscribe(names.nodeControl("ghost"));
    ghost.flush(Duration.ofSeconds(5));
    KeyValue bucket = connection.keyValue(names.leaseBucket());
    byte[] ghostLease = ControlJson.write(new ControlJson.Lease("ghost", "g-1", ControlJson.State.ACTIVE, 0, null));
    bucket.put(ClusterNames.nodeKey("ghost"), ghostLease);
    assertThat(judge.detector().suspect("ghost").join()).as("the ghost answers").isEqualTo(Verdict.ALIVE);

    Connection onJudges = cluster.connect(judges.url());
    lost.kill();
    await().atMost(Duration.ofSeconds(10)).until(() -> ghost.getStatus() != Connection.Status.CONNECTED);
    await().atMost(Duration.ofSeconds(10)).until(() -> onJudges.requestWithTimeout(names.nodeControl("ghost"),
        new byte[0], Duration.ofSeconds(1)).handle((reply, failure) -> failure != null
            && (failure instanceof java.util.concurrent.CancellationException
                || failure.getCause() instanceof java.util.concurrent.CancellationException)).join());
    // the judge's server has dropped the ghost's subscription: no responders, not a timeout, is what it meets

    assertThat(judge.detector().suspect("ghost").join()).as("probed right after its server left")
        .isEqualTo(Verdict.UNSURE);
    assertThat(bucket.get(ClusterNames.nodeKey("ghost"))).as("its lease").isNotNull();
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).until(() -> {
      bucket.put(ClusterNames.nodeKey("ghost"), ghostLease); // as if it renewed: the key outlives no max age here
      return judge.detector().suspect("ghost").join() == Verdict.DEAD;
    });
    assertThat(bucket.get(ClusterNames.nodeKey("ghost"))).as("its lease, once proven dead").isNull();
  }

  /** What {@link #killLeaderUnderBankLoad} saw: the map's epoch just before the kill, and every map written. */
  private record Killed(long epochBefore, List<MapHistory.Seen> maps) {}

  /**
   * Three nodes under the bank load (clients resending transient outcomes with the same id); the server leading
   * {@code stream} is killed; the load goes on until the nodes are settled again; then the log read straight from
   * JetStream must keep every invariant, nothing acknowledged lost; and two nodes leave, handing their shards off.
   */
  private Killed killLeaderUnderBankLoad(NatsCluster nats, String accounts, Function<JetStreamConfig, String> stream)
      throws Exception {
    cluster = new ClusterFixture(nats.url(), 3);
    cluster.start("n1");
    MapHistory maps = cluster.watchMaps();
    cluster.start("n2");
    cluster.start("n3");
    cluster.awaitSettled("n1", "n2", "n3");
    BankWorkload bank = new BankWorkload(accounts, 40, cluster::anyGateway).resendFor(Duration.ofSeconds(60));
    bank.openAccounts();
    bank.startTransfers(4);
    bank.awaitMoreCompleted(200);

    Connection connection = cluster.connect();
    long epoch = cluster.node("n1").map().orElseThrow().epoch();
    String led = stream.apply(cluster.store);
    NatsServer leader = leaderOf(nats, connection, led);
    leader.kill();

    bank.awaitMoreCompleted(300);
    cluster.awaitSettled("n1", "n2", "n3");
    bank.awaitMoreCompleted(100);
    bank.stopTransfers();
    System.out.println("ReplicatedNatsLossIT: killed " + leader.name() + " (leading " + led + "), "
        + bank.summary() + ", " + maps.maps().size() + " maps");
    bank.verify(connection, cluster.store, maps, false);
    Killed killed = new Killed(epoch, maps.maps()); // before the leaves below write maps
    // each watch's consumer may have been on the killed server: a node that leaves now must see the map that
    // hands its shards off (a lost map watch made n3 wait its whole leave timeout, owning them by its stale view)
    for (String id : List.of("n3", "n2")) {
      ClusterNode leaving = cluster.node(id);
      leaving.leave();
      assertThat(leaving.map().orElseThrow().shardsOf(id)).as(id + "'s shards by the map it saw as it left")
          .isEmpty();
    }
    return killed;
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
    leaderOf(nats, connection, eventStream(cluster.store)).kill();
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

  /** The namespace's event stream (its first partition). */
  private static String eventStream(JetStreamConfig store) {
    return store.subjectPrefix() + "_" + store.namespaceToken() + "_EVENTS_0";
  }

  /** The server that leads a stream. */
  private static NatsServer leaderOf(NatsCluster nats, Connection connection, String stream) throws Exception {
    String name = connection.jetStreamManagement().getStreamInfo(stream).getClusterInfo().getLeader();
    return nats.servers().stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no server named " + name + " in " + nats));
  }
}
