package dev.aether.model.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.event.Event;
import dev.aether.model.ModelLoader;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.store.ForwardingEventStore;
import dev.aether.store.InMemoryEventStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A command that waits for its actor's VM of a replaced model to finish is checked against the model that then
 * decides it (found in review: a second model loaded meanwhile decided it without its own payload checks).
 */
class ModelSwapWhileBusyTest {

  private static final String PAD = """
      name: notes
      version: "V"
      aggregates:
        - name: Pad
          commands:
            - name: Write
              fields: [FIELDS]
              emits: [{event: Written, data: {by: "'V'"}}]
          events:
            - name: Written
              fields: [{name: by, type: string}]
      """;

  /** Holds commits back while {@link #gate} is set: the actor's VM stays busy with its commit. */
  private static final class GatedStore extends ForwardingEventStore {
    volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

    GatedStore(InMemoryEventStore inner) {
      super(inner);
    }

    @Override
    public CompletableFuture<Long> appendAsync(String streamId, long expectedVersion, List<Event> events) {
      return gate.thenCompose(open -> delegate().appendAsync(streamId, expectedVersion, events));
    }
  }

  private final InMemoryEventStore inner = InMemoryEventStore.create();
  private final GatedStore store = new GatedStore(inner);
  private final Runtime runtime = Runtime.builder().eventStore(store).build();

  @AfterEach
  void close() {
    store.gate = CompletableFuture.completedFuture(null);
    runtime.close();
  }

  private static dev.aether.model.Model version(String v, String fields) {
    return ModelLoader.fromYaml(PAD.replace("V", v).replace("FIELDS", fields));
  }

  @Test
  void aCommandWaitingForTheOldVm_isCheckedAgainstTheModelThatDecidesIt() {
    runtime.loadModel(version("1", ""));
    runtime.start();
    assertThat(runtime.sendMessage(RuntimeMessage.of("Pad", "q", "Write", Map.of())).join().isAccepted()).isTrue();
    CompletableFuture<Void> gate = new CompletableFuture<>();
    store.gate = gate;
    CompletableFuture<CommandResult> busy = runtime.sendMessage(RuntimeMessage.of("Pad", "q", "Write", Map.of()));

    runtime.loadModel(version("2", "{name: note, type: string, optional: true}"));
    CompletableFuture<CommandResult> waiting = runtime.sendMessage(RuntimeMessage.of("Pad", "q", "Write",
        Map.of("note", "fits version 2")));
    runtime.loadModel(version("3", "")); // no field note: the waiting command's payload no longer fits
    store.gate = CompletableFuture.completedFuture(null);
    gate.complete(null);

    assertThat(busy.join().isAccepted()).as("decided by version 1 before the change").isTrue();
    assertThat(waiting.join()).isInstanceOfSatisfying(CommandResult.Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(RejectionReason.INVALID_PAYLOAD);
      assertThat(r.message()).contains("note");
    });
    assertThat(inner.getEvents("Pad/q", 1)).extracting(e -> e.data().get("by")).containsExactly("1", "1");
  }
}
