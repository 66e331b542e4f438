package dev.aether.bench.peers;

import dev.aether.bench.RunCost;
import dev.aether.runtime.RuntimeConfig;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The peer workload (issue 12) and what both sides share to drive it: {@value #COMMANDS} {@code Deposit}
 * commands, round-robin over {@value #ACTORS} accounts, each persisting one {@code Deposited} event, with at
 * most {@value #OUTSTANDING} commands outstanding ({@link Window}); a run's cost ({@link dev.aether.bench.RunCost}) is read by
 * the shared {@link dev.aether.bench.Meter}. Stateless constants and helpers; thread-safe.
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
}
