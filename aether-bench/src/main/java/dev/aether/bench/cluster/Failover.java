package dev.aether.bench.cluster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aether.bench.Benchmark;
import dev.aether.cluster.AetherClient;
import dev.aether.cluster.ClusterStatus;
import dev.aether.cluster.ShardMap;
import dev.aether.nats.JetStreamConfig;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.RuntimeMessage;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Failover of an owner (issue 14, "Benchmarks"): three nodes, each its own JVM ({@link FailoverNodeMain}), in a
 * namespace of their own on the suite's nats-server; an {@link AetherClient} in the suite's JVM keeps
 * {@value #SENDERS} senders busy, one command at a time each, on {@value #SENDERS} actors the victim owns
 * (active there). Then the victim, a node that does not lead, is killed ({@code kill -9}) or stopped
 * ({@code SIGSTOP}); the sample is the time from just before the signal to the first accepted command that was
 * sent after the signal was delivered (after {@code destroyForcibly} or {@code kill -STOP} returned): one of the
 * victim's actors answering on its new owner. Then the killed node is started again
 * with the same id (the stopped one is continued with {@code SIGCONT}, and joins again as a new incarnation),
 * and the run waits until the three nodes own shards again, settled. One run = {@value #PER_RUN} failovers
 * (its time includes the restarts; the samples are what counts). Commands are sent with a 20 s deadline; one
 * that is not accepted is counted as failed.
 */
final class Failover implements Benchmark {

  /** What happens to the victim. */
  enum Mode {
    /** {@code kill -9}: the process dies, the server drops its subscriptions at once. */
    KILL,
    /** {@code SIGSTOP}: the process stops; the server keeps its subscriptions. */
    STOP
  }

  static final int PER_RUN = 4;
  static final int SENDERS = 8;
  static final List<String> NODES = List.of("f1", "f2", "f3");
  static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final Duration SETTLE = Duration.ofSeconds(120);
  /**
   * Where the node processes' INFO logs go ({@code -Daether.bench.failover.logs=<dir>}), one file per namespace and
   * node, and each sample is printed with the time of its signal; unset (the default), their logs are discarded.
   */
  private static final Path LOG_DIR = Optional.ofNullable(System.getProperty("aether.bench.failover.logs"))
      .map(Path::of).orElse(null);
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final ClusterRig rig;
  private final Mode mode;
  private final String namespace;
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final List<Long> samples = new ArrayList<>();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger sent = new AtomicInteger();
  private Connection connection;
  private AetherClient client;
  private JetStreamConfig store;
  private int failovers;

  Failover(ClusterRig rig, Mode mode) {
    this.rig = rig;
    this.mode = mode;
    this.namespace = mode == Mode.KILL ? "clfk" : "clfs";
  }

  /** @return every sample so far (nanoseconds from the signal to the first accepted command), in order */
  List<Long> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  /** @return commands not accepted by their deadline, over all runs */
  int failed() {
    return failed.get();
  }

  /** @return commands sent by the senders, over all runs */
  int sent() {
    return sent.get();
  }

  @Override
  public boolean collectBeforeRun() {
    return false;
  }

  @Override
  public void setUp() throws Exception {
    if (client == null) {
      store = ClusterRig.storeConfig(rig.url(), namespace);
      for (String id : NODES) {
        start(id);
      }
      connection = rig.connect("aether-bench-failover-client-" + namespace);
      client = AetherClient.builder(connection, store).commandTimeout(DEADLINE).build();
    }
    awaitSettled();
  }

  @Override
  public long run() throws Exception {
    for (int i = 0; i < PER_RUN; i++) {
      failover();
    }
    return PER_RUN;
  }

  private void failover() throws Exception {
    ClusterStatus status = status();
    List<String> candidates = NODES.stream().filter(n -> !n.equals(status.leader())).toList();
    String victim = candidates.get(failovers++ % candidates.size());
    ShardMap map = client.map().orElseThrow();
    List<String> actors = new ArrayList<>();
    for (int i = 0; actors.size() < SENDERS; i++) {
      String id = "fo-" + failovers + "-" + i;
      if (map.ownerOf(ActorKey.of(Deposits.TYPE, id).streamId()).filter(victim::equals).isPresent()) {
        actors.add(id);
      }
    }
    for (String actor : actors) {
      Deposits.requireAccepted(client.sendMessage(deposit(actor)).get(30, TimeUnit.SECONDS));
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong signalAt = new AtomicLong(Long.MAX_VALUE);
    AtomicLong firstAccepted = new AtomicLong();
    CountDownLatch recovered = new CountDownLatch(1);
    CountDownLatch warm = new CountDownLatch(SENDERS);
    List<Thread> senders = new ArrayList<>();
    for (String actor : actors) {
      senders.add(Thread.ofVirtual().start(() -> {
        int done = 0;
        while (!stop.get()) {
          long sentAt = System.nanoTime();
          sent.incrementAndGet();
          CommandResult result = client.sendMessage(deposit(actor)).join();
          long at = System.nanoTime();
          if (!result.isAccepted()) {
            failed.incrementAndGet();
          } else if (sentAt >= signalAt.get() && firstAccepted.compareAndSet(0, at)) {
            recovered.countDown();
          }
          if (++done == 2) {
            warm.countDown();
          }
        }
      }));
    }
    if (!warm.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the senders did not get going");
    }
    Process process = processes.get(victim);
    LocalTime signalledAt = LocalTime.now().truncatedTo(ChronoUnit.MILLIS);
    long t0 = System.nanoTime(); // samples run from before the signal; they count commands sent after it landed
    if (mode == Mode.KILL) {
      process.destroyForcibly();
    } else {
      signal("-STOP", process.pid()); // delivered when kill(1) returns
    }
    signalAt.set(System.nanoTime());
    boolean ok = recovered.await(60, TimeUnit.SECONDS);
    stop.set(true);
    if (mode == Mode.STOP) {
      signal("-CONT", process.pid());
    } else {
      process.waitFor(30, TimeUnit.SECONDS);
    }
    for (Thread sender : senders) {
      sender.join(Duration.ofSeconds(60));
    }
    if (!ok) {
      throw new IllegalStateException("no command for " + victim + "'s actors was accepted within 60 s of the "
          + mode);
    }
    synchronized (samples) {
      samples.add(firstAccepted.get() - t0);
    }
    if (LOG_DIR != null) { // to find a sample in the node logs
      System.err.printf("%s failover %s of %s: %d ms%n", signalledAt, mode, victim,
          TimeUnit.NANOSECONDS.toMillis(firstAccepted.get() - t0));
    }
    if (mode == Mode.KILL) {
      start(victim);
    }
    awaitSettled();
  }

  private static RuntimeMessage deposit(String actor) {
    return RuntimeMessage.builder(Deposits.TYPE, actor, "Deposit").payload(Map.of("amount", 1))
        .deadline(Instant.now().plus(DEADLINE)).build();
  }

  private static void signal(String signal, long pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill " + signal + " " + pid + " failed");
    }
  }

  private void start(String id) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder.Redirect logs = ProcessBuilder.Redirect.DISCARD;
    String logLevel = "WARN";
    if (LOG_DIR != null) { // each node's INFO log, appended over its restarts, to explain a slow failover
      Files.createDirectories(LOG_DIR);
      logs = ProcessBuilder.Redirect.appendTo(LOG_DIR.resolve(namespace + "-" + id + ".log").toFile());
      logLevel = "INFO";
    }
    Process process = new ProcessBuilder(java.toString(), "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC",
        "-Daether.bench.log=" + logLevel, "-cp", System.getProperty("java.class.path"),
        FailoverNodeMain.class.getName(), rig.url(), namespace, id)
        .redirectError(logs).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.equals("READY " + id)) {
      // the node's own output before it joined
    }
    if (line == null) {
      process.destroyForcibly();
      throw new IllegalStateException("the failover node " + id + " did not start (exit " + process.waitFor() + ")");
    }
    Thread.ofVirtual().start(() -> out.lines().forEach(l -> {})); // keep draining its output
    processes.put(id, process);
  }

  private ClusterStatus status() throws Exception {
    Message reply = connection.request(ClusterRig.storeConfig(rig.url(), namespace).subjectPrefix() + "."
        + store.namespaceToken() + ".cluster.status", new byte[0], Duration.ofSeconds(5));
    if (reply == null) {
      throw new IllegalStateException("no node answered the status request");
    }
    return JSON.readValue(reply.getData(), ClusterStatus.class);
  }

  private void awaitSettled() throws Exception {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (true) {
      ClusterStatus s;
      try {
        s = status();
      } catch (RuntimeException | IOException e) {
        s = null;
      }
      if (s != null && s.unownedShards() == 0 && s.movesInProgress() == 0 && s.leader() != null
          && s.nodes().stream().filter(n -> n.shards() > 0).map(ClusterStatus.Node::id).sorted().toList()
              .equals(NODES)
          && s.nodes().stream().filter(n -> NODES.contains(n.id())).allMatch(ClusterStatus.Node::alive)
          && client.map().map(m -> m.epoch()).orElse(-1L) == s.epoch()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the failover cluster did not settle on " + NODES + " within " + SETTLE
            + ": " + s);
      }
      Thread.sleep(20);
    }
  }

  /** Stops the node processes (they are killed: the namespace is thrown away with the server). */
  void close() {
    if (client != null) {
      client.close();
    }
    processes.values().forEach(Process::destroyForcibly);
  }
}
