package dev.aether.bench;

import java.util.List;
import java.util.Locale;

/** Summaries of per-run figures that suites print in their notes (CPU, allocation, collections per run). */
public final class Stats {

  private Stats() {}

  /**
   * @param values per-run figures, in any order
   * @return their median (the mean of the middle two for an even count), or NaN when there are none
   */
  public static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  /**
   * Formats per-run figures as markdown: {@code **median** (min - max)}.
   *
   * @param format the format of one figure, for example {@code "%.1f us"}
   * @param values per-run figures; at least one
   * @return the summary
   * @throws IllegalArgumentException when there are no values
   */
  public static String medianMinMax(String format, List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values to summarise");
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return "**" + fmt(format, median(values)) + "** (" + fmt(format, sorted[0]) + " - "
        + fmt(format, sorted[sorted.length - 1]) + ")";
  }

  private static String fmt(String format, double value) {
    return String.format(Locale.ROOT, format, value);
  }
}
