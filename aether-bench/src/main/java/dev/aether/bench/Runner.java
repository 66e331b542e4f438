package dev.aether.bench;

import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Measures cases: warm-up runs first, then {@code measuredRuns} timed runs, the subject and its baseline
 * alternating run by run so that both see the same machine conditions.
 *
 * <p>Warm-up lasts at least {@code warmupRuns} rounds (a round = one subject run and one baseline run) and
 * goes on, up to {@value #MAX_WARMUP_ROUNDS} rounds, while the JIT compiler spent more than
 * {@value #QUIET_JIT_PERCENT}% of the round's time compiling: on 2 cores a compiler thread still busy takes
 * CPU from the code measured (it took a third of the client's CPU in the nats suite after two rounds).
 *
 * <p>A full GC is requested before every timed run (outside the timing) so that garbage of one run is not
 * collected during the next, unless the benchmark says otherwise ({@link Benchmark#collectBeforeRun()}). Not thread-safe; one runner measures one case at a time.
 */
public final class Runner {

  /** The fewest measured runs allowed: medians need at least three. */
  public static final int MIN_MEASURED_RUNS = 3;
  /** The most warm-up rounds, however busy the JIT compiler stays. */
  public static final int MAX_WARMUP_ROUNDS = 20;
  /** Compilation time, in percent of a warm-up round's time, below which the JIT counts as quiet. */
  public static final int QUIET_JIT_PERCENT = 5;

  private final int warmupRuns;
  private final int measuredRuns;
  private final PrintStream log;

  /**
   * Creates a runner.
   *
   * @param warmupRuns untimed runs of each benchmark before measuring; at least 0
   * @param measuredRuns timed runs of each benchmark; at least {@value #MIN_MEASURED_RUNS}
   * @param log where progress is printed
   */
  public Runner(int warmupRuns, int measuredRuns, PrintStream log) {
    if (warmupRuns < 0) {
      throw new IllegalArgumentException("warmupRuns must be at least 0, was " + warmupRuns);
    }
    if (measuredRuns < MIN_MEASURED_RUNS) {
      throw new IllegalArgumentException(
          "measuredRuns must be at least " + MIN_MEASURED_RUNS + ", was " + measuredRuns);
    }
    this.warmupRuns = warmupRuns;
    this.measuredRuns = measuredRuns;
    this.log = log;
  }

  /** @return the fewest untimed rounds done before measuring */
  public int warmupRuns() {
    return warmupRuns;
  }

  /** @return the timed runs per benchmark */
  public int measuredRuns() {
    return measuredRuns;
  }

  /**
   * Measures one case.
   *
   * @param benchmarkCase the case
   * @return its measurements
   * @throws Exception when a benchmark fails
   */
  public Result measure(Case benchmarkCase) throws Exception {
    log.printf("  %s: warm-up%n", benchmarkCase.name());
    int rounds = 0;
    boolean jitBusy = true;
    while (rounds < warmupRuns || (jitBusy && rounds < MAX_WARMUP_ROUNDS)) {
      long compiling = compilationMillis();
      long start = System.nanoTime();
      once(benchmarkCase.subject());
      if (benchmarkCase.baseline().isPresent()) {
        once(benchmarkCase.baseline().get());
      }
      long roundMillis = (System.nanoTime() - start) / 1_000_000;
      jitBusy = compiling >= 0 && (compilationMillis() - compiling) * 100 > roundMillis * QUIET_JIT_PERCENT;
      rounds++;
    }
    log.printf("  %s: %d warm-up rounds%s%n", benchmarkCase.name(), rounds,
        jitBusy && rounds >= MAX_WARMUP_ROUNDS ? " (the JIT compiler was still busy)" : "");
    Timings subject = new Timings();
    Timings baseline = new Timings();
    for (int i = 0; i < measuredRuns; i++) {
      subject.add(once(benchmarkCase.subject()));
      if (benchmarkCase.baseline().isPresent()) {
        baseline.add(once(benchmarkCase.baseline().get()));
      }
    }
    Result result = new Result(benchmarkCase, subject.toMeasurement(),
        benchmarkCase.baseline().map(b -> baseline.toMeasurement()), rounds);
    log.printf("  %s: %s%n", benchmarkCase.name(), summary(result));
    return result;
  }

  /** The JIT compiler's total time so far, or -1 when the JVM does not tell. */
  private static long compilationMillis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
  }

  private static Run once(Benchmark benchmark) throws Exception {
    benchmark.setUp();
    if (benchmark.collectBeforeRun()) {
      System.gc();
    }
    long start = System.nanoTime();
    long ops = benchmark.run();
    long nanos = System.nanoTime() - start;
    benchmark.tearDown();
    return new Run(ops, nanos);
  }

  private static String summary(Result result) {
    String text = String.format("%,.0f ops/s median", result.subject().medianOpsPerSecond());
    Optional<Measurement> baseline = result.baseline();
    if (baseline.isPresent()) {
      text += String.format(", raw %,.0f ops/s, ratio %.2f",
          baseline.get().medianOpsPerSecond(), result.ratio().orElseThrow());
    }
    return text;
  }

  private record Run(long ops, long nanos) {}

  /** The runs of one benchmark; every run must report the same operation count. */
  private static final class Timings {
    private final List<Long> nanos = new ArrayList<>();
    private long ops = -1;

    void add(Run run) {
      if (ops != -1 && run.ops() != ops) {
        throw new IllegalStateException("runs did different amounts of work: " + ops + " and " + run.ops());
      }
      ops = run.ops();
      nanos.add(run.nanos());
    }

    Measurement toMeasurement() {
      return new Measurement(ops, nanos);
    }
  }
}
