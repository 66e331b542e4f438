package dev.aether.bus;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** Awaitility with a short poll interval, so tests that wait for delivery finish quickly. */
final class Waits {

  private Waits() {}

  /** Waits up to 10 s, polling every 2 ms, starting at once. */
  static ConditionFactory eventually() {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(2));
  }
}
