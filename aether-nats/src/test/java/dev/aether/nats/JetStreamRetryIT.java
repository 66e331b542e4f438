package dev.aether.nats;

import static dev.aether.nats.NatsTestSupport.config;
import static dev.aether.nats.NatsTestSupport.event;
import static dev.aether.nats.NatsTestSupport.events;
import static dev.aether.nats.NatsTestSupport.newStreamId;
import static dev.aether.nats.NatsTestSupport.versions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.event.Event;
import dev.aether.nats.CommitPublisher.How;
import dev.aether.nats.CommitPublisher.Result;
import dev.aether.nats.StoreLayout.ActorAddress;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A commit retried after its acknowledgement was lost is stored once, on both server behaviours.
 *
 * <p>The lost acknowledgement is simulated by publishing the same commit again with the same (now stale)
 * expected sequence through the store's own publish path. On nats-server 2.9 and 2.10 the de-duplication
 * check runs first and answers "duplicate". Servers that check the expected sequence first (2.11+) answer
 * 10071 instead; to exercise that path on any server, the test lets the stream's duplicate window (100 ms
 * here) pass, after which the server no longer recognises the id and answers 10071 too: the store must then
 * find its own message after the expected sequence.
 */
@NatsTest
class JetStreamRetryIT {

  @Test
  void aRetriedCommit_withinTheDuplicateWindow_isRecognisedAsADuplicate(NatsServer server) {
    try (JetStreamEventStore store = JetStreamEventStore.connect(config(server, "retry").build())) {
      // given: a commit that was stored, but whose acknowledgement the writer did not see
      String streamId = newStreamId();
      List<Event> batch = events(streamId, 1, 2, 3);
      store.append(streamId, 0, batch);
      ActorAddress address = store.layout().address(streamId);
      Commit sameCommit = CommitCodec.encode(streamId, batch);
      // when: the writer publishes it again as it did the first time
      Optional<Result> retried = store.publisher().attempt(address, sameCommit, 0);
      // then
      assertThat(retried).map(Result::how).contains(How.DUPLICATE);
      assertThat(retried.get().position()).isEqualTo(new Position(3, retried.get().position().sequence()));
      assertThat(store.append(streamId, 0, batch)).as("retry through the public API").isEqualTo(3);
      assertThat(store.getEvents(streamId, 0)).containsExactlyElementsOf(batch);
    }
  }

  @Test
  void aRetriedSaveEvent_isStoredOnce(NatsServer server) {
    try (JetStreamEventStore store = JetStreamEventStore.connect(config(server, "retry").build())) {
      String streamId = newStreamId();
      Event first = event(streamId, 1);
      store.saveEvent(first);
      store.saveEvent(first);
      assertThat(store.getEvents(streamId, 0)).containsExactly(first);
    }
  }

  @Test
  void aRetriedCommit_answeredWithWrongLastSequence_isFoundByItsMessageId(NatsServer server) {
    JetStreamConfig config = config(server, "retry-short-window").duplicateWindow(Duration.ofMillis(100)).build();
    try (JetStreamEventStore store = JetStreamEventStore.connect(config);
        JetStreamEventStore other = JetStreamEventStore.connect(config)) {
      // given: our commit is stored, then another writer appends after it
      String streamId = newStreamId();
      List<Event> ours = events(streamId, 1, 2);
      store.append(streamId, 0, ours);
      other.saveEvent(event(streamId, 3));
      ActorAddress address = store.layout().address(streamId);
      Commit sameCommit = CommitCodec.encode(streamId, ours);
      // when: the retry comes after the duplicate window, so the server answers 10071 instead of "duplicate"
      AtomicReference<Result> result = new AtomicReference<>();
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
        result.set(store.publisher().attempt(address, sameCommit, 0).orElseThrow());
        return result.get().how() == How.RESOLVED;
      });
      // then: recognised as ours although it is no longer the last message, and stored once
      assertThat(result.get().position().version()).isEqualTo(2);
      assertThat(versions(store.getEvents(streamId, 0))).containsExactly(1L, 2L, 3L);
      assertThat(store.getEvents(streamId, 0).subList(0, 2)).containsExactlyElementsOf(ours);
    }
  }

  @Test
  void aRetriedFirstCommit_byAStoreThatNeverSawTheActor_isFoundByItsMessageId(NatsServer server) {
    JetStreamConfig config = config(server, "retry-short-window").duplicateWindow(Duration.ofMillis(100)).build();
    try (JetStreamEventStore store = JetStreamEventStore.connect(config)) {
      // given: the first commit of an actor is stored, but its writer died before seeing the acknowledgement
      String streamId = newStreamId();
      List<Event> ours = events(streamId, 1, 2);
      store.append(streamId, 0, ours);
      // when: a new store (nothing cached, so it publishes without reading first) retries it after the
      // duplicate window, so the server answers 10071
      await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> true);
      try (JetStreamEventStore restarted = JetStreamEventStore.connect(config)) {
        // then: recognised as stored, and stored once
        assertThat(restarted.append(streamId, 0, ours)).isEqualTo(2);
        assertThat(restarted.getEvents(streamId, 0)).containsExactlyElementsOf(ours);
      }
    }
  }

  @Test
  void aCommitAnsweredWithWrongLastSequence_thatIsNotOurs_isAConflict(NatsServer server) {
    try (JetStreamEventStore store = JetStreamEventStore.connect(config(server, "retry").build())) {
      // given
      String streamId = newStreamId();
      store.saveEvent(event(streamId, 1));
      ActorAddress address = store.layout().address(streamId);
      // when: another commit for version 1 expecting an empty subject
      Optional<Result> result = store.publisher().attempt(address, CommitCodec.encode(streamId,
          List.of(event(streamId, 1))), 0);
      // then
      assertThat(result).isEmpty();
      assertThat(store.getLatestVersion(streamId)).isEqualTo(1);
    }
  }
}
