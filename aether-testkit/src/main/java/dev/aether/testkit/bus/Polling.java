package dev.aether.testkit.bus;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition on counters that signal nothing (delivered counts, thread states), by checking it
 * every millisecond for at most {@link EventRecorder#TIMEOUT}. Stateless.
 */
final class Polling {

  private static final long PAUSE_NANOS = Duration.ofMillis(1).toNanos();

  private Polling() {}

  /**
   * Returns once {@code condition} holds.
   *
   * @throws AssertionError naming {@code what} when it does not hold in time
   */
  static void until(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + EventRecorder.TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("expected " + what + " within " + EventRecorder.TIMEOUT.toSeconds() + " s");
      }
      LockSupport.parkNanos(PAUSE_NANOS);
    }
  }
}
