package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.aether.InvalidInputException;
import dev.aether.cluster.ClusterNode.StopReason;
import dev.aether.model.ModelLoader;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.Runtime;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node's life as an Akka Cluster or Orleans user expects it (found by a user evaluation): a node whose cluster
 * connection closes under it stops itself and says so ({@link ClusterNode#whenStopped()}); a second node on one
 * connection is refused; a closed node is garbage, though its connection (the caller's) stays open.
 */
@NatsTest
class NodeLifecycleIT {

  private ClusterFixture cluster;
  private NatsServer server;

  @BeforeEach
  void cluster(NatsServer server) {
    this.server = server;
    cluster = new ClusterFixture(server.url());
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void aNodeWhoseConnectionIsClosedUnderIt_stopsItself_saysWhy_andTheOtherNodeTakesItsShards() throws Exception {
    ClusterNode n1 = cluster.start("n1");
    ClusterNode n2 = cluster.start("n2");
    cluster.awaitSettled("n1", "n2");
    CompletableFuture<StopReason> stopped = n2.whenStopped();

    cluster.closeClusterConnection("n2"); // the application closed it before the node; its store's stays open

    assertThat(stopped).as("whenStopped()").succeedsWithin(Duration.ofSeconds(20))
        .isEqualTo(StopReason.CONNECTION_CLOSED);
    assertThat(n2.isRunning()).as("isRunning()").isFalse();
    assertThat(n2.runtime().isRunning()).as("its runtime runs").isFalse();
    assertThat(n2.runsReaction("projection/Anything")).as("a reaction's condition").isFalse();
    assertThat(catchThrowableOfType(IllegalStateException.class, n2::status)).hasMessageContaining("CLOSED");
    CommandResult answer = n2.gateway().sendMessage(ClusterFixture.openAccount("after-the-stop"))
        .get(5, TimeUnit.SECONDS);
    assertThat(answer).isInstanceOfSatisfying(Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(RejectionReason.NOT_RUNNING);
      assertThat(r.message()).contains("n2", "CLOSED", "nothing applied");
    });
    assertThat(CompletableFuture.runAsync(n2::close)).as("close() afterwards").succeedsWithin(Duration.ofSeconds(10));
    assertThatCode(n2::close).as("close() again").doesNotThrowAnyException();
    assertThat(n2.whenStopped()).isCompletedWithValue(StopReason.CONNECTION_CLOSED);
    cluster.forget("n2");
    cluster.awaitSettled("n1"); // found dead after dead-after, as a crash: its lease could not be written
    assertThat(n1.gateway().sendMessage(ClusterFixture.openAccount("after-n2")).join())
        .isInstanceOf(CommandResult.Accepted.class);
  }

  @Test
  void aNodeWhoseConnectionJnatsGaveUpOn_stopsItself() throws Exception {
    try (NatsServer own = NatsServer.create().start()) {
      ClusterFixture alone = new ClusterFixture(own.url());
      cluster.closeAtEnd(alone);
      Connection giving = Nats.connect(new Options.Builder().server(own.url()).maxReconnects(1)
          .reconnectWait(Duration.ofMillis(20)).build());
      cluster.closeAtEnd(giving);
      ClusterNode node = node(alone, "gives-up", giving, alone.connect());
      cluster.closeAtEnd(node);
      await().atMost(Duration.ofSeconds(20)).until(node::isLeader); // alone: it leads

      own.stop(); // jnats tries once more, then closes the connection for good

      assertThat(node.whenStopped()).succeedsWithin(Duration.ofSeconds(30)).isEqualTo(StopReason.CONNECTION_CLOSED);
      assertThat(giving.getStatus()).isEqualTo(Connection.Status.CLOSED);
      assertThat(node.isRunning()).isFalse();
      assertThat(node.isLeader()).as("a stopped node leads nothing (its key has yet to expire)").isFalse();
    }
  }

  @Test
  void aSecondNodeOnTheSameConnectionAndNamespace_isRefusedNamingTheConnection_andAcceptedOnceTheFirstLeft() {
    Connection shared = cluster.connect();
    ClusterNode first = node(cluster, "first", shared, cluster.connect());

    InvalidInputException refused = catchThrowableOfType(InvalidInputException.class,
        () -> node(cluster, "second", shared, cluster.connect()));

    assertThat(refused.field()).isEqualTo("connection");
    assertThat(refused).hasMessageContaining("first");
    assertThat(first.isRunning()).as("the first node").isTrue();
    first.close();
    assertThat(first.whenStopped()).isCompletedWithValue(StopReason.LEFT);
    ClusterNode again = node(cluster, "second", shared, cluster.connect());
    assertThat(again.isRunning()).isTrue();
    again.close();
  }

  /**
   * A JVM that starts and stops nodes (tests, an application restarting its node) must not keep the stopped ones:
   * nothing of the connections (still open, the caller's: the cluster's, and the store's with its policy's feed),
   * the shared timeout wheel or a static registry may reach a closed node or its runtime.
   */
  @Test
  void aClosedNode_andItsRuntime_areCollected_whileTheirConnectionsStayOpen() {
    Connection kept = cluster.connect();
    Connection events = cluster.connect();
    List<WeakReference<Object>> closed = startUseAndClose(kept, events);

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
      System.gc();
      return closed.stream().allMatch(reference -> reference.get() == null);
    });
    assertThat(kept.getStatus()).isEqualTo(Connection.Status.CONNECTED);
    assertThat(events.getStatus()).isEqualTo(Connection.Status.CONNECTED);
  }

  /** @return weak references to the node and its runtime, closed after some commands */
  private List<WeakReference<Object>> startUseAndClose(Connection connection, Connection events) {
    ClusterNode node = node(cluster, "collected", connection, events);
    for (int i = 0; i < 5; i++) {
      assertThat(node.gateway().sendMessage(ClusterFixture.openAccount("gc-" + i)).join())
          .isInstanceOf(CommandResult.Accepted.class);
    }
    node.close();
    return List.of(new WeakReference<>(node), new WeakReference<>(node.runtime()));
  }

  /** A node of {@code fixture}'s namespace on the given connections, running the bank model. */
  private static ClusterNode node(ClusterFixture fixture, String id, Connection connection, Connection events) {
    JetStreamEventStore store = JetStreamEventStore.create(events, fixture.store);
    return ClusterNode.builder(ClusterConfig.builder(fixture.store).nodeId(id).build()).connection(connection)
        .runtime(gateway -> {
          Runtime runtime = Runtime.builder().eventStore(store).reactionGateway(gateway).build();
          runtime.loadModel(ModelLoader.fromYaml(ClusterFixture.bankModel()));
          return runtime;
        })
        .start();
  }
}
