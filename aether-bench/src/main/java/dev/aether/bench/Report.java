package dev.aether.bench;

import java.util.LinkedHashMap;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Formats one suite's results as the markdown section of {@code RESULTS.md}. */
final class Report {

  private Report() {}

  /**
   * Formats a section.
   *
   * @param suite the suite that ran
   * @param results its results, in order
   * @param machine the machine facts
   * @param runner the runner, for the run counts
   * @param command the exact command that produced the numbers
   * @param runFacts facts measured during the run, such as the CPU used by other processes
   * @return the markdown, starting with a level-2 heading
   */
  static String section(Suite suite, List<Result> results, MachineFacts machine, Runner runner,
      String command, Map<String, String> runFacts) {
    StringBuilder md = new StringBuilder();
    md.append("## ").append(suite.id()).append(": ").append(suite.title()).append("\n\n");
    md.append(suite.description()).append("\n\n");
    md.append("Command: `").append(command).append("`\n\n");
    factsTable(md, suite, results, machine, runner, runFacts);
    resultsTable(md, results);
    String notes = suite.notes(results);
    if (!notes.isBlank()) {
      md.append('\n').append(notes.strip()).append('\n');
    }
    return md.toString();
  }

  private static void factsTable(StringBuilder md, Suite suite, List<Result> results, MachineFacts machine,
      Runner runner, Map<String, String> runFacts) {
    Map<String, String> facts = new LinkedHashMap<>(machine.asMap());
    facts.putAll(suite.facts());
    facts.putAll(runFacts);
    IntSummaryStatistics rounds = results.stream().mapToInt(Result::warmupRounds).summaryStatistics();
    String warmup = rounds.getMin() == rounds.getMax() ? String.valueOf(rounds.getMin())
        : rounds.getMin() + "-" + rounds.getMax();
    facts.put("runs", warmup + " warm-up (at least " + runner.warmupRuns() + ", more while the JIT compiler was"
        + " busy) + " + runner.measuredRuns() + " measured per benchmark, Aether and raw alternating");
    md.append("| fact | value |\n|---|---|\n");
    facts.forEach((name, value) -> md.append("| ").append(name).append(" | ").append(value).append(" |\n"));
    md.append('\n');
  }

  private static void resultsTable(StringBuilder md, List<Result> results) {
    md.append("| benchmark | one op | ops/run | Aether ops/s min / **median** / max | Aether ns/op"
        + " | raw ops/s min / **median** / max | raw ns/op | Aether / raw |\n");
    md.append("|---|---|--:|--:|--:|--:|--:|--:|\n");
    for (Result result : results) {
      Measurement subject = result.subject();
      md.append("| ").append(result.benchmarkCase().name())
          .append(" | ").append(result.benchmarkCase().unit())
          .append(" | ").append(String.format(Locale.ROOT, "%,d", subject.opsPerRun()))
          .append(" | ").append(range(subject))
          .append(" | ").append(nanos(subject))
          .append(" | ").append(result.baseline().map(Report::range).orElse("-"))
          .append(" | ").append(result.baseline().map(Report::nanos).orElse("-"))
          .append(" | ").append(result.ratio().isPresent()
              ? String.format(Locale.ROOT, "%.2f", result.ratio().getAsDouble()) : "-")
          .append(" |\n");
    }
  }

  private static String range(Measurement m) {
    return rate(m.minOpsPerSecond()) + " / **" + rate(m.medianOpsPerSecond()) + "** / " + rate(m.maxOpsPerSecond());
  }

  /** Ops/s without decimals, or with three below 10 (a run of one multi-second operation, e.g. a node joining). */
  private static String rate(double opsPerSecond) {
    return String.format(Locale.ROOT, opsPerSecond < 10 ? "%.3f" : "%,.0f", opsPerSecond);
  }

  private static String nanos(Measurement m) {
    return String.format(Locale.ROOT, "%,.1f", m.medianNanosPerOp());
  }
}
