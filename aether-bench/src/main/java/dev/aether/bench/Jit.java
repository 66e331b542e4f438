package dev.aether.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.locks.LockSupport;

/** What the benchmarks that set up fresh actors before each run need to know about the JIT compilers. */
public final class Jit {

  private Jit() {}

  /**
   * Waits (at most 5 s, untimed) until the JIT compilers have compiled nothing for 200 ms: code that a
   * set-up made hot (building a runtime, spawning or activating actors) is otherwise compiled from the queue
   * during the timed run, on one of the machine's two cores. Returns at once when the JVM does not report
   * compilation time.
   */
  public static void awaitQuiet() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      return;
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    long last = jit.getTotalCompilationTime();
    int quietTicks = 0;
    while (quietTicks < 4 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(50_000_000L);
      long now = jit.getTotalCompilationTime();
      quietTicks = now == last ? quietTicks + 1 : 0;
      last = now;
    }
  }
}
