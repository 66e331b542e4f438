package dev.aether.nats;

import dev.aether.store.StoreUnavailableException;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Remembers which of a store's streams (its partition streams and its snapshot bucket's stream) the server said
 * it does not have, so that operations on them fail at once as unavailable instead of waiting for their timeout.
 *
 * <p>Why: a direct get (an actor's last event, a snapshot: a KV get) of a stream the server does not have gets
 * no answer at all, not an error (measured on nats-server 2.9.10: no 503 no responders either), so each
 * read waited for its whole request timeout, twice with its retry; the runtime's command timeout answered 504
 * "may still be applied" meanwhile, though nothing could be stored. A server restarted on an empty store is the
 * usual cause, and the store does not create streams while it runs (that would go on from an empty history):
 * an operator restores them, or a store opened anew provisions them.
 *
 * <p>How a stream becomes known missing: after each reconnect of the connection the first operation asks the
 * server about every stream (one stream-info request each, within {@link StreamProbe#TIMEOUT}; it stops at the
 * first not answered, so that costs at most that timeout, once); a failure that may mean a missing stream (10059
 * stream not found, 503 no responders on a publish, a read not answered in time) asks about that stream; the
 * readiness probe ({@link StreamProbe}) reports what it finds. A missing stream is asked about again by at most
 * one operation every {@link StreamProbe#EVERY}; the others fail at once meanwhile.
 *
 * <p>Thread-safe: the missing streams (each with the time it was last asked about) are a concurrent map; the
 * reconnect count last checked is an atomic, so one caller checks after a reconnect.
 */
final class MissingStreams {

  private final Connection connection;
  private final JetStreamManagement jsm;
  private final List<String> streams;
  /** The streams known missing, each with the System.nanoTime() it was last asked about. */
  private final ConcurrentMap<String, Long> missing = new ConcurrentHashMap<>();
  private final AtomicLong checkedReconnects;
  /** System.nanoTime() of the last question the server did not answer in time; 0: none. */
  private volatile long unansweredAt;

  /**
   * @param connection the store's connection
   * @param streams the store's streams, partition streams and the snapshot bucket's
   */
  MissingStreams(Connection connection, List<String> streams) throws IOException {
    this.connection = connection;
    this.jsm = connection.jetStreamManagement(JetStreamOptions.builder().requestTimeout(StreamProbe.TIMEOUT).build());
    this.streams = List.copyOf(streams);
    this.checkedReconnects = new AtomicLong(connection.getStatistics().getReconnects());
  }

  /**
   * Fails when a stream is known missing (asking the server again when it was last asked long enough ago).
   *
   * @param stream the stream the operation needs
   * @param what the operation, for the message (asked only when it fails)
   * @throws StoreUnavailableException when the stream is missing; nothing was sent
   */
  void require(String stream, Supplier<String> what) {
    checkAfterReconnect();
    Long askedAt = missing.get(stream);
    if (askedAt == null) {
      return;
    }
    long now = System.nanoTime();
    if (now - askedAt >= StreamProbe.EVERY.toNanos() && missing.replace(stream, askedAt, now)
        && ask(stream).orElse(false)) {
      return;
    }
    throw missing(stream, what.get() + ": nothing was sent", null);
  }

  /**
   * The error to throw for an operation that failed: a missing-stream error when the failure may mean the stream
   * is missing and the server says it is, else the failure itself.
   *
   * @param stream the stream the operation used
   * @param what the operation, for the message (asked only when it fails)
   * @param failure its failure, as translated by {@link NatsFailures}
   * @return the error to throw
   */
  RuntimeException failed(String stream, Supplier<String> what, RuntimeException failure) {
    if (NatsFailures.mayMeanMissingStream(failure) && ask(stream).map(present -> !present).orElse(false)) {
      return missing(stream, what.get(), failure);
    }
    return failure;
  }

  /** What the readiness probe found: a stream present, or not found. */
  void seen(String stream, boolean present) {
    if (present) {
      missing.remove(stream);
    } else {
      missing.put(stream, System.nanoTime());
    }
  }

  /** Asks about every stream once after each reconnect: a server restarted on an empty store has none. */
  private void checkAfterReconnect() {
    long checked = checkedReconnects.get();
    long reconnects = connection.getStatistics().getReconnects();
    if (reconnects != checked && checkedReconnects.compareAndSet(checked, reconnects)) {
      for (String stream : streams) {
        if (ask(stream).isEmpty()) {
          return; // no answer: asking about the others would cost a timeout each; the probe asks again
        }
      }
    }
  }

  /**
   * Asks the server whether it has a stream, and remembers the answer.
   *
   * @return whether it has it; empty when it did not say (no answer in time, not connected)
   */
  private Optional<Boolean> ask(String stream) {
    long unanswered = unansweredAt;
    if (unanswered != 0 && System.nanoTime() - unanswered < StreamProbe.EVERY.toNanos()) {
      return Optional.empty(); // it did not answer lately (frozen, cut off): asking again would wait once more
    }
    try {
      jsm.getStreamInfo(stream);
      seen(stream, true);
      return Optional.of(true);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NatsFailures.STREAM_NOT_FOUND) {
        seen(stream, false);
        return Optional.of(false);
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      unansweredAt = System.nanoTime() | 1; // never 0
      return Optional.empty();
    }
  }

  private static StoreUnavailableException missing(String stream, String what, Throwable cause) {
    return new StoreUnavailableException(what + " (stream " + stream + " is missing on the NATS server: was it"
        + " restarted without its store? The store does not create it while running: restore it, or reopen the"
        + " store, which creates it empty)", cause);
  }
}
