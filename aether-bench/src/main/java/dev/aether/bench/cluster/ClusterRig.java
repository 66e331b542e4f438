package dev.aether.bench.cluster;

import dev.aether.bench.QuietErrorListener;
import dev.aether.bench.ServerCpu;
import dev.aether.cluster.ClusterConfig;
import dev.aether.cluster.ClusterNode;
import dev.aether.cluster.ClusterStatus;
import dev.aether.cluster.ShardMap;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeConfig;
import dev.aether.testkit.nats.NatsServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the cases of {@link ClusterSuite} share: one nats-server started for the suite (testkit fixture, file
 * storage, a fresh temporary directory) and two clusters on it, each in its own namespace (so its own
 * partition stream, snapshot bucket and cluster KV buckets):
 *
 * <ul>
 *   <li>{@link #TRIO}: nodes {@code n1}, {@code n2}, {@code n3} (and {@code n4} while the join case runs it);
 *   <li>{@link #SOLO}: one node {@code solo}, the one-node side of the spread case.
 * </ul>
 * Every node is built as {@code aether-cluster}'s own tests build theirs: its own NATS connection for the
 * cluster's work, its own connection and {@link JetStreamEventStore} for its events, a runtime built from the
 * node's gateway with the {@link Deposits} account. The raw baselines use their own connections and write to
 * fresh subjects of {@link #TRIO}'s partition stream, so both sides write to a stream with the same settings.
 */
final class ClusterRig implements AutoCloseable {

  static final String TRIO = "clb";
  static final String SOLO = "clb1";
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  /** The runtimes' command timeout, also the router's deadline per send: a slow moment fails nothing. */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

  private final NatsServer server;
  private final ServerCpu serverCpu;
  private final List<Connection> connections = new ArrayList<>();
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final JetStreamManagement jsm;

  /** One running node with what it opened. */
  record Node(String namespace, ClusterNode node, Connection cluster, Connection events,
      JetStreamEventStore store) implements AutoCloseable {

    /** Leaves gracefully (the node's {@code close}), then closes its connections. */
    @Override
    public void close() {
      try {
        node.close();
      } finally {
        closeQuietly(events);
        closeQuietly(cluster);
      }
    }
  }

  private ClusterRig(NatsServer server) throws IOException {
    this.server = server;
    this.serverCpu = new ServerCpu(server);
    this.jsm = connect("aether-bench-admin").jetStreamManagement();
  }

  /** Starts the server, the three nodes of {@link #TRIO} and the node of {@link #SOLO}, and waits until settled. */
  static ClusterRig start() throws Exception {
    NatsServer server = NatsServer.builder().start();
    ClusterRig rig;
    try {
      rig = new ClusterRig(server);
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
    try {
      for (String id : List.of("n1", "n2", "n3")) {
        rig.startNode(TRIO, id);
      }
      rig.startNode(SOLO, "solo");
      rig.awaitSettled(TRIO, List.of("n1", "n2", "n3"), Duration.ofSeconds(60));
      rig.awaitSettled(SOLO, List.of("solo"), Duration.ofSeconds(60));
      return rig;
    } catch (Exception | Error e) {
      rig.close();
      throw e;
    }
  }

  static JetStreamConfig storeConfig(String url, String namespace) {
    return JetStreamConfig.builder().servers(url).namespace(namespace).requestTimeout(TIMEOUT).build();
  }

  /** Opens a plain connection that the rig closes at the end. */
  Connection connect(String name) throws IOException {
    try {
      Connection c = Nats.connect(new Options.Builder().server(server.url()).connectionName(name)
          .connectionTimeout(TIMEOUT).errorListener(new QuietErrorListener()).build());
      synchronized (connections) {
        connections.add(c);
      }
      return c;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while connecting", e);
    }
  }

  /** Starts a node of a namespace's cluster (not waiting for placement). */
  Node startNode(String namespace, String id) throws IOException {
    JetStreamConfig store = storeConfig(server.url(), namespace);
    Connection cluster = connect("aether-bench-" + id + "-cluster");
    Connection events = connect("aether-bench-" + id + "-events");
    JetStreamEventStore eventStore = JetStreamEventStore.create(events, store);
    ClusterNode node = ClusterNode.builder(ClusterConfig.builder(store).nodeId(id).build())
        .connection(cluster)
        .runtime(gateway -> Runtime.builder().eventStore(eventStore).reactionGateway(gateway)
            .behavior(Deposits.behavior())
            .config(RuntimeConfig.builder().commandTimeout(COMMAND_TIMEOUT).build()).build())
        .start();
    Node started = new Node(namespace, node, cluster, events, eventStore);
    synchronized (nodes) {
      nodes.put(id, started);
    }
    return started;
  }

  /** Leaves gracefully with a node and forgets it. */
  void stopNode(String id) {
    Node node;
    synchronized (nodes) {
      node = nodes.remove(id);
    }
    if (node != null) {
      node.close();
    }
  }

  Node node(String id) {
    synchronized (nodes) {
      Node node = nodes.get(id);
      if (node == null) {
        throw new IllegalArgumentException("no running node " + id);
      }
      return node;
    }
  }

  /** @return the running nodes of a namespace, in start order */
  List<Node> running(String namespace) {
    synchronized (nodes) {
      return nodes.values().stream().filter(n -> n.namespace().equals(namespace)).toList();
    }
  }

  /**
   * Whether a namespace's cluster is settled on exactly these nodes: every shard owned, no move pending, a
   * leader, exactly these nodes owning shards, and every running node of the namespace holding the same epoch.
   */
  boolean settled(String namespace, List<String> ids) {
    List<Node> running = running(namespace);
    ClusterStatus s = running.getFirst().node().status();
    return s.unownedShards() == 0 && s.movesInProgress() == 0 && s.leader() != null
        && s.nodes().stream().filter(n -> n.shards() > 0).map(ClusterStatus.Node::id).sorted().toList()
            .equals(ids.stream().sorted().toList())
        && running.stream().allMatch(n -> n.node().map().map(m -> m.epoch() == s.epoch()).orElse(false));
  }

  /** Polls {@link #settled} every 10 ms; fails after {@code atMost}. */
  void awaitSettled(String namespace, List<String> ids, Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!settled(namespace, ids)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the cluster " + namespace + " did not settle on " + ids + " within "
            + atMost + ": " + running(namespace).getFirst().node().status());
      }
      Thread.sleep(10);
    }
  }

  /** @return the shard map the first running node of a namespace holds */
  ShardMap map(String namespace) {
    return running(namespace).getFirst().node().map()
        .orElseThrow(() -> new IllegalStateException("no shard map in " + namespace));
  }

  /** @return the first {@code count} actor ids {@code prefix<i>} (i = 0, 1, ...) whose shards {@code owner} owns */
  List<String> actorsOwnedBy(String namespace, String owner, String prefix, int count) {
    ShardMap map = map(namespace);
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; ids.size() < count; i++) {
      String id = prefix + i;
      if (map.ownerOf(ActorKey.of(Deposits.TYPE, id).streamId()).filter(owner::equals).isPresent()) {
        ids.add(id);
      }
    }
    return ids;
  }

  String url() {
    return server.url();
  }

  JetStreamManagement jsm() {
    return jsm;
  }

  static String stream(String namespace) {
    return "aether_" + namespace + "_EVENTS_0";
  }

  /** The subject of a runtime actor (its stream id {@code Account/<id>} holds a {@code /}: {@code _} + base64url). */
  static String subject(String namespace, String actorId) {
    return "aether." + namespace + ".events.0._" + BASE64.encodeToString(
        ActorKey.of(Deposits.TYPE, actorId).streamId().getBytes(StandardCharsets.UTF_8));
  }

  /** A raw subject of a namespace's partition stream, for the raw baselines ({@code token} a plain token). */
  static String rawSubject(String namespace, String token) {
    return "aether." + namespace + ".events.0." + token;
  }

  /** Checks that the store wrote an actor's last event where {@link #subject} says, at that version. */
  void checkLayout(String namespace, String actorId, long version) throws Exception {
    byte[] data = jsm.getLastMessage(stream(namespace), subject(namespace, actorId)).getData();
    String json = new String(data, StandardCharsets.UTF_8);
    if (!json.contains(ActorKey.of(Deposits.TYPE, actorId).streamId()) || !json.contains("\"version\":" + version)) {
      throw new IllegalStateException("the store's layout is not the documented one: " + json);
    }
  }

  /** The facts the numbers depend on: server version, stream settings, client version, cluster settings. */
  Map<String, String> facts() throws Exception {
    StreamConfiguration stream = jsm.getStreamInfo(stream(TRIO)).getConfiguration();
    ClusterConfig defaults = ClusterConfig.builder(storeConfig(server.url(), TRIO)).nodeId("x").build();
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("nats-server", server.version() + " (" + server.binary() + "), started by the suite, store in a"
        + " fresh temporary directory");
    facts.put("streams", stream(TRIO) + " (3-node cluster and raw) and " + stream(SOLO) + " (1-node cluster): one"
        + " partition each, " + stream.getStorageType() + " storage, " + stream.getReplicas() + " replica,"
        + " allow_direct=" + stream.getAllowDirect() + ", duplicate window "
        + stream.getDuplicateWindow().toSeconds() + " s");
    facts.put("jnats", Nats.CLIENT_VERSION + "; each node has one connection for the cluster and one for its store;"
        + " raw uses its own connections");
    facts.put("cluster", "all nodes in this JVM on one nats-server; ClusterConfig defaults (" + defaults.shards()
        .count() + " shards, lease every " + defaults.leaseInterval().toMillis() + " ms, dead after "
        + defaults.deadAfter().toMillis() + " ms, handoff batch " + defaults.handoffBatch() + " shards, warm-up of"
        + " up to " + defaults.warmupActors() + " actors, " + defaults.warmupConcurrency() + " at a time, within "
        + defaults.warmupTimeout().toSeconds() + " s, "
        + defaults.maxHops() + " hops); runtimes: defaults except a " + COMMAND_TIMEOUT.toSeconds()
        + " s command timeout");
    facts.put("CPU used by nats-server during the suite", serverCpu.describe());
    return facts;
  }

  @Override
  public void close() {
    try {
      List<Node> all;
      synchronized (nodes) {
        all = new ArrayList<>(nodes.values()).reversed();
        nodes.clear();
      }
      for (Node node : all) {
        try {
          node.close();
        } catch (RuntimeException e) {
          // the suite is ending: the server goes next
        }
      }
      synchronized (connections) {
        connections.forEach(ClusterRig::closeQuietly);
      }
    } finally {
      server.close();
    }
  }

  static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // already closed
    }
  }
}
