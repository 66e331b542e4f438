package dev.aether.nats;

import dev.aether.store.StoreUnavailableException;
import io.nats.client.JetStreamOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Retries a read that failed transiently ({@link StoreUnavailableException}: no answer, no responders,
 * JetStream unavailable) until it succeeds or a deadline passes, pausing 20 ms, then twice as long each
 * time, at most 500 ms. On a replicated stream this rides out the loss of one server: direct gets have no
 * responders for about a second while the stream elects a new leader (measured on nats-server 2.10.27).
 *
 * <p>The deadline is {@link #budget()} after the read's first attempt; no attempt starts after it, and an
 * attempt lasts at most the request timeout, so a read ends within budget plus one request timeout. When
 * the deadline passes, the last failure is thrown again as a {@link StoreUnavailableException} that names
 * what was read, how often and for how long it was tried. Other failures are not retried.
 *
 * <p>Immutable and thread-safe.
 */
final class ReadRetry {

  private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final Duration budget;

  /**
   * @param budget how long after its first attempt a read may still be tried again
   */
  ReadRetry(Duration budget) {
    this.budget = budget;
  }

  /**
   * The shortest wait for one attempt of a request whose attempts are tried again ({@link #attemptOptions}): a
   * replicated stream or consumer whose leader's server died answers nothing until its replicas elect another (up
   * to ~8 s measured, nats-server 2.10.27), and a request sent meanwhile gets no answer at all; shorter attempts
   * send one after the election within the budget.
   */
  static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);

  /**
   * Options for the requests of retried attempts: the store's, with a request timeout of half the store's, at
   * least {@link #ATTEMPT_TIMEOUT} (and at most the store's): 2.5 s for the default 5 s, so about four attempts
   * fit the budget; a request timeout raised for a slow link raises it too.
   *
   * @param requestTimeout the store's request timeout
   */
  static JetStreamOptions attemptOptions(Duration requestTimeout) {
    Duration half = requestTimeout.dividedBy(2);
    Duration attempt = half.compareTo(ATTEMPT_TIMEOUT) > 0 ? half
        : requestTimeout.compareTo(ATTEMPT_TIMEOUT) < 0 ? requestTimeout : ATTEMPT_TIMEOUT;
    return JetStreamOptions.builder().requestTimeout(attempt).build();
  }

  /** The budget of a store with a request timeout: twice that timeout. */
  static ReadRetry forRequestTimeout(Duration requestTimeout) {
    return new ReadRetry(requestTimeout.multipliedBy(2));
  }

  /** How long after its first attempt a read may still be tried again. */
  Duration budget() {
    return budget;
  }

  /**
   * Runs a read, again after a transient failure, until it succeeds or the budget is spent.
   *
   * @param what what is read, for the message, e.g. {@code reading the last event of actor "a" from stream S}
   * @param read the read; it throws {@link StoreUnavailableException} for a transient failure
   * @return what the read returned
   * @throws StoreUnavailableException when every attempt within the budget failed transiently, or the
   *     thread was interrupted while pausing
   */
  <T> T run(String what, Supplier<T> read) {
    return run(what, read, () -> false);
  }

  /**
   * Runs a read as {@link #run(String, Supplier)} does, but gives up at once after a failure when {@code giveUp}
   * says so (the connection is closed: no later attempt can succeed).
   */
  <T> T run(String what, Supplier<T> read, BooleanSupplier giveUp) {
    long start = System.nanoTime();
    long pause = FIRST_PAUSE_NANOS;
    for (int attempt = 1; ; attempt++) {
      try {
        return read.get();
      } catch (StoreUnavailableException e) {
        long left = start + budget.toNanos() - System.nanoTime();
        if (left <= 0 || Thread.currentThread().isInterrupted() || giveUp.getAsBoolean()) {
          throw gaveUp(what, attempt, start, e);
        }
        LockSupport.parkNanos(Math.min(pause, left));
        pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
      }
    }
  }

  private static StoreUnavailableException gaveUp(String what, int attempts, long start, RuntimeException last) {
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    return new StoreUnavailableException(what + ": failed " + attempts + (attempts == 1 ? " time" : " times")
        + " in " + millis + " ms; last failure: " + last.getMessage(), last);
  }
}
