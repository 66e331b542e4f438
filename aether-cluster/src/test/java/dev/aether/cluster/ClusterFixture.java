package dev.aether.cluster;

import static org.awaitility.Awaitility.await;

import dev.aether.model.ModelLoader;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeConfig;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * In-JVM cluster nodes on one nats-server, each with its own connection (cluster work) and its own event store
 * connection, running the bank model (accounts, transfers through a policy). Closes what it opened.
 */
final class ClusterFixture implements AutoCloseable {

  final JetStreamConfig store;
  private final String url;
  private final Map<String, ClusterNode> nodes = new LinkedHashMap<>();
  private final List<AutoCloseable> open = new ArrayList<>();

  ClusterFixture(String url) {
    this.url = url;
    this.store = JetStreamConfig.builder().servers(url).namespace("cl-" + UUID.randomUUID().toString().substring(0, 8))
        .build();
  }

  static String bankModel() {
    try (var in = ClusterFixture.class.getResourceAsStream("/models/bank.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ClusterNode start(String nodeId) {
    return start(nodeId, b -> b);
  }

  ClusterNode start(String nodeId, UnaryOperator<ClusterConfig.Builder> settings) {
    return start(nodeId, settings, bankModel(), (builder, events) -> builder);
  }

  /**
   * Starts a node running {@code model}, with what {@code runtimeSettings} adds to its runtime builder (given the
   * node's event connection, for example for a read-model store on it).
   */
  ClusterNode start(String nodeId, UnaryOperator<ClusterConfig.Builder> settings, String model,
      BiFunction<Runtime.Builder, Connection, Runtime.Builder> runtimeSettings) {
    Connection cluster = connect();
    Connection events = connect();
    JetStreamEventStore eventStore = JetStreamEventStore.create(events, store);
    ClusterNode node = ClusterNode.builder(settings.apply(ClusterConfig.builder(store).nodeId(nodeId)).build())
        .connection(cluster)
        .runtime(gateway -> {
          Runtime runtime = runtimeSettings.apply(Runtime.builder().eventStore(eventStore).reactionGateway(gateway)
              .config(RuntimeConfig.builder().commandTimeout(Duration.ofSeconds(10)).build()), events).build();
          runtime.loadModel(ModelLoader.fromYaml(model));
          return runtime;
        })
        .start();
    nodes.put(nodeId, node);
    open.add(events);
    open.add(cluster);
    open.add(node);
    return node;
  }

  Connection connect() {
    try {
      Connection c = Nats.connect(url);
      open.add(c);
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  JetStreamEventStore reader() {
    JetStreamEventStore s = JetStreamEventStore.create(connect(), store);
    return s;
  }

  ClusterNode node(String id) {
    return nodes.get(id);
  }

  List<ClusterNode> running() {
    return List.copyOf(nodes.values());
  }

  void forget(String id) {
    nodes.remove(id);
  }

  /** Waits until the map places every shard on exactly the given nodes and no move is pending. */
  void awaitSettled(String... ids) {
    ClusterNode any = nodes.get(ids[0]);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
      ClusterStatus s = any.status();
      return s.unownedShards() == 0 && s.movesInProgress() == 0 && s.leader() != null
          && s.nodes().stream().filter(n -> n.shards() > 0).map(ClusterStatus.Node::id).sorted().toList()
              .equals(List.of(ids).stream().sorted().toList())
          && running().stream().allMatch(n -> n.map().map(m -> m.epoch() == s.epoch()).orElse(false));
    });
  }

  @Override
  public void close() {
    for (AutoCloseable c : open.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        // already closed (a node that left, a crashed connection)
      }
    }
  }
}
