package dev.aether.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Asks the server whether it serves a store's streams (one stream-info request per partition, each within
 * {@link #TIMEOUT}), at most once per {@link #EVERY}: between two probes every caller gets the last answer. A
 * connected client does not mean JetStream works: the server may run without JetStream, be frozen, or have lost
 * the streams. What it finds is told to the store's {@link MissingStreams}. Thread-safe.
 */
final class StreamProbe {

  static final Duration TIMEOUT = Duration.ofSeconds(1);
  static final Duration EVERY = Duration.ofSeconds(2);

  private final JetStreamManagement jsm;
  private final List<String> streams;
  private final MissingStreams missing;
  private long probedAt; // System.nanoTime() of the last probe; guarded by this
  private Optional<String> problem = Optional.empty();
  private boolean probed;

  /**
   * @param connection the store's connection
   * @param streams the streams to ask about
   * @param missing told which streams the server has or has not
   */
  StreamProbe(Connection connection, List<String> streams, MissingStreams missing) throws IOException {
    this.jsm = connection.jetStreamManagement(JetStreamOptions.builder().requestTimeout(TIMEOUT).build());
    this.streams = List.copyOf(streams);
    this.missing = missing;
  }

  /** @return empty when the server answered for every stream, else what is wrong */
  synchronized Optional<String> problem() {
    long now = System.nanoTime();
    if (probed && now - probedAt < EVERY.toNanos()) {
      return problem;
    }
    problem = probe();
    probedAt = System.nanoTime();
    probed = true;
    return problem;
  }

  private Optional<String> probe() {
    for (String stream : streams) {
      try {
        jsm.getStreamInfo(stream);
        missing.seen(stream, true);
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() == NatsFailures.STREAM_NOT_FOUND) {
          missing.seen(stream, false);
        }
        return Optional.of("stream " + stream + ": " + e.getMessage());
      } catch (IOException | RuntimeException e) {
        return Optional.of("JetStream did not answer for stream " + stream + " within " + TIMEOUT.toMillis()
            + " ms: " + e.getMessage());
      }
    }
    return Optional.empty();
  }
}
