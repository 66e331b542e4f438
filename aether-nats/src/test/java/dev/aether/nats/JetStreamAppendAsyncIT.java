package dev.aether.nats;

import static dev.aether.nats.NatsTestSupport.config;
import static dev.aether.nats.NatsTestSupport.event;
import static dev.aether.nats.NatsTestSupport.events;
import static dev.aether.nats.NatsTestSupport.newStreamId;
import static dev.aether.nats.NatsTestSupport.versions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.store.OutcomeUnknownException;
import dev.aether.store.VersionConflictException;
import dev.aether.testkit.nats.NatsServer;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What {@link JetStreamEventStore#appendAsync} does beyond the contract: the request timeout it applies
 * itself (jnats' {@code publishAsync} futures ignore it), the resolution of a 10071 after a stale cache or a
 * lost acknowledgement, and errors delivered through the future, never as NATS client exceptions.
 */
@Tag("nats")
class JetStreamAppendAsyncIT {

  @Test
  void anAsyncCommitWhoseAcknowledgementNeverArrives_failsWithUnknownOutcomeAfterTheRequestTimeout() {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "async-no-ack")
            .requestTimeout(Duration.ofMillis(500)).build())) {
      // given: the actor's position is cached, so the async path publishes without reading
      String streamId = newStreamId();
      store.saveEvent(event(streamId, 1));
      List<Event> batch = events(streamId, 2, 3);
      // when: the server is frozen (SIGSTOP)
      NatsTestSupport.freeze(server);
      long started = System.nanoTime();
      Throwable failure;
      try {
        failure = failureOf(store.appendAsync(streamId, 1, batch));
      } finally {
        NatsTestSupport.thaw(server);
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      // then: an unknown outcome after about the request timeout, long before jnats' own cleanup (~8 s)
      assertThat(failure).isInstanceOfSatisfying(OutcomeUnknownException.class, e -> {
        assertThat(e.streamId()).isEqualTo(streamId);
        assertThat(e.isTransient()).isTrue();
      });
      assertThat(millis).isBetween(400L, 4_000L);
      // and the retry of the same commit succeeds, stored exactly once
      assertThat(store.appendAsync(streamId, 1, batch).join()).isEqualTo(3);
      assertThat(versions(store.getEvents(streamId, 0))).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  void anAsyncRetryOfALostCommitThatAnotherWriterFollowed_isRecognised() {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "async-lost")
            .requestTimeout(Duration.ofMillis(500)).build());
        JetStreamEventStore other = JetStreamEventStore.connect(config(server, "async-lost").build())) {
      // given: a commit whose acknowledgement was lost, stored once the server thawed, then followed
      String streamId = newStreamId();
      store.saveEvent(event(streamId, 1));
      List<Event> batch = events(streamId, 2, 3);
      NatsTestSupport.freeze(server);
      try {
        assertThat(failureOf(store.appendAsync(streamId, 1, batch))).isInstanceOf(OutcomeUnknownException.class);
      } finally {
        NatsTestSupport.thaw(server);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> other.getLatestVersion(streamId) == 3);
      other.saveEvent(event(streamId, 4));
      // when
      long version = store.appendAsync(streamId, 1, batch).join();
      // then
      assertThat(version).isEqualTo(3);
      assertThat(versions(store.getEvents(streamId, 0))).containsExactly(1L, 2L, 3L, 4L);
    }
  }

  @Test
  void anAsyncCommitOnAStaleCache_isAConflictWithTheCurrentVersion_orStoredWhenItStillFits() {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "async-stale").build());
        JetStreamEventStore other = JetStreamEventStore.connect(config(server, "async-stale").build())) {
      // given: this store caches v1, another writer moves the actor to v2
      String streamId = newStreamId();
      store.saveEvent(event(streamId, 1));
      other.append(streamId, 1, events(streamId, 2));
      // when: a commit expecting the cached version (the server answers 10071)
      Throwable failure = failureOf(store.appendAsync(streamId, 1, events(streamId, 2)));
      // then
      assertThat(failure).isInstanceOfSatisfying(VersionConflictException.class, conflict -> {
        assertThat(conflict.streamId()).isEqualTo(streamId);
        assertThat(conflict.attemptedVersion()).isEqualTo(2);
        assertThat(conflict.currentVersion()).isEqualTo(2);
      });
      // and a commit expecting the true version is stored although the cache was stale
      other.append(streamId, 2, events(streamId, 3));
      assertThat(store.appendAsync(streamId, 3, events(streamId, 4)).join()).isEqualTo(4);
      assertThat(versions(store.getEvents(streamId, 0))).containsExactly(1L, 2L, 3L, 4L);
    }
  }

  @Test
  void anAsyncCommitOfAnActorNotInTheCache_readsItsPositionFirst() {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "async-miss").build());
        JetStreamEventStore other = JetStreamEventStore.connect(config(server, "async-miss").build())) {
      String streamId = newStreamId();
      other.append(streamId, 0, events(streamId, 1, 2));
      assertThat(store.appendAsync(streamId, 2, events(streamId, 3)).join()).isEqualTo(3);
      assertThat(store.positions().cached(streamId).version()).isEqualTo(3);
    }
  }

  @Test
  void anAsyncCommitAboveTheMaxPayload_orOnAClosedStore_failsTheFutureWithAnAetherError() {
    try (NatsServer server = NatsServer.builder().config("max_payload: 65536").start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "async-errors").build())) {
      String streamId = newStreamId();
      Event tooLarge = event(streamId, 1).toBuilder().data(Map.of("blob", "x".repeat(70_000))).build();
      assertThat(failureOf(store.appendAsync(streamId, 0, List.of(tooLarge))))
          .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("events"));
      assertThat(store.getLatestVersion(streamId)).isZero();
      store.close();
      assertThat(failureOf(store.appendAsync(streamId, 0, events(streamId, 1))))
          .isInstanceOf(JetStreamStoreException.class).hasMessageContaining("closed");
    }
  }

  @Test
  void theFutureOfAnAsyncCommit_completesOnTheStoresCompletionThread_notOnANatsThread() {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "async-thread").build())) {
      // given: the actor's position is cached, so the async path publishes without reading
      String streamId = newStreamId();
      store.saveEvent(event(streamId, 1));
      // when: a callback is attached while the acknowledgement cannot have arrived (server frozen)
      CompletableFuture<String> completedOn;
      NatsTestSupport.freeze(server);
      try {
        CompletableFuture<Long> future = store.appendAsync(streamId, 1, events(streamId, 2));
        completedOn = future.thenApply(version -> Thread.currentThread().getName());
        assertThat(future).isNotDone();
      } finally {
        NatsTestSupport.thaw(server);
      }
      // then: the callback runs on the store's completion thread
      assertThat(completedOn.join()).isEqualTo("aether-jetstream-completions-async-thread");
      assertThat(versions(store.getEvents(streamId, 0))).containsExactly(1L, 2L);
    }
  }

  @Test
  void aCallbackThatAppendsSynchronously_completes_andBothCommitsAreStored() throws Exception {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "async-blocking-callback").build())) {
      String streamId = newStreamId();
      store.saveEvent(event(streamId, 1));
      // given: a callback, attached before the acknowledgement can arrive, that makes a blocking round trip
      AtomicReference<String> callbackThread = new AtomicReference<>();
      CompletableFuture<Long> chained;
      NatsTestSupport.freeze(server);
      try {
        chained = store.appendAsync(streamId, 1, events(streamId, 2)).thenApply(version -> {
          callbackThread.set(Thread.currentThread().getName());
          return store.append(streamId, version, events(streamId, version + 1));
        });
      } finally {
        NatsTestSupport.thaw(server);
      }
      // when / then: it completes well within the request timeout (no deadlock of the connection)
      assertThat(chained.get(30, TimeUnit.SECONDS)).isEqualTo(3);
      assertThat(callbackThread.get()).startsWith("aether-jetstream-completions-");
      assertThat(versions(store.getEvents(streamId, 0))).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  void aCallbackThatWaitsForAnotherAsyncCommitOfTheStore_failsFast_insteadOfHangingTheCompletionThread()
      throws Exception {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "async-join-callback").build())) {
      String streamId = newStreamId();
      String otherId = newStreamId();
      store.saveEvent(event(streamId, 1));
      // given: a callback, attached before the acknowledgement can arrive, that joins a second appendAsync
      CompletableFuture<Long> chained;
      NatsTestSupport.freeze(server);
      try {
        chained = store.appendAsync(streamId, 1, events(streamId, 2))
            .thenApply(version -> store.appendAsync(otherId, 0, events(otherId, 1)).join());
      } finally {
        NatsTestSupport.thaw(server);
      }
      // when / then: the join is refused with a message saying why, long before any timeout
      Throwable failure = failureOf(chained);
      assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessageContaining("completion thread");
      // and the completion thread still settles later appends, including the one the callback started
      await().atMost(Duration.ofSeconds(10)).until(() -> store.getLatestVersion(otherId) == 1);
      assertThat(store.appendAsync(streamId, 2, events(streamId, 3)).get(30, TimeUnit.SECONDS)).isEqualTo(3);
    }
  }

  @Test
  void closingTheStoreWhileAnAsyncCommitAwaitsItsAcknowledgement_failsItPromptlyWithUnknownOutcome() {
    try (NatsServer server = NatsServer.builder().start()) {
      Connection connection = NatsTestSupport.rawConnection(server);
      try {
        // given: a store on the caller's connection, with a long request timeout, and a cached position
        JetStreamEventStore store = JetStreamEventStore.create(connection, config(server, "async-close")
            .requestTimeout(Duration.ofSeconds(30)).build());
        String streamId = newStreamId();
        store.saveEvent(event(streamId, 1));
        List<Event> batch = events(streamId, 2);
        Throwable failure;
        long millis;
        NatsTestSupport.freeze(server);
        try {
          CompletableFuture<Long> future = store.appendAsync(streamId, 1, batch);
          assertThat(future).isNotDone();
          // when: the store closes while the server is frozen
          long started = System.nanoTime();
          store.close();
          failure = failureOf(future);
          millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        } finally {
          NatsTestSupport.thaw(server);
        }
        // then: an unknown outcome that names the close, long before the request timeout
        assertThat(failure).isInstanceOfSatisfying(OutcomeUnknownException.class, e -> {
          assertThat(e.streamId()).isEqualTo(streamId);
          assertThat(e).hasMessageContaining("before the store was closed");
        });
        assertThat(millis).isLessThan(10_000L);
        // and the commit, stored once the server thawed, is recognised by the retry on a new store
        try (JetStreamEventStore reopened = JetStreamEventStore.create(connection, config(server, "async-close")
            .build())) {
          await().atMost(Duration.ofSeconds(10)).until(() -> reopened.getLatestVersion(streamId) == 2);
          assertThat(reopened.appendAsync(streamId, 1, batch).join()).isEqualTo(2);
          assertThat(versions(reopened.getEvents(streamId, 0))).containsExactly(1L, 2L);
        }
      } finally {
        NatsTestSupport.closeQuietly(connection);
      }
    }
  }

  private static Throwable failureOf(CompletableFuture<?> future) {
    try {
      Object value = future.get(30, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
