package dev.aether.bench.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-command latencies kept per benchmark and run (warm-up runs first), and the figures the notes print: a
 * percentile per run and its median over the measured runs with [min - max]. Thread-safe.
 */
final class Percentiles {

  private final Map<String, List<long[]>> runs = new ConcurrentHashMap<>();

  /** Keeps one run's latencies (nanoseconds; the array is sorted in place). */
  void record(String benchmark, long[] nanos) {
    Arrays.sort(nanos);
    runs.computeIfAbsent(benchmark, k -> new ArrayList<>()).add(nanos);
  }

  /** @return per measured run (the last {@code count}), the quantile in nanoseconds */
  List<Double> perRun(String benchmark, int count, double quantile) {
    List<long[]> all = runs.getOrDefault(benchmark, List.of());
    return all.subList(Math.max(0, all.size() - count), all.size()).stream()
        .map(r -> (double) r[(int) Math.min(r.length - 1, (long) (r.length * quantile))]).toList();
  }

  /** @return the median of values (the mean of the middle two for an even count), NaN when empty */
  static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  /** @return {@code median [min - max]} of per-run nanosecond figures, in milliseconds */
  static String spread(List<Double> values) {
    double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    return ms(median(values)) + " [" + ms(min) + " - " + ms(max) + "]";
  }

  static String ms(double nanos) {
    return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
  }
}
