package dev.aether.bench.peers;

import dev.aether.runtime.RuntimeConfig;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The peer workload (issue 12) and what both sides share to drive and meter it: {@value #COMMANDS}
 * {@code Deposit} commands, round-robin over {@value #ACTORS} accounts, each persisting one {@code Deposited}
 * event, with at most {@value #OUTSTANDING} commands outstanding ({@link Window}). Stateless constants and
 * helpers; thread-safe.
 */
final class Workload {

  static final int ACTORS = 1_000;
  static final int COMMANDS = 300_000;
  static final int OUTSTANDING = 10_000;
  /** Each command deposits 1, so every account's balance (and version) ends at this after one run. */
  static final int PER_ACTOR = COMMANDS / ACTORS;
  /**
   * The reply timeout on both sides: Aether's default command timeout, and Pekko's ask timeout set to it. Both
   * schedule one timer per command and cancel it on reply; a cancelled timer may stay queued until it would
   * have fired, so heap kept is measured only after {@link #awaitTimers} has waited that long.
   */
  static final Duration TIMEOUT = RuntimeConfig.DEFAULT_COMMAND_TIMEOUT;

  private Workload() {}

  /**
   * The sliding window of outstanding commands: {@link #acquire()} before each send, {@link #done} in each
   * reply's callback (which releases the permit), {@link #awaitAll()} after the last send. Counts refused or
   * failed replies and keeps the first for the error. Thread-safe.
   */
  static final class Window {
    private final Semaphore permits = new Semaphore(OUTSTANDING);
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<Object> firstFailure = new AtomicReference<>();

    void acquire() {
      permits.acquireUninterruptibly();
    }

    /**
     * Ends one command.
     *
     * @param ok whether the reply said the command was accepted
     * @param reply the reply or the failure, kept when it is the first that is not ok
     */
    void done(boolean ok, Object reply) {
      if (!ok && failures.getAndIncrement() == 0) {
        firstFailure.set(reply);
      }
      permits.release();
    }

    /** Waits for every outstanding reply; throws when any command was not accepted. */
    void awaitAll() {
      permits.acquireUninterruptibly(OUTSTANDING);
      permits.release(OUTSTANDING);
      if (failures.get() > 0) {
        throw new IllegalStateException(failures.get() + " commands were not accepted; the first: "
            + firstFailure.get());
      }
    }
  }

  /**
   * What one measured run cost besides its time.
   *
   * @param cpuNanos process CPU time (all threads: application, JIT, GC) during {@code run()}
   * @param allocatedBytes bytes allocated in the heap by all threads during {@code run()}
   * @param collections garbage collections (young and full) during {@code run()}
   * @param gcMillis their accumulated time as the collectors report it
   * @param jitMillis time the JIT compilers spent compiling during {@code run()} (near 0 in steady state)
   * @param keptBytes heap used after full GCs once the run's events are stored, minus the same before
   */
  record RunCost(long cpuNanos, long allocatedBytes, long collections, long gcMillis, long jitMillis,
      long keptBytes) {

    /**
     * @param keptBytes the heap kept, measured after the run
     * @return this cost with {@code keptBytes}
     */
    RunCost withKept(long keptBytes) {
      return new RunCost(cpuNanos, allocatedBytes, collections, gcMillis, jitMillis, keptBytes);
    }

    double cpuMicrosPerCommand() {
      return cpuNanos / 1e3 / COMMANDS;
    }

    double allocatedPerCommand() {
      return (double) allocatedBytes / COMMANDS;
    }

    double keptPerEvent() {
      return (double) keptBytes / COMMANDS;
    }
  }

  /**
   * Reads the process CPU time, the JVM's allocation counter and the collectors' counters at the start of
   * {@code run()} and again at its end. Not thread-safe; one per run.
   */
  static final class Meter {
    private final long cpu = processCpuNanos();
    private final long allocated = allocatedBytes();
    private final long[] gc = gc();
    private final long jit = jitMillis();

    /** @return the deltas since construction, with {@code keptBytes} still unknown (0) */
    RunCost stop() {
      long[] gcNow = gc();
      return new RunCost(processCpuNanos() - cpu, allocatedBytes() - allocated, gcNow[0] - gc[0],
          gcNow[1] - gc[1], jitMillis() - jit, 0);
    }

    private static long jitMillis() {
      CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
      return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
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

  /**
   * Sleeps until every timer of a run has passed its deadline (run end + {@link #TIMEOUT} + 0.5 s), so that
   * cancelled timers still queued are not counted as heap kept by stored events. Untimed.
   *
   * @param runEndNanos {@code System.nanoTime()} when the run's last reply arrived
   */
  static void awaitTimers(long runEndNanos) {
    long wait = runEndNanos + TIMEOUT.toNanos() + 500_000_000L - System.nanoTime();
    if (wait > 0) {
      LockSupport.parkNanos(wait);
    }
  }

  /**
   * Waits (at most 5 s, untimed) until the JIT compilers have compiled nothing for 200 ms: code that the
   * set-up made hot (building a runtime, spawning entities) is otherwise compiled from the queue during the
   * timed run, on one of the machine's two cores.
   */
  static void awaitQuietJit() {
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
