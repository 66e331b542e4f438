package dev.aether.bench.cluster;

import dev.aether.bench.ContextSwitches;
import dev.aether.bench.Meter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-operation latencies kept per benchmark and run (warm-up runs first), and the figures the notes print:
 * a percentile per run, its median over the measured runs with [min - max], and the percentile of all the
 * measured runs' operations together. Thread-safe.
 */
final class Latencies {

  private final Map<String, List<long[]>> runs = new ConcurrentHashMap<>();
  private final Map<String, List<double[]>> costs = new ConcurrentHashMap<>();

  /** Keeps one run's latencies (nanoseconds; the array is sorted in place). */
  void record(String benchmark, long[] nanos) {
    Arrays.sort(nanos);
    runs.computeIfAbsent(benchmark, k -> new ArrayList<>()).add(nanos);
  }

  /**
   * Keeps one run's cost per operation: this JVM's CPU in microseconds and its threads' context switches.
   *
   * @param benchmark the benchmark
   * @param start the reading taken before the run
   * @param ops the run's operations
   */
  void recordCost(String benchmark, Cost start, int ops) {
    long cpu = start.meter().stop().cpuNanos();
    long switches = ContextSwitches.of(ProcessHandle.current().pid());
    costs.computeIfAbsent(benchmark, k -> new ArrayList<>()).add(new double[] {cpu / 1e3 / ops,
        switches < 0 || start.switches() < 0 ? Double.NaN : (double) (switches - start.switches()) / ops});
  }

  /** @return per measured run ({@code count} last), the {cpu us, context switches} per operation */
  List<double[]> lastCosts(String benchmark, int count) {
    List<double[]> all = costs.getOrDefault(benchmark, List.of());
    return all.subList(Math.max(0, all.size() - count), all.size());
  }

  /**
   * The start of a run's cost reading: a {@link Meter} (this JVM's process CPU) and its threads' context switches
   * ({@link ContextSwitches}; -1 when unknown).
   */
  record Cost(Meter meter, long switches) {
    static Cost now() {
      return new Cost(Meter.start(), ContextSwitches.of(ProcessHandle.current().pid()));
    }
  }

  /** @return the last {@code count} runs of a benchmark (its measured runs), each sorted */
  List<long[]> last(String benchmark, int count) {
    List<long[]> all = runs.getOrDefault(benchmark, List.of());
    return all.subList(Math.max(0, all.size() - count), all.size());
  }

  /** @return the {@code quantile} of one sorted run, in nanoseconds */
  static long percentile(long[] sorted, double quantile) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, (long) (sorted.length * quantile))];
  }

  /** @return per run, the quantile */
  static List<Double> perRun(List<long[]> runs, double quantile) {
    return runs.stream().map(r -> (double) percentile(r, quantile)).toList();
  }

  /**
   * The commands of one sorted run slower than {@code factor} times its median, counted per command and per
   * second of the run's time (the sum of its latencies, one command at a time).
   *
   * @return {share of the run's commands, per second}
   */
  static double[] slowCommands(long[] sorted, double factor) {
    long limit = (long) (percentile(sorted, 0.5) * factor);
    long slow = Arrays.stream(sorted).filter(n -> n > limit).count();
    double seconds = Arrays.stream(sorted).sum() / 1e9;
    return new double[] {sorted.length == 0 ? 0 : (double) slow / sorted.length, seconds > 0 ? slow / seconds : 0};
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

  /** @return the quantile of all the runs' latencies together */
  static double pooled(List<long[]> runs, double quantile) {
    long[] all = runs.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    return all.length == 0 ? Double.NaN : percentile(all, quantile);
  }

  /** @return {@code median [min - max]} of per-run nanosecond figures, in milliseconds */
  static String spread(List<Double> values) {
    double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    return ms(median(values)) + " [" + ms(min) + " - " + ms(max) + "]";
  }

  /** @return nanoseconds as milliseconds, two decimals */
  static String ms(double nanos) {
    return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
  }
}
