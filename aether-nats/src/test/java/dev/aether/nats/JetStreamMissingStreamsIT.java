package dev.aether.nats;

import static dev.aether.nats.NatsTestSupport.config;
import static dev.aether.nats.NatsTestSupport.event;
import static dev.aether.nats.NatsTestSupport.newStreamId;
import static dev.aether.nats.NatsTestSupport.rawConnection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.aether.event.ActorSnapshot;
import dev.aether.store.StoreUnavailableException;
import dev.aether.testkit.nats.NatsServer;
import io.nats.client.Connection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A server restarted on an empty store no longer has the store's streams and bucket: every operation fails at
 * once as unavailable, saying the stream is missing (a direct get of a missing stream gets no answer at all, so
 * it used to wait for its whole timeout, twice), and the store serves again once the streams are back.
 */
@Tag("nats")
class JetStreamMissingStreamsIT {

  /** Well under the 5 s request timeout, whose retried reads took 10 s before the fix. */
  private static final Duration FAST = Duration.ofMillis(1500);

  @Test
  void serverRestartedOnAnEmptyStore_everyOperationFailsFastNamingTheMissingStream_untilTheStreamsAreBack() {
    try (NatsServer server = NatsServer.builder().start()) {
      JetStreamConfig config = config(server, "missing").build();
      try (JetStreamEventStore store = JetStreamEventStore.connect(config)) {
        String actor = newStreamId();
        store.saveEvent(event(actor, 1));
        store.saveSnapshot(new ActorSnapshot(actor, 1, Map.of("at", 1L), Instant.now(), ""));
        JetStreamReadModelStore readModels = JetStreamReadModelStore.create(store);
        readModels.write("Balances", actor, Map.of("balance", 1L));

        restartOnAnEmptyStore(server);
        await().atMost(Duration.ofSeconds(20)).until(() -> store.health().isHealthy());
        // what the readiness probe finds, the store learns (an operation just after the reconnect, before jnats
        // counts it, may still wait its timeout once)
        await().atMost(Duration.ofSeconds(20)).until(() -> store.jetStreamProblem().isPresent());

        failsFastAsMissing(() -> store.getLatestSnapshot(actor));
        failsFastAsMissing(() -> store.getLatestVersion(actor));
        failsFastAsMissing(() -> store.getEvents(actor, 1));
        failsFastAsMissing(() -> store.append(actor, 1, List.of(event(actor, 2))));
        failsFastAsMissing(() -> store.appendAsync(actor, 1, List.of(event(actor, 2))).join());
        failsFastAsMissing(() -> store.saveEvent(event(newStreamId(), 1)));
        failsFastAsMissing(() -> store.saveSnapshot(new ActorSnapshot(actor, 1, Map.of(), Instant.now(), "")));
        failsFastAsMissing(store::head);
        failsFastAsMissing(() -> readModels.get("Balances", actor));
        failsFastAsMissing(() -> readModels.write("Balances", actor, Map.of("balance", 2L)));
        assertThat(store.jetStreamProblem()).isPresent();

        JetStreamEventStore.connect(config).close(); // an operator restores them: here, a store provisions them
        await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(StoreUnavailableException.class)
            .untilAsserted(() -> assertThat(store.getLatestVersion(actor)).isZero());
        assertThat(store.getLatestSnapshot(actor)).isEmpty();
        store.saveEvent(event(actor, 1));
        assertThat(store.getEvents(actor, 1)).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.jetStreamProblem().isEmpty());
      }
    }
  }

  @Test
  void streamDeletedWhileConnected_aCommitsNoRespondersMarksItMissing_soReadsFailFastToo() throws Exception {
    try (NatsServer server = NatsServer.builder().start();
        Connection operator = rawConnection(server);
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "deleted").build())) {
      String actor = newStreamId();
      store.saveEvent(event(actor, 1));

      operator.jetStreamManagement().deleteStream(StoreLayout.of(store.config()).streamName(0)); // no reconnect

      failsFastAsMissing(() -> store.saveEvent(event(newStreamId(), 1)));
      failsFastAsMissing(() -> store.getLatestVersion(actor));
      failsFastAsMissing(() -> store.getEvents(actor, 1));
    }
  }

  private static void failsFastAsMissing(ThrowingCallable operation) {
    long start = System.nanoTime();
    assertThatThrownBy(operation)
        .satisfies(e -> assertThat(e instanceof StoreUnavailableException ? e : e.getCause())
            .isInstanceOf(StoreUnavailableException.class)
            .hasMessageContaining("missing"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAST);
  }

  private static void restartOnAnEmptyStore(NatsServer server) {
    server.stop();
    try (Stream<Path> files = Files.walk(server.storeDir())) {
      files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(server.storeDir())).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.start();
  }
}
