package dev.aether.bench.peers;

import static dev.aether.bench.peers.Workload.ACTORS;
import static dev.aether.bench.peers.Workload.COMMANDS;
import static dev.aether.bench.peers.Workload.OUTSTANDING;

import dev.aether.bench.Benchmark;
import dev.aether.bench.Case;
import dev.aether.bench.Measurement;
import dev.aether.bench.Result;
import dev.aether.bench.RunCost;
import dev.aether.bench.Stats;
import dev.aether.bench.Suite;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The {@code peers} suite (issue 12): the workload a user writes, on Aether ({@link AetherPeer}) and on Apache
 * Pekko ({@link PekkoPeer}), alternated run by run in one JVM. Besides throughput it reports, per side, CPU and
 * allocation per command, garbage collections in the timed region, and heap kept per stored event; and the
 * goal rows: Aether / Pekko commands/s (median of the paired per-run ratios) >= {@value #THROUGHPUT_GOAL}x, and
 * kept bytes per event no more than Pekko's. Starts the Pekko actor system in its constructor and terminates
 * it in {@link #close()}.
 */
public final class PeersSuite implements Suite {

  static final String CASE = "1,000 accounts, 300,000 Deposit -> Deposited, 10,000 outstanding";
  static final double THROUGHPUT_GOAL = 3.0;
  /**
   * Untimed rounds (one Aether run, one Pekko run) before the harness's warm-up. The harness stops warming up
   * once compiling takes under 5% of a round; the 5 s wait before each heap measurement dilutes that share,
   * so without these rounds measured runs still compiled (up to 0.8 s of JIT time in a timed region).
   */
  static final int PREWARM_ROUNDS = 12;
  /** Untimed runs per side that measure the heap kept per stored event, after the timed runs. */
  static final int KEPT_RUNS = 3;

  private final AetherPeer aether = new AetherPeer();
  private final PekkoPeer pekko = new PekkoPeer();
  private boolean prewarmed;

  @Override
  public String id() {
    return "peers";
  }

  @Override
  public String title() {
    return "Aether against Apache Pekko on the same workload";
  }

  @Override
  public String description() {
    return fmt("The workload a user writes, on both systems in one JVM, alternated run by run: %,d accounts,"
        + " %,d `Deposit` commands sent round-robin, each persisting one `Deposited` event, at most %,d"
        + " outstanding (a semaphore released in each reply's callback), each message built when it is sent."
        + " Aether (\"Aether\" columns): `Runtime.sendMessage(RuntimeMessage.of(...))` to a `JavaBehavior` on"
        + " `InMemoryEventStore`, runtime defaults (group commit <= 64, snapshot every 100 versions, idempotency"
        + " window 100, 5 s command timeout). Pekko (the \"raw\" columns): `AskPattern.ask` of a `Deposit` to an"
        + " `EventSourcedBehavior` on Pekko's in-memory journal (`pekko.persistence.journal.inmem`, no snapshot"
        + " store, 5 s ask timeout), one `ActorSystem` for the whole suite, entities spawned with"
        + " `SpawnProtocol` (no sharding). Each run has fresh actors (recovered before the timed region) and"
        + " stores its %,d events anew; the GCs caused by the run fall inside the timed region. %d untimed"
        + " rounds run before the harness's warm-up, and each set-up waits until the JIT compilers are idle.",
        ACTORS, COMMANDS, OUTSTANDING, COMMANDS, PREWARM_ROUNDS);
  }

  @Override
  public Map<String, String> facts() {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("Pekko", "Apache Pekko " + org.apache.pekko.Version.current() + " (Scala 2.13),"
        + " pekko-persistence-typed, in-memory journal");
    facts.put("garbage collectors", ManagementFactory.getGarbageCollectorMXBeans().stream()
        .map(GarbageCollectorMXBean::getName).collect(Collectors.joining(", ")));
    return facts;
  }

  @Override
  public List<Case> cases() {
    return List.of(Case.compared(CASE, "1 command (1 event)", prewarming(aether), pekko));
  }

  /** Wraps Aether's benchmark so that its first set-up first runs {@link #PREWARM_ROUNDS} untimed rounds. */
  private Benchmark prewarming(Benchmark first) {
    return new Benchmark() {
      @Override
      public void setUp() throws Exception {
        if (!prewarmed) {
          prewarmed = true;
          prewarm();
        }
        first.setUp();
      }

      @Override
      public long run() throws Exception {
        return first.run();
      }

      @Override
      public void tearDown() throws Exception {
        first.tearDown();
      }

      @Override
      public boolean collectBeforeRun() {
        return first.collectBeforeRun();
      }
    };
  }

  private void prewarm() throws Exception {
    aether.metered(false);
    pekko.metered(false);
    try {
      for (int i = 0; i < PREWARM_ROUNDS; i++) {
        for (Benchmark side : List.<Benchmark>of(aether, pekko)) {
          side.setUp();
          side.run();
          side.tearDown();
        }
      }
    } finally {
      aether.metered(true);
      pekko.metered(true);
    }
  }

  @Override
  public String notes(List<Result> results) {
    Result result = results.stream().filter(r -> r.benchmarkCase().name().equals(CASE)).findFirst().orElseThrow();
    Measurement a = result.subject();
    Measurement p = result.baseline().orElseThrow();
    List<RunCost> aCosts = lastRuns(aether.costs(), a.runs());
    List<RunCost> pCosts = lastRuns(pekko.costs(), p.runs());
    measureKept();
    List<Double> paired = new ArrayList<>();
    for (int i = 0; i < Math.min(a.runs(), p.runs()); i++) {
      paired.add((double) p.runNanos().get(i) / a.runNanos().get(i)); // equal work: time ratio = throughput ratio
    }
    double ratio = Stats.median(paired);
    double aKept = Stats.median(perEvent(aether.kept()));
    double pKept = Stats.median(perEvent(pekko.kept()));
    StringBuilder md = new StringBuilder();
    md.append("Per side, over the measured runs: median (min - max).\n\n");
    md.append("| per run | Aether | Pekko | Aether / Pekko |\n|---|--:|--:|--:|\n");
    md.append(fmt("| commands/s | **%,.0f** (%,.0f - %,.0f) | **%,.0f** (%,.0f - %,.0f) | %.2fx (paired: %s) |%n",
        a.medianOpsPerSecond(), a.minOpsPerSecond(), a.maxOpsPerSecond(), p.medianOpsPerSecond(),
        p.minOpsPerSecond(), p.maxOpsPerSecond(), result.ratio().orElseThrow(), list(paired, "%.2f")));
    row(md, "CPU per command (process CPU / commands)", "%.1f us", aCosts, pCosts,
        c -> c.cpuMicrosPer(Workload.COMMANDS));
    row(md, "bytes allocated per command (all threads)", "%,.0f B", aCosts, pCosts,
        c -> c.allocatedPer(Workload.COMMANDS));
    row(md, "garbage collections in the timed region", "%.0f", aCosts, pCosts, RunCost::collections);
    row(md, "GC time in the timed region (collectors' own count)", "%,.0f ms", aCosts, pCosts,
        RunCost::gcMillis);
    row(md, "JIT compilation time in the timed region", "%,.0f ms", aCosts, pCosts, RunCost::jitMillis);
    md.append(fmt("| heap kept per stored event (after full GC; %d separate runs each) | **%,.0f B** (%s) | **%,.0f B** (%s)"
        + " | %.2fx |%n", KEPT_RUNS, aKept, list(perEvent(aether.kept()), "%,.0f"), pKept,
        list(perEvent(pekko.kept()), "%,.0f"), aKept / pKept));
    md.append("\nGoals (issue 12):\n\n| goal | Aether | Pekko | value | goal | met |\n|---|--:|--:|--:|--:|---|\n");
    md.append(fmt("| Aether / Pekko commands/s, median of the paired per-run ratios | %,.0f /s | %,.0f /s | %.2fx"
        + " | >= %.1fx | %s |%n", a.medianOpsPerSecond(), p.medianOpsPerSecond(), ratio, THROUGHPUT_GOAL,
        ratio >= THROUGHPUT_GOAL ? "yes" : "**no**"));
    md.append(fmt("| heap kept per stored event, Aether <= Pekko | %,.0f B | %,.0f B | %.2fx | <= 1.00x | %s |%n",
        aKept, pKept, aKept / pKept, aKept <= pKept ? "yes" : "**no**"));
    md.append("""

        How it is measured:

        - Commands/s: the harness's timing of `run()` (send all commands, wait for every reply); the paired
          ratio of run i is Pekko's run time / Aether's run time of round i (equal work), and the goal uses their
          median. Nothing forces a collection between the timed runs (unlike the other suites): each run starts
          with the garbage of the runs before it, as a long-running process does, and the collections that
          garbage and its own allocation cause fall inside the timing (see the GC rows). A forced full GC before
          each run would empty the young generation, and a run that allocates less than it (Aether's did) would
          never collect.
        - CPU per command: `com.sun.management.OperatingSystemMXBean.getProcessCpuTime()` over `run()` (all
          threads of the JVM: senders, actors, GC and JIT; the JIT row shows how little compiling is left) / commands.
        - Bytes allocated per command: `com.sun.management.ThreadMXBean.getTotalThreadAllocatedBytes()` over
          `run()` (every thread's heap allocations, including threads that ended during the run; virtual
          threads' allocations count on their carriers) / commands.
        - Heap kept per stored event: measured in separate untimed runs after the timed ones (so that their full
          GCs do not empty the timed runs' heap), alternating sides: heap used after full GCs (repeated until it
          stops shrinking) with the run's events stored and its actors still active, minus the same after the
          actors were activated and before the run, / events; measured once the 5 s reply timeout of the last command has passed (untimed), since
          both sides schedule a timer per command and a cancelled timer may stay queued until its deadline. It counts all that a run leaves behind: the stored events, and for Aether also the
          idempotency windows (100 command ids per actor) and the snapshots (every 100 versions); Pekko writes
          no snapshots by default.
        """);
    return md.toString();
  }

  private static void row(StringBuilder md, String name, String format, List<RunCost> a,
      List<RunCost> p, ToDoubleFunction<RunCost> value) {
    double am = median(a, value);
    double pm = median(p, value);
    md.append("| ").append(name).append(" | ").append(spread(format, a, value)).append(" | ")
        .append(spread(format, p, value)).append(" | ")
        .append(pm == 0 ? "-" : fmt("%.2fx", am / pm)).append(" |\n");
  }

  private static String spread(String format, List<RunCost> costs,
      ToDoubleFunction<RunCost> value) {
    return Stats.medianMinMax(format, values(costs, value));
  }

  private static double median(List<RunCost> costs, ToDoubleFunction<RunCost> value) {
    return Stats.median(values(costs, value));
  }

  private static List<Double> values(List<RunCost> costs, ToDoubleFunction<RunCost> value) {
    return costs.stream().map(value::applyAsDouble).toList();
  }

  private static String list(List<Double> values, String format) {
    return values.stream().map(v -> fmt(format, v)).collect(Collectors.joining(", "));
  }

  /** Runs {@value #KEPT_RUNS} untimed rounds per side (alternating) that measure the heap kept, once. */
  private void measureKept() {
    if (!aether.kept().isEmpty()) {
      return;
    }
    aether.measuringKept(true);
    pekko.measuringKept(true);
    try {
      Workload.awaitTimers(System.nanoTime()); // the timed runs' last timers hold their garbage until they pass
      for (int i = 0; i < KEPT_RUNS; i++) {
        for (Benchmark side : List.<Benchmark>of(aether, pekko)) {
          side.setUp();
          side.run();
          side.tearDown();
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("measuring the heap kept failed", e);
    } finally {
      aether.measuringKept(false);
      pekko.measuringKept(false);
    }
  }

  private static List<Double> perEvent(List<Long> keptBytes) {
    return keptBytes.stream().map(bytes -> (double) bytes / Workload.COMMANDS).toList();
  }

  private static <T> List<T> lastRuns(List<T> all, int runs) {
    return all.subList(Math.max(0, all.size() - runs), all.size());
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  @Override
  public void close() {
    try {
      aether.close();
    } finally {
      pekko.close();
    }
  }
}
