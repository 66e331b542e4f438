package dev.aether.bench;

import java.util.List;
import java.util.Objects;

/**
 * The timings of the measured runs of one benchmark: every run did {@code opsPerRun} operations, run
 * {@code i} took {@code runNanos.get(i)} nanoseconds. Statistics are over runs, never over single operations.
 *
 * @param opsPerRun operations in each run; at least 1
 * @param runNanos the duration of each measured run; at least one
 */
public record Measurement(long opsPerRun, List<Long> runNanos) {

  /** Validates and copies the arguments. */
  public Measurement {
    if (opsPerRun < 1) {
      throw new IllegalArgumentException("opsPerRun must be at least 1, was " + opsPerRun);
    }
    runNanos = List.copyOf(Objects.requireNonNull(runNanos, "runNanos"));
    if (runNanos.isEmpty() || runNanos.stream().anyMatch(n -> n <= 0)) {
      throw new IllegalArgumentException("runNanos must hold positive durations, was " + runNanos);
    }
  }

  /** @return the number of measured runs */
  public int runs() {
    return runNanos.size();
  }

  /** @return the throughput of the slowest run, in operations per second */
  public double minOpsPerSecond() {
    return opsPerSecond(runNanos.stream().mapToLong(Long::longValue).max().orElseThrow());
  }

  /** @return the median of the runs' throughputs, in operations per second */
  public double medianOpsPerSecond() {
    return opsPerSecond(medianNanos());
  }

  /** @return the throughput of the fastest run, in operations per second */
  public double maxOpsPerSecond() {
    return opsPerSecond(runNanos.stream().mapToLong(Long::longValue).min().orElseThrow());
  }

  /** @return the median run's duration per operation, in nanoseconds */
  public double medianNanosPerOp() {
    return medianNanos() / opsPerRun;
  }

  /** @return the median run duration in nanoseconds (the mean of the middle two for an even count) */
  public double medianNanos() {
    List<Long> sorted = runNanos.stream().sorted().toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2.0;
  }

  private double opsPerSecond(double nanos) {
    return opsPerRun * 1e9 / nanos;
  }
}
