package dev.aether.cluster;

import static org.awaitility.Awaitility.await;

import dev.aether.runtime.ActorKey;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.model.ModelLoader;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.runtime.CommandGateway;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeConfig;
import dev.aether.testkit.process.JvmProcess;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * In-JVM cluster nodes on one nats-server (or a NATS cluster: then {@code url} lists its servers), each with its own
 * connection (cluster work) and its own event store connection, running the bank model (accounts, transfers
 * through a policy), and node processes ({@link NodeMain} in a {@link JvmProcess}) on the same namespace. Faults:
 * {@link #crash} (an in-JVM node closes its connections without a goodbye and stops), and a process's own
 * {@code kill()}, {@code pause()} (SIGSTOP: frozen), {@code terminate(deadline)} (SIGTERM: graceful leave). Closes
 * and kills what it opened.
 */
final class ClusterFixture implements AutoCloseable {

  final JetStreamConfig store;
  private final String url;
  private final Map<String, ClusterNode> nodes = new LinkedHashMap<>();
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>(); // processes start on several threads
  private final Map<String, List<Connection>> connections = new LinkedHashMap<>();

  ClusterFixture(String url) {
    this(url, 1);
  }

  /** A fixture whose streams and buckets have {@code replicas} replicas (more than 1 needs a NATS cluster). */
  ClusterFixture(String url, int replicas) {
    this.url = url;
    this.store = JetStreamConfig.builder().servers(url.split(",")).namespace("cl-" + UUID.randomUUID().toString().substring(0, 8))
        .replicas(replicas).build();
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
    return start(url, nodeId, settings, model, runtimeSettings);
  }

  /**
   * Starts a node with the default settings whose two connections go to {@code serverUrl} (a proxy in front of
   * the fixture's server, say) instead of the fixture's URL.
   */
  ClusterNode startVia(String serverUrl, String nodeId) {
    return startVia(serverUrl, nodeId, b -> b);
  }

  /** Starts a node with {@code settings} whose two connections go to {@code serverUrl}, as above. */
  ClusterNode startVia(String serverUrl, String nodeId, UnaryOperator<ClusterConfig.Builder> settings) {
    return start(serverUrl, nodeId, settings, bankModel(), (builder, events) -> builder);
  }

  private ClusterNode start(String serverUrl, String nodeId, UnaryOperator<ClusterConfig.Builder> settings,
      String model, BiFunction<Runtime.Builder, Connection, Runtime.Builder> runtimeSettings) {
    Connection cluster = connect(serverUrl);
    Connection events = connect(serverUrl);
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
    connections.put(nodeId, List.of(cluster, events));
    open.add(events);
    open.add(cluster);
    open.add(node);
    return node;
  }

  /**
   * Crashes an in-JVM node: its connections close without a goodbye (no lease deleted, no handoff, what it was
   * sending is lost), then its threads stop as in a crash; the test forgets it.
   */
  void crash(String nodeId) {
    closeConnections(nodeId);
    ClusterNode crashed = nodes.remove(nodeId);
    open.remove(crashed); // a crashed node is not closed again (it has no goodbye to say)
    crashed.crash();
  }

  /** Closes an in-JVM node's cluster connection under it; its store's connection stays open. */
  void closeClusterConnection(String nodeId) throws InterruptedException {
    connections.get(nodeId).getFirst().close();
  }

  /** Closes an in-JVM node's connections (cluster and events) under it, without stopping the node. */
  void closeConnections(String nodeId) {
    for (Connection c : connections.remove(nodeId)) {
      try {
        c.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Starts a node as its own JVM ({@link NodeMain}) on this fixture's servers and namespace; returns once it
   * joined. Its shutdown hook leaves gracefully on SIGTERM.
   */
  JvmProcess startProcess(String nodeId) {
    JvmProcess process = JvmProcess.builder(NodeMain.class.getName()).name(nodeId)
        .args(url, store.namespace(), nodeId, Integer.toString(store.replicas()))
        .jvmArgs("-Xmx256m", "-XX:TieredStopAtLevel=1").readyLine("READY " + nodeId).start();
    open.add(process);
    return process;
  }

  /** Starts watching the shard map's KV key (after the first node created the bucket); closed with the fixture. */
  MapHistory watchMaps() {
    MapHistory history = new MapHistory(connect(), store);
    open.add(history);
    return history;
  }

  /** Asks any node for the cluster's status over NATS ({@code <p>.<ns>.cluster.status}). */
  ClusterStatus status(Connection connection) {
    try {
      Message reply = connection.request(ClusterNames.of(store).status(), new byte[0], Duration.ofSeconds(5));
      if (reply == null) {
        throw new IllegalStateException("no answer from the status endpoint");
      }
      return ControlJson.read(reply.getData(), ClusterStatus.class);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits until the status (asked over NATS, so any node, in-JVM or process, may answer) places every shard on
   * exactly the given nodes with no move pending and a leader.
   */
  void awaitSettledVia(Connection connection, String... ids) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
      ClusterStatus s = status(connection);
      return s.unownedShards() == 0 && s.movesInProgress() == 0 && s.leader() != null
          && s.nodes().stream().filter(n -> n.shards() > 0).map(ClusterStatus.Node::id).sorted().toList()
              .equals(List.of(ids).stream().sorted().toList());
    });
  }

  Connection connect() {
    return connect(url);
  }

  /** Closes {@code resource} with the fixture (a test's own connection, closed also when the test fails). */
  void closeAtEnd(AutoCloseable resource) {
    open.add(resource);
  }

  /** A connection to {@code serverUrl} (one server of a cluster, say), closed with the fixture. */
  Connection connect(String serverUrl) {
    try {
      Connection c = Nats.connect(new Options.Builder().servers(serverUrl.split(",")).build());
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

  /** @return whether an in-JVM node's connections are all disconnected (its server is down, say) */
  boolean connectionsDown(String nodeId) {
    return connections.get(nodeId).stream().noneMatch(c -> c.getStatus() == Connection.Status.CONNECTED);
  }

  /** Waits until every in-JVM node's connections are connected (after a server restart, say). */
  void awaitConnected() {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> connections.values()
        .stream().flatMap(List::stream).allMatch(c -> c.getStatus() == Connection.Status.CONNECTED));
  }

  List<ClusterNode> running() {
    return List.copyOf(nodes.values());
  }

  /** The gateway of a running in-JVM node picked at random: a client that may talk to any node. */
  CommandGateway anyGateway() {
    List<ClusterNode> running = running();
    return running.get(ThreadLocalRandom.current().nextInt(running.size())).gateway();
  }

  void forget(String id) {
    nodes.remove(id);
  }

  /** Starts nodes with the default settings and waits until the map places every shard on exactly them. */
  void startSettled(String... ids) {
    for (String id : ids) {
      start(id);
    }
    awaitSettled(ids);
  }

  /** The bank model's {@code Open} of an account with an initial deposit of 100. */
  static RuntimeMessage openAccount(String account) {
    return RuntimeMessage.builder("Account", account, "Open").payload(Map.of("owner", account, "initialDeposit", 100))
        .build();
  }

  /** The bank model's {@code Deposit} of {@code amount} into an account. */
  static RuntimeMessage deposit(String account, long amount) {
    return RuntimeMessage.builder("Account", account, "Deposit").payload(Map.of("amount", amount)).build();
  }

  /** The key of a bank account. */
  static ActorKey account(String id) {
    return ActorKey.of("Account", id);
  }

  /** The node that owns an account in n1's map. */
  String ownerOf(String account) {
    return node("n1").map().orElseThrow().ownerOf("Account/" + account).orElseThrow();
  }

  /** n1's map with an account's shard given to {@code node} (a stale map, or one naming a node that is not). */
  ShardMap mapGiving(String account, String node) {
    ShardMap current = node("n1").map().orElseThrow();
    int shard = current.shards().shardOf("Account/" + account);
    return current.step(current, List.of(new ShardMove(shard, Optional.of(ownerOf(account)), Optional.of(node))));
  }

  /** A map view that never changes: {@code map}, whatever the cluster's map says (no watch replaces it). */
  MapView frozenMap(Connection connection, ShardMap map) {
    MapView frozen = new MapView(connection, ClusterKv.findMapBucket(connection, ClusterNames.of(store)),
        (a, b) -> {});
    frozen.offer(map, Long.MAX_VALUE);
    return frozen;
  }

  /** Waits until the map places every shard on exactly the given nodes and no move is pending. */
  void awaitSettled(String... ids) {
    ClusterNode any = nodes.get(ids[0]);
    long start = System.nanoTime();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
      ClusterStatus s = any.status();
      return s.unownedShards() == 0 && s.movesInProgress() == 0 && s.leader() != null
          && s.nodes().stream().filter(n -> n.shards() > 0).map(ClusterStatus.Node::id).sorted().toList()
              .equals(List.of(ids).stream().sorted().toList())
          && running().stream().allMatch(n -> n.map().map(m -> m.epoch() == s.epoch()).orElse(false));
    });
    System.out.println("cluster settled on " + List.of(ids) + " in " + (System.nanoTime() - start) / 1_000_000
        + " ms"); // the phases' durations explain a run's command count
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
