package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.aether.InvalidInputException;
import dev.aether.model.ModelLoader;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Starts that are refused leave what runs alone (found by a user's drill: a refused second start of the same
 * builder closed the live node's runtime, and one runtime given to two nodes lost the first node's shards), and a
 * stopped node says so instead of showing a stale view.
 */
@NatsTest
class NodeStartIT {

  private ClusterFixture cluster;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void cluster(NatsServer server) {
    cluster = new ClusterFixture(server.url());
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable resource : open.reversed()) {
      resource.close();
    }
    cluster.close();
  }

  private Runtime runtime() {
    JetStreamEventStore events = JetStreamEventStore.create(cluster.connect(), cluster.store);
    Runtime runtime = Runtime.builder().eventStore(events).build();
    runtime.loadModel(ModelLoader.fromYaml(ClusterFixture.bankModel()));
    open.add(runtime);
    return runtime;
  }

  private ClusterNode.Builder builder(String nodeId, Runtime runtime) {
    return ClusterNode.builder(ClusterConfig.builder(cluster.store).nodeId(nodeId).build())
        .connection(cluster.connect()).setVMProvider(runtime);
  }

  private ClusterNode started(ClusterNode.Builder builder) {
    ClusterNode node = builder.start();
    open.add(node);
    return node;
  }

  private static CommandResult open(ClusterNode node, String account) {
    return node.gateway().sendMessage(RuntimeMessage.of("Account", account, "Open", Map.of("owner", "ann"))
        .withDeadline(Instant.now().plusSeconds(10))).join();
  }

  @Test
  void theFirstNode_onceStarted_hasTheMap_andReportsItselfAliveWithEveryShard() {
    // found by a library user's drill: right after start() the map was empty and the status listed no node, or
    // the node itself as not alive (its own lease only as its watch had shown it)
    ClusterNode first = started(builder("first", runtime()));

    assertThat(first.map()).as("the map the first node created").isPresent();
    ClusterStatus status = first.status();
    assertThat(status.epoch()).isNotNegative();
    assertThat(status.nodes()).singleElement().satisfies(n -> {
      assertThat(n.id()).isEqualTo("first");
      assertThat(n.alive()).isTrue();
      assertThat(n.state()).isEqualTo("ACTIVE");
      assertThat(n.shards()).isEqualTo(status.shards());
    });
  }

  @Test
  void aNodeJustJoined_isNotShownSettled_untilItOwnsItsShare() {
    // found by a library user's drill: right after a joiner's start() every node's status said movesInProgress 0
    // (the leader had not planned the join yet) while the joiner owned nothing: "wait until 0 moves" returned at once
    ClusterNode first = started(builder("first", runtime()));
    await().atMost(Duration.ofSeconds(10)).until(() -> first.status().movesInProgress() == 0);
    ClusterNode second = started(builder("second", runtime()));

    assertNotSettledWhileOwningNothing(second.status(), "second");
    await().atMost(Duration.ofSeconds(10)).until(() -> first.status().nodes().stream()
        .anyMatch(n -> n.id().equals("second") && n.alive()));
    assertNotSettledWhileOwningNothing(first.status(), "second");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (ClusterNode node : List.of(first, second)) {
        ClusterStatus status = node.status();
        assertThat(status.movesInProgress()).isZero();
        assertThat(status.nodes()).allSatisfy(n -> assertThat(n.shards()).isPositive());
      }
    });
  }

  @Test
  void withFewShards_aMemberMayOwnNone_andTheClusterStillSettles() {
    // found by review: "a member without shards" was taken for a join not yet planned, so a cluster whose
    // placement gives a member nothing (4 shards, n1 .. n4 joining in turn: n1 ends with none) showed a move in
    // progress for ever; what counts is whether the placement of the members differs from the map
    List<ClusterNode> nodes = new ArrayList<>();
    for (String id : List.of("n1", "n2", "n3", "n4")) {
      nodes.add(started(ClusterNode.builder(ClusterConfig.builder(cluster.store).nodeId(id).shards(new Shards(4))
          .build()).connection(cluster.connect()).setVMProvider(runtime())));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        for (ClusterNode node : nodes) {
          ClusterStatus status = node.status();
          assertThat(status.movesInProgress()).as("%s's view", node.nodeId()).isZero();
          assertThat(status.unownedShards()).isZero();
          assertThat(status.epoch()).isEqualTo(nodes.getFirst().status().epoch());
          assertThat(status.nodes()).hasSize(nodes.size()).allSatisfy(n -> assertThat(n.alive()).isTrue());
        }
      });
    }
    assumeThat(nodes.getFirst().status().nodes()).as("the placement left a member without shards (its history)")
        .anyMatch(n -> n.shards() == 0);
  }

  private static void assertNotSettledWhileOwningNothing(ClusterStatus status, String joiner) {
    int owned = status.nodes().stream().filter(n -> n.id().equals(joiner)).mapToInt(ClusterStatus.Node::shards)
        .sum();
    if (owned == 0) {
      assertThat(status.movesInProgress()).as("%s's view while %s owns no shard", status.reportedBy(), joiner)
          .isPositive();
    }
  }

  @Test
  void aReactionRunsOnExactlyOneNode_theOwnerOfItsNamesShard() {
    ClusterNode a = started(builder("react-a", runtime()));
    ClusterNode b = started(builder("react-b", runtime()));
    String name = "projection/Orders";

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(a.map().orElseThrow().ownerOf(name)).isEqualTo(b.map().orElseThrow().ownerOf(name));
      assertThat(List.of(a.runsReaction(name), b.runsReaction(name))).containsExactlyInAnyOrder(true, false);
    });
    ClusterNode owner = a.runsReaction(name) ? a : b;
    assertThat(owner.map().orElseThrow().ownerOf(name)).contains(owner.nodeId());
    assertThat(catchThrowableOfType(InvalidInputException.class, () -> a.runsReaction(" ")).field())
        .isEqualTo("reaction");
  }

  @Test
  void aSecondStartOfTheSameBuilder_isRefused_andTheRunningNodeKeepsItsRuntime() {
    Runtime runtime = runtime();
    ClusterNode.Builder builder = builder("solo", runtime);
    ClusterNode node = started(builder);
    assertThat(open(node, "a-1").isAccepted()).isTrue();

    InvalidInputException refused = catchThrowableOfType(InvalidInputException.class, builder::start);
    assertThat(refused.field()).isEqualTo("runtime");
    assertThat(refused.getMessage()).contains("already serves cluster node solo");

    assertThat(runtime.isRunning()).isTrue();
    assertThat(node.isRunning()).isTrue();
    assertThat(open(node, "a-2").isAccepted()).as("the live node still serves").isTrue();
  }

  @Test
  void oneRuntimeForTwoNodes_isRefusedNamingTheNodeItServes() {
    Runtime runtime = runtime();
    ClusterNode first = started(builder("x", runtime));
    InvalidInputException refused = catchThrowableOfType(InvalidInputException.class,
        () -> started(builder("y", runtime)));
    assertThat(refused.field()).isEqualTo("runtime");
    assertThat(refused.getMessage()).contains("cluster node x");
    for (int i = 0; i < 20; i++) {
      assertThat(open(first, "shared-" + i).isAccepted()).as("every shard stays x's").isTrue();
    }
  }

  @Test
  void anIdALiveNodeHolds_isRefused_andTheGivenRuntimeIsLeftOpen_forAnotherTry() {
    ClusterNode live = started(builder("dup", runtime()));
    Runtime mine = runtime();
    InvalidInputException refused = catchThrowableOfType(InvalidInputException.class,
        () -> started(builder("dup", mine)));
    assertThat(refused.field()).isEqualTo("nodeId");
    assertThat(mine.isRunning()).as("a runtime given built is the caller's when the start fails").isTrue();
    assertThat(mine.sendMessage(RuntimeMessage.of("Account", "alone-1", "Open", Map.of("owner", "ann"))
        .withDeadline(Instant.now().plusSeconds(10))).join().isAccepted())
        .as("with the placements it has on its own, not the failed node's").isTrue();
    assertThat(open(live, "dup-1").isAccepted()).isTrue();

    ClusterNode other = started(builder("dup-2", mine));
    assertThat(other.isRunning()).isTrue();
    assertThat(open(other, "dup-2").isAccepted()).as("the same runtime, under a free id").isTrue();
  }

  @Test
  void aClosedRuntime_isRefusedNamingIt() {
    Runtime closed = runtime();
    closed.close();
    InvalidInputException refused = catchThrowableOfType(InvalidInputException.class,
        () -> started(builder("closed", closed)));
    assertThat(refused.field()).isEqualTo("runtime");
    assertThat(refused.getMessage()).contains("closed");
    Runtime fresh = runtime();
    assertThat(started(builder("closed", fresh)).isRunning()).as("the id was not left held").isTrue();
  }

  /**
   * A runtime whose store keeps another namespace than the cluster's (two configurations that drifted apart):
   * refused, not run with its events in one namespace and its leases and map in another.
   */
  @Test
  void aRuntimeOnAnotherNamespacesStore_isRefusedNamingBoth() {
    JetStreamEventStore elsewhere = JetStreamEventStore.create(cluster.connect(), dev.aether.nats.JetStreamConfig
        .builder().servers(cluster.store.servers().toArray(String[]::new)).namespace("elsewhere").build());
    Runtime runtime = Runtime.builder().eventStore(elsewhere).build();
    open.add(runtime);
    InvalidInputException refused = catchThrowableOfType(InvalidInputException.class,
        () -> started(builder("ns", runtime)));
    assertThat(refused.field()).isEqualTo("runtime");
    assertThat(refused.getMessage()).contains("elsewhere").contains(cluster.store.namespace());
    assertThat(started(builder("ns", runtime())).isRunning()).as("the id was not left held").isTrue();
  }

  /** A closed connection is the caller's mistake, not an outage to retry (it was a StoreUnavailableException). */
  @Test
  void aClosedConnection_isRefusedNamingIt_byTheNode_theClient_andLiveNodes() throws Exception {
    io.nats.client.Connection closed = cluster.connect();
    closed.close();
    Runtime runtime = runtime();
    InvalidInputException node = catchThrowableOfType(InvalidInputException.class, () -> started(ClusterNode.builder(
        ClusterConfig.builder(cluster.store).nodeId("c").build()).connection(closed).setVMProvider(runtime)));
    assertThat(node.field()).isEqualTo("connection");
    assertThat(node.getMessage()).contains("closed");
    InvalidInputException client = catchThrowableOfType(InvalidInputException.class,
        () -> AetherClient.builder(closed, cluster.store).build());
    assertThat(client.field()).isEqualTo("connection");
    assertThat(catchThrowableOfType(InvalidInputException.class,
        () -> ClusterNode.liveNodes(closed, cluster.store)).field()).isEqualTo("connection");
    assertThat(started(builder("c", runtime)).isRunning()).as("the runtime was left for another try").isTrue();
  }

  @Test
  void liveNodes_namesTheNodesHoldingALease_inTheNamespaceOnly() {
    assertThat(ClusterNode.liveNodes(cluster.connect(), cluster.store)).as("no cluster yet").isEmpty();
    started(builder("b", runtime()));
    started(builder("a", runtime()));
    assertThat(ClusterNode.liveNodes(cluster.connect(), cluster.store)).containsExactly("a", "b");
    assertThat(ClusterNode.liveNodes(cluster.connect(), dev.aether.nats.JetStreamConfig.builder()
        .servers(cluster.store.servers().toArray(String[]::new)).namespace("elsewhere").build())).isEmpty();
  }

  @Test
  void membershipMeters_countTheLiveMembers_theLeaders_andTheNodesFoundDead() {
    var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    ClusterNode a = started(builder("meter-a", runtime()).meterRegistry(registry));
    ClusterNode b = started(builder("meter-b", runtime()));
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(registry.get("aether.cluster.members").tag("node", "meter-a").gauge().value()).isEqualTo(2));
    assertThat(registry.get("aether.cluster.leaders").tag("node", "meter-a").functionCounter().count())
        .isGreaterThanOrEqualTo(1);
    b.crash(); // no goodbye: found dead by a's probe
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(registry.get("aether.cluster.members").tag("node", "meter-a").gauge().value()).isEqualTo(1);
      assertThat(registry.get("aether.cluster.dead").tag("node", "meter-a").functionCounter().count())
          .isGreaterThanOrEqualTo(1);
    });
    assertThat(a.isRunning()).isTrue();
  }

  @Test
  void aStoppedNode_saysSo_insteadOfAStaleStatus() {
    ClusterNode node = started(builder("gone", runtime()));
    assertThat(node.isRunning()).isTrue();
    assertThat(node.status().nodes()).extracting(ClusterStatus.Node::id).contains("gone");
    node.close();
    assertThat(node.isRunning()).isFalse();
    assertThatThrownBy(node::status).isInstanceOf(IllegalStateException.class).hasMessageContaining("gone")
        .hasMessageContaining("stopped");
  }
}
