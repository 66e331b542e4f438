package dev.aether.bench.cluster;

import dev.aether.bench.Benchmark;
import dev.aether.bench.QuietErrorListener;
import dev.aether.bench.cluster.FaultLoad.Sent;
import dev.aether.cluster.ClusterConfig;
import dev.aether.cluster.ClusterNode;
import dev.aether.cluster.ClusterStatus;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.nats.JetStreamStoreException;
import dev.aether.runtime.CommandGateway;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeConfig;
import dev.aether.testkit.nats.NatsCluster;
import dev.aether.testkit.nats.NatsServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The loss of one of three NATS servers under load, with replicated streams: one run = a fresh 3-server NATS
 * cluster (a server with the fix for replicated streams, 2.9.21+; {@code AETHER_NATS_SERVER_NEW}), 3 in-JVM nodes
 * on it (each connected to all three servers, the namespace's stream and buckets with 3 replicas), a steady load,
 * then {@code kill -9} of the server leading the event stream.
 *
 * <p>The load ({@link FaultLoad}): {@value #RATE} deposits/s to random ones of {@value #ACTORS} actors through a
 * random node's gateway, transient outcomes resent with the same id. {@value #RAMP_MS} ms not counted,
 * {@value #STEADY_MS} ms steady ("before"), the kill (the clock starts once the process is gone), then load until a
 * command first sent after the kill was accepted (at most 60 s) plus {@value #TAIL_MS} ms ("after"). Measured: the
 * time from the kill to that first accepted write; the failed commands; and, reading the stream straight from JetStream after the run, the
 * acknowledged commands whose commit is not stored (lost).
 */
final class NatsLoss implements Benchmark {

  static final int RATE = 200;
  static final int ACTORS = 500;
  static final long RAMP_MS = 1_000;
  static final long STEADY_MS = 3_000;
  static final long TAIL_MS = 2_000;
  static final String NAMESPACE = "loss";
  static final int BEFORE = 1;
  static final int AFTER = 2;
  private static final Pattern COMMAND_ID = Pattern.compile("\"commandId\"\\s*:\\s*\"([^\"]+)\"");

  /** What one run measured. */
  record Outcome(String serverVersion, String killed, int sent, int failed, int retried, int acknowledged,
      int lost, long recoveryNanos, long[] before, long[] after, List<String> failures) {}

  private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> open = new ArrayList<>();
  private final List<CommandGateway> gateways = new CopyOnWriteArrayList<>();
  private NatsCluster nats;
  private List<ClusterNode> nodes;

  /** @return every run's outcome, warm-up runs first */
  List<Outcome> outcomes() {
    return outcomes;
  }

  @Override
  public void setUp() throws Exception {
    nats = NatsCluster.builder().minimumVersion("2.9.21").start();
    nodes = new ArrayList<>();
    gateways.clear();
    for (String id : List.of("n1", "n2", "n3")) {
      nodes.add(id.equals("n1") ? startFirstNode() : startNode(id));
      gateways.add(nodes.getLast().gateway());
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!settled()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the cluster did not settle: " + nodes.getFirst().status());
      }
      Thread.sleep(10);
    }
  }

  @Override
  public long run() throws Exception {
    FaultLoad load = new FaultLoad(RATE, ACTORS, "loss-",
        () -> gateways.get(ThreadLocalRandom.current().nextInt(gateways.size()))).start();
    Thread.sleep(RAMP_MS);
    load.phase(BEFORE);
    Thread.sleep(STEADY_MS);
    NatsServer leader = streamLeader();
    leader.kill(); // returns once the process is gone: what was sent before may still have been stored
    long kill = System.nanoTime();
    load.phase(AFTER);
    long deadline = kill + Duration.ofSeconds(60).toNanos();
    long recovered;
    while ((recovered = firstAcceptedAfter(load, kill)) < 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    Thread.sleep(TAIL_MS);
    List<Sent> sent = load.stop();
    if (recovered < 0) {
      recovered = firstAcceptedAfter(load, kill);
    }
    Set<String> stored = storedCommandIds();
    int failed = 0;
    int retried = 0;
    int acknowledged = 0;
    int lost = 0;
    List<String> failures = new ArrayList<>();
    for (Sent s : sent) {
      retried += s.attempts > 1 ? 1 : 0;
      if (s.accepted()) {
        acknowledged++;
        lost += stored.contains(s.message.commandId()) ? 0 : 1;
      } else {
        failed++;
        if (failures.size() < 5) {
          failures.add(s.outcome.join().toString());
        }
      }
    }
    outcomes.add(new Outcome(leader.version(), leader.name(), sent.size(), failed, retried, acknowledged, lost,
        recovered < 0 ? -1 : recovered - kill, latencies(sent, BEFORE), latencies(sent, AFTER), failures));
    return 1;
  }

  @Override
  public void tearDown() {
    for (AutoCloseable c : open.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        // the run is over: the servers go next
      }
    }
    open.clear();
    nats.close();
  }

  /** The end (nanoTime) of the first accepted command first sent after {@code kill}, or -1. */
  private static long firstAcceptedAfter(FaultLoad load, long kill) {
    return load.snapshot().stream().filter(s -> s.start >= kill && s.outcome.isDone() && s.accepted())
        .mapToLong(s -> s.end).min().orElse(-1);
  }

  /**
   * Starts n1, which creates the replicated stream: a JetStream cluster that has just formed may still answer
   * "no suitable peers for placement" (10005) for a while; tried again for up to 30 s.
   */
  private ClusterNode startFirstNode() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return startNode("n1");
      } catch (JetStreamStoreException e) {
        if (!String.valueOf(e.getMessage()).contains("10005") || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  private ClusterNode startNode(String id) throws Exception {
    JetStreamConfig store = JetStreamConfig.builder().servers(nats.urls()).namespace(NAMESPACE).replicas(3)
        .requestTimeout(ClusterRig.TIMEOUT).build();
    Connection cluster = connect(id + "-cluster");
    Connection events = connect(id + "-events");
    JetStreamEventStore eventStore = JetStreamEventStore.create(events, store);
    ClusterNode node = ClusterNode.builder(ClusterConfig.builder(store).nodeId(id).build())
        .connection(cluster)
        .runtime(gateway -> Runtime.builder().eventStore(eventStore).reactionGateway(gateway)
            .behavior(Deposits.behavior())
            .config(RuntimeConfig.builder().commandTimeout(ClusterRig.COMMAND_TIMEOUT).build()).build())
        .start();
    open.add(node);
    return node;
  }

  private Connection connect(String name) throws Exception {
    Connection c = Nats.connect(new Options.Builder().servers(nats.urls().toArray(String[]::new))
        .connectionName("aether-bench-" + name).connectionTimeout(ClusterRig.TIMEOUT)
        .errorListener(new QuietErrorListener()).build());
    open.add(c::close);
    return c;
  }

  private boolean settled() {
    ClusterStatus s = nodes.getFirst().status();
    return s.unownedShards() == 0 && s.movesInProgress() == 0 && s.leader() != null
        && s.nodes().stream().filter(n -> n.shards() > 0).count() == nodes.size();
  }

  private String streamName() {
    return "aether_" + NAMESPACE + "_EVENTS_0";
  }

  private NatsServer streamLeader() throws Exception {
    String name = admin().getStreamInfo(streamName()).getClusterInfo().getLeader();
    return nats.servers().stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no server named " + name));
  }

  private JetStreamManagement admin() throws Exception {
    return connect("admin").jetStreamManagement();
  }

  /** Every command id stored in the event stream, read message by message straight from JetStream. */
  private Set<String> storedCommandIds() throws Exception {
    JetStreamManagement jsm = admin();
    long last = jsm.getStreamInfo(streamName()).getStreamState().getLastSequence();
    Set<String> ids = new HashSet<>();
    for (long seq = 1; seq <= last; seq++) {
      Matcher m = COMMAND_ID.matcher(new String(jsm.getMessage(streamName(), seq).getData(), StandardCharsets.UTF_8));
      while (m.find()) {
        ids.add(m.group(1));
      }
    }
    return ids;
  }

  private static long[] latencies(List<Sent> sent, int phase) {
    return sent.stream().filter(s -> s.phase == phase).mapToLong(Sent::latency).sorted().toArray();
  }
}
