package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static dev.aether.runtime.Fixtures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VirtualMachineTest {

  private final TestStore store = new TestStore();
  private Runtime runtime;

  @BeforeEach
  void start() {
    runtime = Fixtures.runtime(store).build();
    runtime.start();
  }

  @AfterEach
  void close() {
    runtime.close();
  }

  private static Event deposited(String id, long version, long amount) {
    return Event.builder().eventType("Deposited").streamId(Bank.stream(id)).version(version)
        .data(Map.of("amount", amount)).build();
  }

  @Test
  void createVM_activatesFromTheStore_withoutACommand() {
    store.foreignAppend(Bank.stream("v1"), "Opened", Map.of("owner", "o"));

    VirtualMachine vm = join(runtime.createVM(ActorKey.of("Account", "v1")));

    assertThat(vm.isActive()).isTrue();
    assertThat(vm.getVersion()).isEqualTo(1);
    assertThat(vm.getActorId()).isEqualTo("v1");
    assertThat(vm.getKey()).isEqualTo(ActorKey.of("Account", "v1"));
    assertThat(vm.getId()).startsWith("Account/v1#");
    assertThat(join(runtime.createVM(ActorKey.of("Account", "v1")))).isSameAs(vm);
  }

  @Test
  void getState_isAReadOnlyView() {
    accepted(runtime.sendMessage(Bank.open("v2")));
    VirtualMachine vm = runtime.getActiveVMs().get(ActorKey.of("Account", "v2"));

    assertThatThrownBy(() -> vm.getState().put("balance", 1_000_000L))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(vm.getState()).containsEntry("balance", 0L);
  }

  @Test
  void processEvent_appliesANewerEvent_andRefusesOneNotAboveTheVersion() {
    accepted(runtime.sendMessage(Bank.open("v3")));
    VirtualMachine vm = runtime.getActiveVMs().get(ActorKey.of("Account", "v3"));
    Event stored = deposited("v3", 2, 30);
    store.inner.append(Bank.stream("v3"), 1, java.util.List.of(stored)); // written by another writer (issue 9:
    // processEvent applies stored events only)

    assertThat(join(vm.processEvent(stored))).isTrue();
    assertThat(join(vm.processEvent(stored))).isFalse();
    assertThat(join(vm.processEvent(deposited("v3", 1, 30)))).isFalse();

    assertThat(vm.getVersion()).isEqualTo(2);
    assertThat(vm.getState()).containsEntry("balance", 30L);
  }

  @Test
  void processEvent_ofAnotherActor_failsNamingTheField() {
    VirtualMachine vm = join(runtime.createVM(ActorKey.of("Account", "v4")));

    assertThatThrownBy(() -> vm.processEvent(deposited("other", 1, 1)).get())
        .isInstanceOf(ExecutionException.class).cause()
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("event.streamId"));
  }

  @Test
  void stop_isIdempotent_andAStoppedVmRefusesWork() {
    accepted(runtime.sendMessage(Bank.open("v5")));
    VirtualMachine vm = runtime.getActiveVMs().get(ActorKey.of("Account", "v5"));

    join(vm.stop());
    join(vm.stop());

    assertThat(vm.isActive()).isFalse();
    assertThat(runtime.getActiveVMs()).doesNotContainKey(ActorKey.of("Account", "v5"));
    assertThat(vm.start()).isCompletedExceptionally();
    assertThat(store.savedSnapshots).hasSize(1);
    assertThat(accepted(runtime.sendMessage(Bank.deposit("v5", 1))).newVersion()).isEqualTo(2);
  }

  @Test
  void createVM_forAnUnknownAggregate_failsNamingIt() {
    assertThat(runtime.createVM(ActorKey.of("Ship", "s"))).isCompletedExceptionally();
  }

  @Test
  void register_refusesASecondBehaviourForTheSameType() {
    assertThatThrownBy(() -> runtime.register(Bank.behavior()))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("behavior"))
        .hasMessageContaining("Account");
  }
}
