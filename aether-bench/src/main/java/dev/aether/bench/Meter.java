package dev.aether.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * Reads the process CPU time, the JVM's allocation counter, the collectors' counters and the JIT compilers'
 * time when {@link #start() started} and again at {@link #stop()}: the {@link RunCost} of the code in between.
 * Used by the suites whose timed region must include the garbage collections it causes ({@code peers}, the
 * in-memory cases of {@code runtime}). Not thread-safe; one per timed region.
 */
public final class Meter {

  private final long cpu = processCpuNanos();
  private final long allocated = allocatedBytes();
  private final long[] gc = gc();
  private final long jit = jitMillis();

  private Meter() {}

  /**
   * Starts metering now.
   *
   * @return the meter
   * @throws IllegalStateException when this JVM reports no process CPU time or allocated bytes
   */
  public static Meter start() {
    return new Meter();
  }

  /** @return the cost since {@link #start()} */
  public RunCost stop() {
    long[] gcNow = gc();
    return new RunCost(processCpuNanos() - cpu, allocatedBytes() - allocated, gcNow[0] - gc[0],
        gcNow[1] - gc[1], jitMillis() - jit);
  }

  private static long jitMillis() {
    CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
    return compiler != null && compiler.isCompilationTimeMonitoringSupported()
        ? compiler.getTotalCompilationTime() : 0;
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    throw new IllegalStateException("this JVM does not report its process CPU time");
  }

  /** All heap bytes allocated by all threads since the JVM started, including threads that ended. */
  private static long allocatedBytes() {
    if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
        && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()) {
      return threads.getTotalThreadAllocatedBytes();
    }
    throw new IllegalStateException("this JVM does not count allocated bytes");
  }

  private static long[] gc() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, collector.getCollectionCount());
      millis += Math.max(0, collector.getCollectionTime());
    }
    return new long[] {count, millis};
  }
}
