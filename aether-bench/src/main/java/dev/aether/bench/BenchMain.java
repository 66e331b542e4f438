package dev.aether.bench;

import dev.aether.bench.cluster.ClusterSuite;
import dev.aether.bench.feed.FeedSuite;
import dev.aether.bench.memory.InMemoryStoreSuite;
import dev.aether.bench.model.ModelSuite;
import dev.aether.bench.nats.NatsStoreSuite;
import dev.aether.bench.peers.PeersSuite;
import dev.aether.bench.runtime.RuntimeSuite;
import dev.aether.bench.server.ServerSuite;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Supplier;

/**
 * Runs benchmark suites and writes their sections of {@code RESULTS.md}. Normally started by
 * {@code ./scripts/bench [suite...]}.
 *
 * <pre>
 * BenchMain [--warmup N] [--runs N] [--results FILE] [--command TEXT] [--commit TEXT] [--no-write]
 *           [--only TEXT] [suite...]
 * </pre>
 *
 * Without suite names every suite runs. {@code --only TEXT} runs only the cases whose name contains the text
 * (for profiling one case) and writes nothing. To add a suite, implement {@link Suite} and register it in
 * {@link #SUITES}.
 */
public final class BenchMain {

  /** Every suite, by id, in the order "all" runs them. */
  static final Map<String, Supplier<Suite>> SUITES = new LinkedHashMap<>();

  static {
    SUITES.put("memory", InMemoryStoreSuite::new);
    SUITES.put("nats", NatsStoreSuite::new);
    SUITES.put("model", ModelSuite::new);
    SUITES.put("runtime", RuntimeSuite::new);
    SUITES.put("peers", PeersSuite::new);
    SUITES.put("feed", FeedSuite::new);
    SUITES.put("cluster", ClusterSuite::new);
    SUITES.put("server", ServerSuite::new);
  }

  /** The share of the machine's CPU used by other processes above which a suite's numbers are flagged. */
  static final double BUSY_MACHINE = 0.10;

  private BenchMain() {}

  /**
   * Runs the suites named in {@code args}.
   *
   * @param args options and suite names
   * @throws Exception when a benchmark fails
   */
  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    Runner runner = new Runner(options.warmup, options.runs, System.out);
    MachineFacts machine = MachineFacts.current();
    System.out.println("machine: " + machine.asMap());
    for (String id : options.suites) {
      try (Suite suite = SUITES.get(id).get()) {
        String section = run(suite, runner, machine, options, System.out);
        if (options.write) {
          new ResultsWriter(options.results).write(id, section);
          System.out.println("wrote section \"" + id + "\" of " + options.results);
        }
      }
    }
  }

  /** Measures every case of a suite and returns its RESULTS.md section. */
  private static String run(Suite suite, Runner runner, MachineFacts machine, Options options, PrintStream out)
      throws Exception {
    out.println("suite " + suite.id() + ": " + suite.title());
    CpuUse cpu = new CpuUse();
    List<Result> results = new ArrayList<>();
    for (Case benchmarkCase : suite.cases()) {
      if (options.only == null || benchmarkCase.name().contains(options.only)) {
        results.add(runner.measure(benchmarkCase));
      }
    }
    OptionalDouble others = cpu.outsideThisJvm();
    if (others.orElse(0) > BUSY_MACHINE) {
      out.printf("warning: other processes used %s during the suite; the numbers are noisy%n",
          CpuUse.describe(others));
    }
    Map<String, String> runFacts = new LinkedHashMap<>();
    runFacts.put("commit", options.commit);
    runFacts.put("CPU used outside this JVM during the suite", CpuUse.describe(others));
    String section = Report.section(suite, results, machine, runner, options.command, runFacts);
    out.println();
    out.println(section);
    return section;
  }

  /** Parsed command line. */
  private static final class Options {
    int warmup = 2;
    int runs = 5;
    Path results = Path.of("aether-bench", "RESULTS.md");
    String command = "BenchMain";
    String commit = "unknown";
    boolean write = true;
    String only;
    final List<String> suites = new ArrayList<>();

    static Options parse(String[] args) {
      Options options = new Options();
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--warmup" -> options.warmup = Integer.parseInt(value(args, ++i));
          case "--runs" -> options.runs = Integer.parseInt(value(args, ++i));
          case "--results" -> options.results = Path.of(value(args, ++i));
          case "--command" -> options.command = value(args, ++i);
          case "--commit" -> options.commit = value(args, ++i);
          case "--no-write" -> options.write = false;
          case "--only" -> {
            options.only = value(args, ++i);
            options.write = false;
          }
          case "all" -> options.suites.addAll(SUITES.keySet());
          default -> options.suites.add(knownSuite(args[i]));
        }
      }
      if (options.suites.isEmpty()) {
        options.suites.addAll(SUITES.keySet());
      }
      if (options.runs < 1 || options.warmup < 0) {
        throw new IllegalArgumentException("--runs must be at least 1 and --warmup at least 0");
      }
      if (options.write && options.runs < 3) { // the results file reports medians of at least three runs
        throw new IllegalArgumentException("--runs " + options.runs + " writes no results: RESULTS.md reports"
            + " medians of at least 3 runs; give --runs 3 or more, or --no-write for a quick look");
      }
      return options;
    }

    private static String value(String[] args, int i) {
      if (i >= args.length) {
        throw new IllegalArgumentException(args[i - 1] + " needs a value");
      }
      return args[i];
    }

    private static String knownSuite(String id) {
      if (!SUITES.containsKey(id)) {
        throw new IllegalArgumentException("unknown suite or option \"" + id + "\"; suites: "
            + String.join(", ", SUITES.keySet()) + "; options: --warmup N --runs N --results FILE"
            + " --command TEXT --commit TEXT --no-write --only TEXT");
      }
      return id;
    }
  }
}
