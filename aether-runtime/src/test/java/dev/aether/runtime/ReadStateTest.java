package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.NonTransientAetherException;
import dev.aether.event.ActorSnapshot;
import dev.aether.store.StoreUnavailableException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link RuntimeManagement#readState}: an actor's state folded from the store, without activating it. */
class ReadStateTest {

  private final TestStore store = new TestStore();
  private final Runtime runtime = Fixtures.runtime(store).build();

  ReadStateTest() {
    runtime.start();
  }

  @AfterEach
  void close() {
    runtime.close();
  }

  private void history(String id, int deposits) {
    store.foreignAppend(Bank.stream(id), "Opened", Map.of("owner", "o"));
    for (int i = 0; i < deposits; i++) {
      store.foreignAppend(Bank.stream(id), "Deposited", Map.of("amount", 1));
    }
  }

  @Test
  void readState_foldsTheStoredHistory_withoutActivatingTheActor() {
    history("r1", 4);

    StoredState read = runtime.readState(ActorKey.of("Account", "r1")).join();

    assertThat(read.key()).isEqualTo(ActorKey.of("Account", "r1"));
    assertThat(read.version()).isEqualTo(5);
    assertThat(read.state()).containsEntry("balance", 4L).containsEntry("open", true);
    assertThat(runtime.getActiveVMs()).isEmpty();
  }

  @Test
  void readState_seesCommitsMadeAfterAnActiveVmHere_andLeavesThatVmAsItWas() {
    accepted(runtime.sendMessage(Bank.open("r2")));
    VirtualMachine vm = runtime.createVM(ActorKey.of("Account", "r2")).join();
    store.foreignAppend(Bank.stream("r2"), "Deposited", Map.of("amount", 7)); // another node's commit

    StoredState read = runtime.readState(ActorKey.of("Account", "r2")).join();

    assertThat(read.version()).isEqualTo(vm.getVersion() + 1);
    assertThat(read.state()).containsEntry("balance", 7L);
    assertThat(vm.getState()).containsEntry("balance", 0L);
  }

  @Test
  void readState_startsFromTheLatestSnapshot_notFromTheFirstEvent() {
    history("r3", 250);
    Map<String, Object> envelope = Map.of("state", Map.of("open", true, "owner", "o", "balance", 199),
        "recentCommands", List.of());
    store.inner.saveSnapshot(new ActorSnapshot(Bank.stream("r3"), 200, envelope, Instant.now(),
        "aether.rt1:" + Bank.behavior().schema()));

    StoredState read = runtime.readState(ActorKey.of("Account", "r3")).join();

    assertThat(read.version()).isEqualTo(251);
    assertThat(read.state()).containsEntry("balance", 250L);
    assertThat(store.readsFrom).containsExactly(200L);
  }

  @Test
  void readState_ofAnActorWithoutEvents_isTheInitialStateAtVersionZero() {
    StoredState read = runtime.readState(ActorKey.of("Account", "nobody")).join();

    assertThat(read.version()).isZero();
    assertThat(read.state()).isEqualTo(Bank.behavior().stateToJson(Bank.behavior().initialState()));
  }

  @Test
  void readState_ofAnUnknownAggregateType_failsNamingIt() {
    assertThatThrownBy(() -> runtime.readState(ActorKey.of("Nope", "x")).join())
        .isInstanceOf(CompletionException.class).cause().isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("key.aggregateType");
  }

  @Test
  void readState_ofAHistoryWithAnUndecodableRecord_failsNamingTheActor() {
    history("r4", 3);
    store.undecodable.add(2L);

    assertThatThrownBy(() -> runtime.readState(ActorKey.of("Account", "r4")).join())
        .isInstanceOf(CompletionException.class).cause().isInstanceOf(NonTransientAetherException.class)
        .hasMessageContaining("Account/r4");
  }

  @Test
  void readState_whileTheStoreIsUnavailable_failsWithTheStoresOwnException() {
    history("r5", 1);
    store.beforeRead = id -> {
      throw new StoreUnavailableException("store down", null);
    };

    assertThatThrownBy(() -> runtime.readState(ActorKey.of("Account", "r5")).join())
        .isInstanceOf(CompletionException.class).cause().isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("store down");
    assertThatThrownBy(() -> runtime.createVM(ActorKey.of("Account", "r5")).join())
        .isInstanceOf(CompletionException.class).cause().isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void readState_afterClose_failsWithIllegalState() {
    runtime.close();

    assertThatThrownBy(() -> runtime.readState(ActorKey.of("Account", "r5")).join())
        .cause().isInstanceOf(IllegalStateException.class);
  }
}
