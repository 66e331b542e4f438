package dev.aether.nats.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.event.ActorSnapshot;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeConfig;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.StoredState;
import dev.aether.runtime.behavior.Effect;
import dev.aether.runtime.behavior.JavaBehavior;
import dev.aether.store.SnapshotTooLargeException;
import dev.aether.testkit.nats.NatsServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An actor state larger than the server's max payload: its snapshot is refused with the permanent {@link
 * SnapshotTooLargeException} before anything is sent (before: a transient {@code StoreUnavailableException} from
 * the client's own check, at every attempt), the snapshot stored before stays, and activation replays the events.
 */
@Tag("nats")
class RuntimeOnJetStreamLargeStateIT {

  private static final int MAX_PAYLOAD = 8_192;
  private static final String TEXT = "x".repeat(2_000);

  private static NatsServer server;

  record Notes(List<String> texts) {}

  record Write(String text) {}

  record Written(String text) {}

  @BeforeAll
  static void startServer() {
    server = NatsServer.builder().config("max_payload: " + MAX_PAYLOAD).start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static JetStreamEventStore store() {
    return JetStreamEventStore.connect(JetStreamConfig.builder().servers(server.url())
        .namespace("large-" + UUID.randomUUID().toString().substring(0, 8)).build());
  }

  /** Keeps every text written: its state grows with each command. */
  private static JavaBehavior<Notes> notes() {
    return JavaBehavior.builder("Notes", Notes.class, new Notes(List.of()))
        .command("Write", Write.class, (s, c) -> Effect.persist(new Written(c.text())))
        .event("Written", Written.class, (s, e) -> {
          List<String> texts = new ArrayList<>(s.texts());
          texts.add(e.text());
          return new Notes(texts);
        })
        .build();
  }

  @Test
  void saveSnapshot_aboveTheMaxPayload_isAPermanentTypedRefusal_andKeepsTheStoredSnapshot() {
    try (JetStreamEventStore store = store()) {
      store.saveSnapshot(snapshot("Notes/n-1", 1, "small"));

      assertThatThrownBy(() -> store.saveSnapshot(snapshot("Notes/n-1", 2, "y".repeat(MAX_PAYLOAD))))
          .isInstanceOfSatisfying(SnapshotTooLargeException.class, e -> {
            assertThat(e.isTransient()).isFalse();
            assertThat(e.streamId()).isEqualTo("Notes/n-1");
            assertThat(e.version()).isEqualTo(2);
            assertThat(e.size()).isGreaterThan(e.limit());
            assertThat(e.limit()).isLessThan(MAX_PAYLOAD).isPositive();
            assertThat(e.getMessage()).contains("max payload of " + MAX_PAYLOAD);
          });
      assertThat(store.getLatestSnapshot("Notes/n-1")).map(ActorSnapshot::version).contains(1L);
      store.saveSnapshot(snapshot("Notes/n-1", 3, "small again"));
      assertThat(store.getLatestSnapshot("Notes/n-1")).map(ActorSnapshot::version).contains(3L);
    }
  }

  @Test
  void anActorWhoseStateOutgrowsASnapshot_keepsWorking_andReplaysItsEventsOnActivation() throws Exception {
    ActorKey key = ActorKey.of("Notes", "n-2");
    try (JetStreamEventStore store = store()) {
      try (Runtime runtime = Runtime.builder().eventStore(store).behavior(notes())
          .config(RuntimeConfig.builder().snapshotInterval(1).build()).build()) {
        runtime.start();
        for (int i = 1; i <= 5; i++) {
          CommandResult result = runtime.sendMessage(RuntimeMessage.of("Notes", "n-2", "Write",
              Map.of("text", i + TEXT))).get(10, TimeUnit.SECONDS);
          assertThat(result).as("command " + i).isInstanceOf(CommandResult.Accepted.class);
        }
      }
      long snapshotted = store.getLatestSnapshot(key.streamId()).map(ActorSnapshot::version).orElse(0L);
      assertThat(snapshotted).as("the last snapshot that fit").isBetween(1L, 3L);

      try (Runtime restarted = Runtime.builder().eventStore(store).behavior(notes()).build()) {
        restarted.start();
        StoredState state = restarted.activeState(key).get(10, TimeUnit.SECONDS);

        assertThat(state.version()).isEqualTo(5);
        assertThat((List<?>) state.state().get("texts")).hasSize(5).allSatisfy(t -> assertThat((String) t)
            .endsWith(TEXT));
      }
    }
  }

  private static ActorSnapshot snapshot(String streamId, long version, String text) {
    return new ActorSnapshot(streamId, version, Map.of("text", text), Instant.now(), "notes/v1");
  }
}
