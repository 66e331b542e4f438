package dev.aether.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.aether.store.StoreUnavailableException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReadRetryTest {

  @Test
  void aTransientFailure_isRetriedUntilTheReadSucceeds() {
    AtomicInteger attempts = new AtomicInteger();
    String value = new ReadRetry(Duration.ofMinutes(1)).run("reading x", () -> {
      if (attempts.incrementAndGet() < 3) {
        throw new StoreUnavailableException("no responders", null);
      }
      return "read";
    });
    assertThat(value).isEqualTo("read");
    assertThat(attempts).hasValue(3);
  }

  @Test
  void whenTheBudgetIsSpent_theLastFailureIsThrown_namingWhatWasReadAndHowOftenItWasTried() {
    StoreUnavailableException last = new StoreUnavailableException("no responders", null);
    assertThatExceptionOfType(StoreUnavailableException.class)
        .isThrownBy(() -> new ReadRetry(Duration.ZERO).run("reading the last event of actor \"a\" from stream S",
            () -> {
              throw last;
            }))
        .withMessageStartingWith("reading the last event of actor \"a\" from stream S: failed 1 time in ")
        .withMessageEndingWith("last failure: no responders")
        .withCause(last);
  }

  @Test
  void aNonTransientFailure_isNotRetried() {
    AtomicInteger attempts = new AtomicInteger();
    assertThatExceptionOfType(JetStreamStoreException.class)
        .isThrownBy(() -> new ReadRetry(Duration.ofMinutes(1)).run("reading x", () -> {
          attempts.incrementAndGet();
          throw new JetStreamStoreException("refused", 10026, null);
        }));
    assertThat(attempts).hasValue(1);
  }

  @Test
  void theBudgetOfAStore_isTwiceItsRequestTimeout() {
    assertThat(ReadRetry.forRequestTimeout(Duration.ofSeconds(5)).budget()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void anAttempt_waitsHalfTheRequestTimeout_atLeastTwoSeconds_atMostTheRequestTimeout() {
    assertThat(attempt(Duration.ofSeconds(5))).isEqualTo(Duration.ofMillis(2500));
    assertThat(attempt(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(15));
    assertThat(attempt(Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(2));
    assertThat(attempt(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aFailureAfterWhichTheCallerGivesUp_isThrownAtOnce() {
    AtomicInteger attempts = new AtomicInteger();
    assertThatExceptionOfType(StoreUnavailableException.class)
        .isThrownBy(() -> new ReadRetry(Duration.ofSeconds(30)).run("watching k", () -> {
          attempts.incrementAndGet();
          throw new StoreUnavailableException("connection closed", null);
        }, () -> true))
        .withMessageContaining("watching k").withMessageContaining("connection closed");
    assertThat(attempts).hasValue(1);
  }

  private static Duration attempt(Duration requestTimeout) {
    return ReadRetry.attemptOptions(requestTimeout).getRequestTimeout();
  }
}
