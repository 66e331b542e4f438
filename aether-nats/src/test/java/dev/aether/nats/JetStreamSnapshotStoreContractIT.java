package dev.aether.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.event.ActorSnapshot;
import dev.aether.event.Event;
import dev.aether.store.SnapshotStore;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import dev.aether.testkit.store.SnapshotStoreContractTest;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the {@link SnapshotStoreContractTest} against {@link JetStreamEventStore} on a real nats-server, and
 * checks two stores saving one actor's snapshots in turn (each remembers the revision it wrote last).
 */
@NatsTest
class JetStreamSnapshotStoreContractIT extends SnapshotStoreContractTest {

  private static String url;

  @BeforeAll
  static void server(NatsServer server) {
    url = server.url();
  }

  @Override
  protected SnapshotStore createStore() {
    return JetStreamEventStore.connect(JetStreamConfig.builder().servers(url).namespace("snapshots").build());
  }

  @Test
  void twoStoresSavingInTurn_keepTheNewest_whateverRevisionEachSawLast() {
    String streamId = newStreamId();
    try (JetStreamEventStore first = (JetStreamEventStore) createStore();
        JetStreamEventStore second = (JetStreamEventStore) createStore()) {
      first.saveSnapshot(snapshot(streamId, 1));
      second.saveSnapshot(snapshot(streamId, 5));

      first.saveSnapshot(snapshot(streamId, 3)); // its revision is stale and the stored one is newer
      assertThat(second.getLatestSnapshot(streamId)).map(ActorSnapshot::version).contains(5L);

      first.saveSnapshot(snapshot(streamId, 7));
      assertThat(second.getLatestSnapshot(streamId)).map(ActorSnapshot::version).contains(7L);

      second.saveSnapshot(snapshot(streamId, 9)); // its revision (from the read) is the stored one's
      first.saveSnapshot(snapshot(streamId, 8));
      assertThat(first.getLatestSnapshot(streamId)).map(ActorSnapshot::version).contains(9L);
    }
  }

  @Test
  void theFirstSaveAfterReadingNoSnapshot_isOneRequest_aCreateWithoutAnotherRead() throws Exception {
    String streamId = newStreamId();
    try (Connection connection = Nats.connect(url);
        JetStreamEventStore store = JetStreamEventStore.create(connection,
            JetStreamConfig.builder().servers(url).namespace("snapshots").build())) {
      // as an actor's first snapshot: activation read none, the actor appended (the store knows its position)
      assertThat(store.getLatestSnapshot(streamId)).isEmpty();
      store.append(streamId, 0, List.of(Event.builder().eventType("Opened").streamId(streamId).version(1)
          .data(Map.of()).build()));
      long before = connection.getStatistics().getRequestsSent();

      store.saveSnapshot(snapshot(streamId, 1));

      assertThat(connection.getStatistics().getRequestsSent() - before).isEqualTo(1);
      assertThat(store.getLatestSnapshot(streamId)).map(ActorSnapshot::version).contains(1L);
    }
  }

  @Test
  void aSaveAfterReadingNoSnapshot_keepsTheNewerOneAnotherStoreCreatedMeanwhile() {
    String streamId = newStreamId();
    try (JetStreamEventStore first = (JetStreamEventStore) createStore();
        JetStreamEventStore second = (JetStreamEventStore) createStore()) {
      assertThat(first.getLatestSnapshot(streamId)).isEmpty();
      second.saveSnapshot(snapshot(streamId, 5));

      first.saveSnapshot(snapshot(streamId, 3)); // its create is refused; the stored one is newer
      assertThat(second.getLatestSnapshot(streamId)).map(ActorSnapshot::version).contains(5L);

      first.saveSnapshot(snapshot(streamId, 7));
      assertThat(second.getLatestSnapshot(streamId)).map(ActorSnapshot::version).contains(7L);
    }
  }
}
