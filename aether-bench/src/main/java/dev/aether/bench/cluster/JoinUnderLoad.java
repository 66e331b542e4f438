package dev.aether.bench.cluster;

import dev.aether.bench.Benchmark;
import dev.aether.cluster.Shards;
import dev.aether.runtime.CommandGateway;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.RuntimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A fourth node joining the 3-node cluster under a steady load, then leaving it gracefully. One run = one
 * join-and-leave cycle under load (its time is the cycle's, which the notes split into phases).
 *
 * <p>The load: {@value #RATE} {@code Deposit}s per second at a fixed rate (open loop: each sent at its
 * scheduled time whatever the earlier ones do), each to a random one of {@value #ACTORS} actors, through the
 * gateway of a random running node (the joiner's too while it is a member; not any more once it leaves). A
 * client resends a transient outcome ({@link Rejected#isTransient()}) at once with the same command id
 * through a random node, for at most {@value #GIVE_UP_SECONDS} s; the router itself retries within each
 * send's deadline ({@link ClusterRig#COMMAND_TIMEOUT}). A command's latency is from its first send to its
 * final outcome; it belongs to the phase in which it was first sent. A command fails when its final outcome
 * is not accepted.
 *
 * <p>Phases: {@value #RAMP_MS} ms of load not counted, then {@value #STEADY_MS} ms of steady state on 3 nodes
 * ("before join"); then {@code n4} starts (connections, store, node) and the join window lasts until the
 * cluster is settled on 4 nodes (every shard owned, no move pending, every node on the same map epoch) plus
 * {@value #TAIL_MS} ms (cold actors of moved shards answer their first commands then); then {@value
 * #STEADY_MS} ms of steady state on 4 nodes ("before leave"); then {@code n4} leaves ({@code close()}: marks
 * its lease leaving, waits until its shards are handed over warm, stops) and the leave window lasts until the
 * cluster is settled on 3 nodes plus {@value #TAIL_MS} ms. Then the load stops and every command is awaited.
 * Each run also keeps apart the latencies of the commands to actors of the shards the joiner owned once the
 * join had settled (those move twice), to tell a moving shard's cost from a cluster-wide one.
 */
final class JoinUnderLoad implements Benchmark {

  static final int RATE = 400;
  static final int ACTORS = 1_000;
  static final long RAMP_MS = 1_000;
  static final long STEADY_MS = 3_000;
  static final long TAIL_MS = 1_000;
  static final long GIVE_UP_SECONDS = 60;
  static final String JOINER = "n4";
  static final List<String> THREE = List.of("n1", "n2", "n3");
  static final List<String> FOUR = List.of("n1", "n2", "n3", JOINER);

  /** The phases a command can be sent in. */
  enum Phase { RAMP, BEFORE_JOIN, JOIN, BEFORE_LEAVE, LEAVE }

  /** What one run measured. */
  record Cycle(int sent, int failed, int retried, List<String> failures, long[][] latencies, long[][] moved,
      long joinNanos, long leaveNanos, int movedShards) {

    /** @return the sorted latencies of the commands sent in a phase, in nanoseconds */
    long[] of(Phase phase) {
      return latencies[phase.ordinal()];
    }

    /** @return the sorted latencies of the commands sent in a phase to actors of the shards the joiner took */
    long[] ofMoved(Phase phase) {
      return moved[phase.ordinal()];
    }
  }

  private final ClusterRig rig;
  private final List<Cycle> cycles = new CopyOnWriteArrayList<>();
  private final List<CommandGateway> gateways = new CopyOnWriteArrayList<>();

  JoinUnderLoad(ClusterRig rig) {
    this.rig = rig;
  }

  /** @return every run's cycle, warm-up runs first */
  List<Cycle> cycles() {
    return cycles;
  }

  /** One command on its way: its message, first send, phase, attempts, and final outcome. */
  private static final class Sent {
    final RuntimeMessage message;
    final int shard;
    final long start = System.nanoTime();
    final Phase phase;
    final CompletableFuture<CommandResult> outcome = new CompletableFuture<>();
    volatile int attempts;
    volatile long nanos;

    Sent(RuntimeMessage message, int shard, Phase phase) {
      this.message = message;
      this.shard = shard;
      this.phase = phase;
    }
  }

  @Override
  public void setUp() throws Exception {
    rig.awaitSettled(ClusterRig.TRIO, THREE, Duration.ofSeconds(60));
    gateways.clear();
    rig.running(ClusterRig.TRIO).forEach(n -> gateways.add(n.node().gateway()));
  }

  @Override
  public long run() throws Exception {
    ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
    Load load = new Load(sent);
    Thread generator = Thread.ofPlatform().name("bench-load").start(load);
    long joinNanos;
    long leaveNanos;
    Set<Integer> joinerShards;
    try {
      load.phase = Phase.RAMP;
      Thread.sleep(RAMP_MS);
      load.phase = Phase.BEFORE_JOIN;
      Thread.sleep(STEADY_MS);
      load.phase = Phase.JOIN;
      long joinStart = System.nanoTime();
      ClusterRig.Node joiner = rig.startNode(ClusterRig.TRIO, JOINER);
      gateways.add(joiner.node().gateway());
      rig.awaitSettled(ClusterRig.TRIO, FOUR, Duration.ofSeconds(60));
      joinNanos = System.nanoTime() - joinStart;
      joinerShards = new HashSet<>(rig.map(ClusterRig.TRIO).shardsOf(JOINER));
      Thread.sleep(TAIL_MS);
      load.phase = Phase.BEFORE_LEAVE;
      Thread.sleep(STEADY_MS);
      load.phase = Phase.LEAVE;
      long leaveStart = System.nanoTime();
      gateways.remove(joiner.node().gateway());
      rig.stopNode(JOINER);
      rig.awaitSettled(ClusterRig.TRIO, THREE, Duration.ofSeconds(60));
      leaveNanos = System.nanoTime() - leaveStart;
      Thread.sleep(TAIL_MS);
    } finally {
      load.running = false;
      generator.join();
    }
    CompletableFuture.allOf(sent.stream().map(s -> s.outcome).toArray(CompletableFuture[]::new))
        .get(GIVE_UP_SECONDS * 2, TimeUnit.SECONDS);
    List<List<Long>> byPhase = new ArrayList<>();
    List<List<Long>> movedByPhase = new ArrayList<>();
    for (int p = 0; p < Phase.values().length; p++) {
      byPhase.add(new ArrayList<>());
      movedByPhase.add(new ArrayList<>());
    }
    int failed = 0;
    int retried = 0;
    List<String> failures = new ArrayList<>();
    for (Sent s : sent) {
      CommandResult outcome = s.outcome.join();
      byPhase.get(s.phase.ordinal()).add(s.nanos);
      if (joinerShards.contains(s.shard)) {
        movedByPhase.get(s.phase.ordinal()).add(s.nanos);
      }
      retried += s.attempts > 1 ? 1 : 0;
      if (!outcome.isAccepted()) {
        failed++;
        if (failures.size() < 5) {
          failures.add(s.phase + ": " + outcome);
        }
      }
    }
    long[][] latencies = new long[Phase.values().length][];
    long[][] moved = new long[Phase.values().length][];
    for (int p = 0; p < latencies.length; p++) {
      latencies[p] = byPhase.get(p).stream().mapToLong(Long::longValue).sorted().toArray();
      moved[p] = movedByPhase.get(p).stream().mapToLong(Long::longValue).sorted().toArray();
    }
    cycles.add(new Cycle(sent.size(), failed, retried, failures, latencies, moved, joinNanos, leaveNanos,
        joinerShards.size()));
    if (Arrays.stream(latencies).anyMatch(l -> l.length == 0)) {
      throw new IllegalStateException("a phase saw no command: " + Arrays.stream(latencies).map(l -> l.length).toList());
    }
    return 1;
  }

  /** The open-loop load generator: one command every 1/{@value #RATE} s. */
  private final class Load implements Runnable {
    private final ConcurrentLinkedQueue<Sent> sent;
    volatile Phase phase = Phase.RAMP;
    volatile boolean running = true;

    Load(ConcurrentLinkedQueue<Sent> sent) {
      this.sent = sent;
    }

    @Override
    public void run() {
      long interval = 1_000_000_000L / RATE;
      long next = System.nanoTime();
      ThreadLocalRandom random = ThreadLocalRandom.current();
      Shards shards = rig.map(ClusterRig.TRIO).shards();
      while (running) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
          continue;
        }
        RuntimeMessage message = Deposits.deposit("load-" + random.nextInt(ACTORS));
        Sent s = new Sent(message, shards.shardOf(message.target().streamId()), phase);
        sent.add(s);
        send(s);
        next += interval;
      }
    }
  }

  /** Sends (again) through a random node; resends a transient outcome with the same command id. */
  private void send(Sent s) {
    s.attempts++;
    Object[] running = gateways.toArray(); // a snapshot: the joiner comes and goes
    CommandGateway gateway = (CommandGateway) running[ThreadLocalRandom.current().nextInt(running.length)];
    gateway.sendMessage(s.message).whenComplete((result, failure) -> {
      CommandResult outcome = failure != null
          ? Rejected.of(s.message.commandId(), RejectionReason.BEHAVIOR_FAILED, failure.toString())
          : result;
      boolean giveUp = System.nanoTime() - s.start > TimeUnit.SECONDS.toNanos(GIVE_UP_SECONDS);
      if (outcome instanceof Rejected r && r.isTransient() && failure == null && !giveUp) {
        send(s);
      } else {
        s.nanos = System.nanoTime() - s.start;
        s.outcome.complete(outcome);
      }
    });
  }
}
