package dev.aether.bench.cluster;

import dev.aether.bench.Benchmark;
import dev.aether.bench.cluster.FaultLoad.Sent;
import dev.aether.runtime.CommandGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A rolling restart of the 3-node cluster under a steady load: one run = {@code n1}, {@code n2}, {@code n3} in turn
 * leave gracefully ({@code close()}: shards handed over warm) and start again with the same id, each time waiting
 * until the cluster is settled without it and again with it.
 *
 * <p>The load ({@link FaultLoad}): {@value #RATE} deposits/s to random ones of {@value #ACTORS} actors through a
 * random running node's gateway (a leaving node's is taken out of the pool before it leaves, a restarted node's
 * put back once it started). Phases: {@value #RAMP_MS} ms not counted; {@value #STEADY_MS} ms steady on 3 nodes
 * ("before"); the restart window from the first leave until the cluster is settled on all three again plus
 * {@value #TAIL_MS} ms. A command's latency is from its first send to its final outcome; it fails when that is
 * not accepted (resends of transient outcomes within {@value FaultLoad#GIVE_UP_SECONDS} s are allowed).
 */
final class RollingRestart implements Benchmark {

  static final int RATE = 400;
  static final int ACTORS = 1_000;
  static final long RAMP_MS = 1_000;
  static final long STEADY_MS = 3_000;
  static final long TAIL_MS = 1_000;
  static final int RAMP = 0;
  static final int BEFORE = 1;
  static final int WINDOW = 2;
  static final List<String> THREE = List.of("n1", "n2", "n3");

  /** What one run measured: counts, sorted latencies (ns) before and in the window, the window's length. */
  record Cycle(int sent, int failed, int retried, long[] before, long[] window, long windowNanos,
      List<String> failures) {}

  private final ClusterRig rig;
  private final List<Cycle> cycles = new CopyOnWriteArrayList<>();
  private final Map<String, CommandGateway> gateways = new ConcurrentHashMap<>();

  RollingRestart(ClusterRig rig) {
    this.rig = rig;
  }

  /** @return every run's cycle, warm-up runs first */
  List<Cycle> cycles() {
    return cycles;
  }

  @Override
  public void setUp() throws Exception {
    rig.awaitSettled(ClusterRig.TRIO, THREE, Duration.ofSeconds(60));
    gateways.clear();
    rig.running(ClusterRig.TRIO).forEach(n -> gateways.put(n.node().nodeId(), n.node().gateway()));
  }

  @Override
  public long run() throws Exception {
    FaultLoad load = new FaultLoad(RATE, ACTORS, "roll-", this::anyGateway).start();
    long windowStart;
    long windowEnd;
    try {
      Thread.sleep(RAMP_MS);
      load.phase(BEFORE);
      Thread.sleep(STEADY_MS);
      load.phase(WINDOW);
      windowStart = System.nanoTime();
      for (String id : THREE) {
        gateways.remove(id);
        rig.stopNode(id);
        List<String> others = new ArrayList<>(THREE);
        others.remove(id);
        rig.awaitSettled(ClusterRig.TRIO, others, Duration.ofSeconds(60));
        gateways.put(id, rig.startNode(ClusterRig.TRIO, id).node().gateway());
        rig.awaitSettled(ClusterRig.TRIO, THREE, Duration.ofSeconds(60));
      }
      Thread.sleep(TAIL_MS);
      windowEnd = System.nanoTime();
    } finally {
      load.phase(RAMP);
    }
    List<Sent> sent = load.stop();
    int failed = 0;
    int retried = 0;
    List<String> failures = new ArrayList<>();
    for (Sent s : sent) {
      retried += s.attempts > 1 ? 1 : 0;
      if (!s.accepted()) {
        failed++;
        if (failures.size() < 5) {
          failures.add(s.outcome.join().toString());
        }
      }
    }
    cycles.add(new Cycle(sent.size(), failed, retried, latencies(sent, BEFORE), latencies(sent, WINDOW),
        windowEnd - windowStart, failures));
    return 1;
  }

  private CommandGateway anyGateway() {
    Object[] pool = gateways.values().toArray();
    return (CommandGateway) pool[ThreadLocalRandom.current().nextInt(pool.length)];
  }

  private static long[] latencies(List<Sent> sent, int phase) {
    long[] nanos = sent.stream().filter(s -> s.phase == phase).mapToLong(Sent::latency).sorted().toArray();
    if (nanos.length == 0) {
      throw new IllegalStateException("no command was sent in phase " + phase);
    }
    return nanos;
  }
}
