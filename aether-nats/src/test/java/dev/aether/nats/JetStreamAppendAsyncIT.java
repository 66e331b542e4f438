package dev.aether.nats;

import static dev.aether.nats.NatsTestSupport.config;
import static dev.aether.nats.NatsTestSupport.event;
import static dev.aether.nats.NatsTestSupport.events;
import static dev.aether.nats.NatsTestSupport.newActorId;
import static dev.aether.nats.NatsTestSupport.versions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.store.OutcomeUnknownException;
import dev.aether.store.VersionConflictException;
import dev.aether.testkit.nats.NatsServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
      String actorId = newActorId();
      store.saveEvent(event(actorId, 1));
      List<Event> batch = events(actorId, 2, 3);
      // when: the server is frozen (SIGSTOP)
      NatsTestSupport.signal(server, "STOP");
      long started = System.nanoTime();
      Throwable failure;
      try {
        failure = failureOf(store.appendAsync(actorId, 1, batch));
      } finally {
        NatsTestSupport.signal(server, "CONT");
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      // then: an unknown outcome after about the request timeout, long before jnats' own cleanup (~8 s)
      assertThat(failure).isInstanceOfSatisfying(OutcomeUnknownException.class, e -> {
        assertThat(e.actorId()).isEqualTo(actorId);
        assertThat(e.isTransient()).isTrue();
      });
      assertThat(millis).isBetween(400L, 4_000L);
      // and the retry of the same commit succeeds, stored exactly once
      assertThat(store.appendAsync(actorId, 1, batch).join()).isEqualTo(3);
      assertThat(versions(store.getEvents(actorId, 0))).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  void anAsyncRetryOfALostCommitThatAnotherWriterFollowed_isRecognised() {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "async-lost")
            .requestTimeout(Duration.ofMillis(500)).build());
        JetStreamEventStore other = JetStreamEventStore.connect(config(server, "async-lost").build())) {
      // given: a commit whose acknowledgement was lost, stored once the server thawed, then followed
      String actorId = newActorId();
      store.saveEvent(event(actorId, 1));
      List<Event> batch = events(actorId, 2, 3);
      NatsTestSupport.signal(server, "STOP");
      try {
        assertThat(failureOf(store.appendAsync(actorId, 1, batch))).isInstanceOf(OutcomeUnknownException.class);
      } finally {
        NatsTestSupport.signal(server, "CONT");
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> other.getLatestVersion(actorId) == 3);
      other.saveEvent(event(actorId, 4));
      // when
      long version = store.appendAsync(actorId, 1, batch).join();
      // then
      assertThat(version).isEqualTo(3);
      assertThat(versions(store.getEvents(actorId, 0))).containsExactly(1L, 2L, 3L, 4L);
    }
  }

  @Test
  void anAsyncCommitOnAStaleCache_isAConflictWithTheCurrentVersion_orStoredWhenItStillFits() {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "async-stale").build());
        JetStreamEventStore other = JetStreamEventStore.connect(config(server, "async-stale").build())) {
      // given: this store caches v1, another writer moves the actor to v2
      String actorId = newActorId();
      store.saveEvent(event(actorId, 1));
      other.append(actorId, 1, events(actorId, 2));
      // when: a commit expecting the cached version (the server answers 10071)
      Throwable failure = failureOf(store.appendAsync(actorId, 1, events(actorId, 2)));
      // then
      assertThat(failure).isInstanceOfSatisfying(VersionConflictException.class, conflict -> {
        assertThat(conflict.actorId()).isEqualTo(actorId);
        assertThat(conflict.attemptedVersion()).isEqualTo(2);
        assertThat(conflict.currentVersion()).isEqualTo(2);
      });
      // and a commit expecting the true version is stored although the cache was stale
      other.append(actorId, 2, events(actorId, 3));
      assertThat(store.appendAsync(actorId, 3, events(actorId, 4)).join()).isEqualTo(4);
      assertThat(versions(store.getEvents(actorId, 0))).containsExactly(1L, 2L, 3L, 4L);
    }
  }

  @Test
  void anAsyncCommitOfAnActorNotInTheCache_readsItsPositionFirst() {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "async-miss").build());
        JetStreamEventStore other = JetStreamEventStore.connect(config(server, "async-miss").build())) {
      String actorId = newActorId();
      other.append(actorId, 0, events(actorId, 1, 2));
      assertThat(store.appendAsync(actorId, 2, events(actorId, 3)).join()).isEqualTo(3);
      assertThat(store.positions().cached(actorId).version()).isEqualTo(3);
    }
  }

  @Test
  void anAsyncCommitAboveTheMaxPayload_orOnAClosedStore_failsTheFutureWithAnAetherError() {
    try (NatsServer server = NatsServer.builder().config("max_payload: 65536").start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "async-errors").build())) {
      String actorId = newActorId();
      Event tooLarge = event(actorId, 1).toBuilder().data(Map.of("blob", "x".repeat(70_000))).build();
      assertThat(failureOf(store.appendAsync(actorId, 0, List.of(tooLarge))))
          .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("events"));
      assertThat(store.getLatestVersion(actorId)).isZero();
      store.close();
      assertThat(failureOf(store.appendAsync(actorId, 0, events(actorId, 1))))
          .isInstanceOf(JetStreamStoreException.class).hasMessageContaining("closed");
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
