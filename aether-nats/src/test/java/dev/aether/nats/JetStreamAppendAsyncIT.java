package dev.aether.nats;

import static dev.aether.nats.NatsTestSupport.config;
import static dev.aether.nats.NatsTestSupport.event;
import static dev.aether.nats.NatsTestSupport.events;
import static dev.aether.nats.NatsTestSupport.newStreamId;
import static dev.aether.nats.NatsTestSupport.versions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.aether.event.Event;
import dev.aether.store.EventStored;
import dev.aether.store.OutcomeUnknownException;
import dev.aether.store.VersionConflictException;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link JetStreamEventStore#appendAsync}: the asynchronous commit the runtime answers from. Its fast path (a
 * cached position, {@code publishAsync}, completion from the acknowledgement) and every answer it hands to the
 * resolver (10071 from a stale cache, a retry after the duplicate window) end as {@link
 * JetStreamEventStore#append} ends.
 */
@NatsTest
class JetStreamAppendAsyncIT {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void appendAsync_storesTheCommit_andTellsTheListenerBeforeCompleting(NatsServer server) throws Exception {
    List<EventStored> notices = new CopyOnWriteArrayList<>();
    try (JetStreamEventStore store = JetStreamEventStore.connect(config(server, "async").build(), notices::add)) {
      String streamId = newStreamId();
      List<Event> first = events(streamId, 1, 2);
      List<Event> second = events(streamId, 3);
      // the first commit (no cached position: the version-1 guess), then one from the cached position
      CompletableFuture<Integer> seenAtFirst = store.appendAsync(streamId, 0, first).thenApply(v -> notices.size());
      assertThat(seenAtFirst.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("notices when the future completed")
          .isEqualTo(2);
      assertThat(store.appendAsync(streamId, 2, second).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(3);
      assertThat(store.getEvents(streamId, 0)).containsExactly(first.get(0), first.get(1), second.get(0));
      assertThat(notices).extracting(EventStored::version).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  void appendAsync_afterAnotherWriterMovedTheActor_failsWithAConflict_andThenSucceedsAtTheNewVersion(
      NatsServer server) throws Exception {
    JetStreamConfig config = config(server, "async").build();
    try (JetStreamEventStore store = JetStreamEventStore.connect(config);
        JetStreamEventStore other = JetStreamEventStore.connect(config)) {
      // given: the store caches version 1, another writer stores version 2
      String streamId = newStreamId();
      store.append(streamId, 0, events(streamId, 1));
      other.append(streamId, 1, events(streamId, 2));
      // when: the cached position accepts the commit, the server answers 10071, the resolver reads afresh
      CompletableFuture<Long> stale = store.appendAsync(streamId, 1, List.of(event(streamId, 2)));
      // then
      assertThatThrownBy(() -> stale.get(WAIT.toSeconds(), TimeUnit.SECONDS)).cause()
          .isInstanceOfSatisfying(VersionConflictException.class, conflict -> {
            assertThat(conflict.currentVersion()).isEqualTo(2);
            assertThat(conflict.expectedVersion()).hasValue(1);
          });
      assertThat(store.appendAsync(streamId, 2, events(streamId, 3)).get(WAIT.toSeconds(), TimeUnit.SECONDS))
          .isEqualTo(3);
      assertThat(versions(store.getEvents(streamId, 0))).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  void appendAsync_ofACommitStoredBefore_isRecognised_withinAndAfterTheDuplicateWindow(NatsServer server)
      throws Exception {
    JetStreamConfig config = config(server, "async-short-window").duplicateWindow(Duration.ofMillis(100)).build();
    try (JetStreamEventStore store = JetStreamEventStore.connect(config)) {
      // given: a first commit stored, whose writer died before seeing the acknowledgement
      String streamId = newStreamId();
      List<Event> ours = events(streamId, 1, 2);
      store.append(streamId, 0, ours);
      // when: restarted stores (nothing cached: they publish at once) send it again; the server answers
      // "duplicate" within the window, 10071 after it (the resolver finds the message by its id)
      try (JetStreamEventStore restarted = JetStreamEventStore.connect(config)) {
        assertThat(restarted.appendAsync(streamId, 0, ours).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(2);
      }
      await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> true);
      try (JetStreamEventStore restarted = JetStreamEventStore.connect(config)) {
        assertThat(restarted.appendAsync(streamId, 0, ours).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(2);
        // then: stored once
        assertThat(restarted.getEvents(streamId, 0)).containsExactlyElementsOf(ours);
      }
    }
  }

  @Test
  void appendAsync_withoutAnAcknowledgementInTime_isAnUnknownOutcome_thatARetryResolves() throws Exception {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "async-no-ack")
            .requestTimeout(Duration.ofMillis(500)).build());
        JetStreamEventStore other = JetStreamEventStore.connect(config(server, "async-no-ack").build())) {
      // given: a commit published from the cached position while the server answers nothing (SIGSTOP)
      String streamId = newStreamId();
      store.append(streamId, 0, events(streamId, 1));
      List<Event> batch = events(streamId, 2, 3);
      server.freeze();
      try {
        CompletableFuture<Long> unanswered = store.appendAsync(streamId, 1, batch);
        // then: after the ack timeout, an unknown outcome (not "nothing stored")
        assertThatThrownBy(unanswered::join).isInstanceOf(CompletionException.class).cause()
            .isInstanceOf(OutcomeUnknownException.class);
      } finally {
        server.thaw();
      }
      // the server stores it once thawed, and another writer appends after it
      await().atMost(WAIT).until(() -> other.getLatestVersion(streamId) == 3);
      other.append(streamId, 3, events(streamId, 4));
      // when: the writer retries the commit it lost track of
      long version = store.appendAsync(streamId, 1, batch).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      // then: recognised, nothing stored twice
      assertThat(version).isEqualTo(3);
      assertThat(versions(store.getEvents(streamId, 0))).containsExactly(1L, 2L, 3L, 4L);
    }
  }
}
