package dev.aether.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.store.EventStored;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class StreamSignalsTest {

  private static final Duration LONG = Duration.ofMinutes(5);
  private final StreamSignals signals = new StreamSignals();

  private static EventStored notice() {
    return new EventStored("e1", "Account/a", 1, Instant.EPOCH);
  }

  @Test
  void aStoredEvent_wakesAWaiter() throws Exception {
    long seen = signals.generation();
    CountDownLatch waiting = new CountDownLatch(1);
    CompletableFuture<Boolean> woken = CompletableFuture.supplyAsync(() -> {
      waiting.countDown();
      try {
        return signals.awaitChange(seen, LONG);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    waiting.await();
    signals.onEventStored(notice());
    assertThat(woken.get()).isTrue(); // returns long before the five minutes
  }

  @Test
  void anEventStoredBeforeTheWait_returnsAtOnce() throws Exception {
    long seen = signals.generation();
    signals.onEventStored(notice());
    assertThat(signals.awaitChange(seen, LONG)).isTrue();
  }

  @Test
  void close_endsTheWait_withFalse() throws Exception {
    signals.close();
    assertThat(signals.awaitChange(signals.generation(), LONG)).isFalse();
    assertThat(signals.isClosed()).isTrue();
  }
}
