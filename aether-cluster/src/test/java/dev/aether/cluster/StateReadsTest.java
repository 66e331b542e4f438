package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.model.ModelLoader;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.StoredState;
import dev.aether.store.InMemoryEventStore;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link StateReads#readOwned}: a read on the owner, and one that began as the actor's shard moved away. */
class StateReadsTest {

  private final Runtime runtime = Runtime.builder().eventStore(InMemoryEventStore.create()).build();

  StateReadsTest() {
    runtime.loadModel(ModelLoader.fromYaml(ClusterFixture.bankModel()));
    runtime.start();
  }

  @AfterEach
  void close() {
    runtime.close();
  }

  @Test
  void aReadOnTheOwner_leavesTheActorActive_andOneWhoseShardMovedMeanwhile_drainsTheVmItMade() {
    ActorKey kept = ActorKey.of("Account", "kept");
    ActorKey moved = ActorKey.of("Account", "moved");
    for (ActorKey key : new ActorKey[] {kept, moved}) {
      runtime.sendMessage(RuntimeMessage.builder("Account", key.actorId(), "Open")
          .payload(Map.of("owner", "o", "initialDeposit", 5)).build()).join();
      runtime.stopVM(key).join();
    }

    StoredState onTheOwner = StateReads.readOwned(runtime, kept, () -> true).join();
    StoredState afterAMove = StateReads.readOwned(runtime, moved, () -> false).join();

    assertThat(onTheOwner.version()).isEqualTo(2);
    assertThat(afterAMove.version()).isEqualTo(2);
    assertThat(afterAMove.state()).containsEntry("balance", 5L);
    assertThat(runtime.registry().get(kept)).isPresent();
    await().atMost(Duration.ofSeconds(10))
        .until(() -> runtime.registry().get(moved).isEmpty());
  }
}
