package dev.aether.runtime;

import java.time.Duration;

/**
 * Runs tasks after a delay: the runtime's source of timers (command timeouts, the passivation sweep). It is
 * injected so tests can drive time by hand instead of sleeping; the default is one daemon platform thread.
 *
 * <p>Implementations are thread-safe. Tasks must be short: the runtime hands real work to its executor.
 */
@FunctionalInterface
public interface Scheduler {

  /**
   * Runs a task once after a delay.
   *
   * @param task the task
   * @param delay how long to wait; zero or more
   * @return a handle that cancels the task if it has not run yet
   */
  Cancellable schedule(Runnable task, Duration delay);

  /** A scheduled task that can be cancelled. */
  @FunctionalInterface
  interface Cancellable {

    /** Cancels the task if it has not run yet; does nothing otherwise. */
    void cancel();
  }
}
