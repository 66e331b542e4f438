package dev.aether.bench.nats;

import dev.aether.bench.Measurement;
import dev.aether.bench.Result;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A case's goal: a throughput ratio (Aether / raw, at least {@code limit}) or a time ratio (Aether time / raw
 * time, at most {@code limit}); a {@code NaN} limit means reported only.
 *
 * @param caseName the case
 * @param throughput whether the ratio is of throughputs (else of times)
 * @param unit the unit of a throughput, e.g. {@code events/s}
 * @param limit the goal
 */
public record Goal(String caseName, boolean throughput, String unit, double limit) {

  /**
   * A throughput goal.
   *
   * @param caseName the case
   * @param unit the unit of the throughput, e.g. {@code events/s}
   * @param atLeast the lowest Aether / raw throughput ratio that meets it; {@code NaN} for none
   * @return the goal
   */
  public static Goal throughput(String caseName, String unit, double atLeast) {
    return new Goal(caseName, true, unit, atLeast);
  }

  /**
   * A time goal.
   *
   * @param caseName the case
   * @param atMost the highest Aether / raw time ratio that meets it; {@code NaN} for none
   * @return the goal
   */
  public static Goal time(String caseName, double atMost) {
    return new Goal(caseName, false, "", atMost);
  }

  /**
   * @param result the case's result, with a baseline
   * @return the ratio of the medians, in this goal's direction
   */
  public double ratio(Result result) {
    Measurement aether = result.subject();
    Measurement raw = result.baseline().orElseThrow();
    return throughput
        ? aether.medianOpsPerSecond() / raw.medianOpsPerSecond()
        : aether.medianNanosPerOp() / raw.medianNanosPerOp();
  }

  /**
   * @param result the case's result, with a baseline
   * @return the median of the per-run ratios, each Aether run against the raw run measured right after it
   */
  public double paired(Result result) {
    List<Long> aether = result.subject().runNanos();
    List<Long> raw = result.baseline().orElseThrow().runNanos();
    double[] ratios = new double[Math.min(aether.size(), raw.size())];
    for (int i = 0; i < ratios.length; i++) {
      double timeRatio = (double) aether.get(i) / raw.get(i);
      ratios[i] = throughput ? 1 / timeRatio : timeRatio;
    }
    Arrays.sort(ratios);
    int middle = ratios.length / 2;
    return ratios.length % 2 == 1 ? ratios[middle] : (ratios[middle - 1] + ratios[middle]) / 2;
  }

  /**
   * @param result the case's result, with a baseline
   * @return whether the goal is met (false when none is set)
   */
  public boolean met(Result result) {
    double ratio = ratio(result);
    return throughput ? ratio >= limit : ratio <= limit;
  }

  /**
   * @param result the case's result, with a baseline
   * @return the goal-table row: case, raw and Aether medians, ratio, paired ratio, goal, met
   */
  public String row(Result result) {
    String goal = Double.isNaN(limit) ? "none set" : (throughput ? ">= " : "<= ") + fmt("%.2f", limit) + "x";
    String met = Double.isNaN(limit) ? "-" : met(result) ? "yes" : "**no**";
    String kind = throughput ? " throughput" : " time";
    return "| " + caseName + " | " + value(result.baseline().orElseThrow()) + " | " + value(result.subject())
        + " | " + fmt("%.2f", ratio(result)) + "x" + kind + " | " + fmt("%.2f", paired(result)) + "x | " + goal
        + " | " + met + " |";
  }

  private String value(Measurement m) {
    if (throughput) {
      return fmt("%,.0f", m.medianOpsPerSecond()) + " " + unit;
    }
    double nanos = m.medianNanosPerOp();
    return nanos >= 1e6 ? fmt("%.2f ms", nanos / 1e6) : fmt("%.1f us", nanos / 1e3);
  }

  static String fmt(String format, double value) {
    return String.format(Locale.ROOT, format, value);
  }
}
