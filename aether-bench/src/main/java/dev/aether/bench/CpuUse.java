package dev.aether.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How much of the machine's CPU other processes used while a suite ran: the share of all cores busy
 * outside this JVM (compilers, test runs, a nats-server the suite started). Read from {@code /proc/stat},
 * so only known on Linux. Benchmarks on a machine that others use are noisy; this says how noisy.
 */
final class CpuUse {

  private static final Path PROC_STAT = Path.of("/proc/stat");

  private final long startNanos = System.nanoTime();
  private final long startProcessCpu = processCpuNanos();
  private final Optional<long[]> startTicks = busyAndTotalTicks();

  /** Starts measuring now. */
  CpuUse() {}

  /**
   * Measures the share of the machine's CPU used outside this JVM since construction.
   *
   * @return between 0 (nothing else ran) and 1 (all cores busy with other processes), when known
   */
  OptionalDouble outsideThisJvm() {
    Optional<long[]> endTicks = busyAndTotalTicks();
    long elapsed = System.nanoTime() - startNanos;
    long processCpu = startProcessCpu < 0 ? -1 : processCpuNanos() - startProcessCpu;
    if (startTicks.isEmpty() || endTicks.isEmpty() || processCpu < 0 || elapsed <= 0) {
      return OptionalDouble.empty();
    }
    long busy = endTicks.get()[0] - startTicks.get()[0];
    long total = endTicks.get()[1] - startTicks.get()[1];
    double machineBusy = total > 0 ? (double) busy / total : 0;
    double ours = (double) processCpu / ((double) elapsed * Runtime.getRuntime().availableProcessors());
    return OptionalDouble.of(Math.min(1, Math.max(0, machineBusy - ours)));
  }

  /**
   * Formats a share from {@link #outsideThisJvm()}.
   *
   * @param share the share
   * @return for example {@code 12% of 2 cores}, or {@code unknown}
   */
  static String describe(OptionalDouble share) {
    return share.isEmpty() ? "unknown" : String.format(Locale.ROOT, "%.0f%% of %d cores",
        share.getAsDouble() * 100, Runtime.getRuntime().availableProcessors());
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** Busy and total jiffies of all CPUs, from the first line of /proc/stat. */
  private static Optional<long[]> busyAndTotalTicks() {
    try {
      String[] fields = Files.readAllLines(PROC_STAT).getFirst().trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < fields.length && i <= 8; i++) {
        total += Long.parseLong(fields[i]);
      }
      long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
      return Optional.of(new long[] {total - idle, total});
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
