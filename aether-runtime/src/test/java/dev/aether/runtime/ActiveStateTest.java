package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.store.StoreUnavailableException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link VirtualMachine#readState()} and {@link RuntimeManagement#activeState}: an actor's state read in its own
 * turn, current with the store.
 */
class ActiveStateTest {

  private final TestStore store = new TestStore();
  private final Runtime runtime = Fixtures.runtime(store).build();

  ActiveStateTest() {
    runtime.start();
  }

  @AfterEach
  void close() {
    runtime.close();
  }

  private static ActorKey account(String id) {
    return ActorKey.of("Account", id);
  }

  @Test
  void activeState_activatesTheActor_andReadsItsStateWithItsVersion() {
    store.foreignAppend(Bank.stream("a1"), "Opened", Map.of("owner", "o"));
    store.foreignAppend(Bank.stream("a1"), "Deposited", Map.of("amount", 3));

    StoredState read = runtime.activeState(account("a1")).join();

    assertThat(read.key()).isEqualTo(account("a1"));
    assertThat(read.version()).isEqualTo(2);
    assertThat(read.state()).containsEntry("balance", 3L).containsEntry("open", true);
    assertThat(runtime.getActiveVMs()).containsKey(account("a1"));
  }

  @Test
  void activeState_includesWhatAnotherWriterStored_whichTheVmsGetterDoesNotShowYet() {
    accepted(runtime.sendMessage(Bank.open("a2")));
    VirtualMachine vm = runtime.createVM(account("a2")).join();
    store.foreignAppend(Bank.stream("a2"), "Deposited", Map.of("amount", 7)); // another node's commit
    int replaysBefore = store.readsFrom.size();
    long latestBefore = store.latestVersionCalls.get();
    assertThat(vm.getState()).as("the getter before the read").containsEntry("balance", 0L);

    StoredState read = runtime.activeState(account("a2")).join();

    assertThat(vm.getState()).as("the getter after it").containsEntry("balance", 7L);
    assertThat(read.version()).isEqualTo(2);
    assertThat(read.state()).containsEntry("balance", 7L);
    assertThat(store.latestVersionCalls.get()).as("latest versions asked").isEqualTo(latestBefore + 1);
    assertThat(store.readsFrom).as("the catch-up: events read from version 2").containsSubsequence(2L)
        .hasSize(replaysBefore + 1);

    StoredState again = vm.readState().join(); // nothing new: the latest version asked, nothing replayed

    assertThat(again).isEqualTo(read);
    assertThat(store.latestVersionCalls.get()).isEqualTo(latestBefore + 2);
    assertThat(store.readsFrom).hasSize(replaysBefore + 1);
  }

  @Test
  void readState_comesAfterTheCommandsSentBeforeIt() {
    accepted(runtime.sendMessage(Bank.open("a3")));
    VirtualMachine vm = runtime.createVM(account("a3")).join();

    CompletableFuture<CommandResult> deposit = runtime.sendMessage(Bank.deposit("a3", 5));
    StoredState read = vm.readState().join();

    assertThat(deposit).isCompleted();
    assertThat(read.version()).isEqualTo(2);
    assertThat(read.state()).containsEntry("balance", 5L);
  }

  @Test
  void readState_ofAStoppedVm_failsWithIllegalState_andActiveStateActivatesANewOne() {
    accepted(runtime.sendMessage(Bank.open("a4")));
    VirtualMachine vm = runtime.createVM(account("a4")).join();
    vm.stop().join();

    assertThatThrownBy(() -> vm.readState().join()).cause().isInstanceOf(IllegalStateException.class);
    StoredState read = runtime.activeState(account("a4")).join();
    assertThat(read.version()).isEqualTo(1);
    assertThat(runtime.getActiveVMs().get(account("a4"))).isNotSameAs(vm);
  }

  @Test
  void activeState_whileTheOldVmStillWritesItsFinalSnapshot_readsANewIncarnation() throws Exception {
    accepted(runtime.sendMessage(Bank.open("a7")));
    VirtualMachine old = runtime.createVM(account("a7")).join();
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    store.beforeSnapshot = id -> {
      writing.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    try {
      CompletableFuture<Void> stopped = old.stop();
      assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue(); // closed, and still registered until written

      // regression: the retry met the closed VM again, at once and on the same thread: a StackOverflowError
      StoredState read = runtime.activeState(account("a7")).get(10, TimeUnit.SECONDS);
      VirtualMachine created = runtime.createVM(account("a7")).get(10, TimeUnit.SECONDS);

      assertThat(read.version()).isEqualTo(1);
      assertThat(created).isNotSameAs(old);
      assertThat(stopped).isNotDone();
    } finally {
      release.countDown();
    }
  }

  @Test
  void activeState_whileTheStoreIsUnavailable_failsWithTheStoresOwnException() {
    accepted(runtime.sendMessage(Bank.open("a5")));
    runtime.createVM(account("a5")).join();
    store.beforeLatestVersion = id -> {
      throw new StoreUnavailableException("store down", null);
    };

    assertThatThrownBy(() -> runtime.activeState(account("a5")).join())
        .isInstanceOf(CompletionException.class).cause().isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("store down");
  }

  @Test
  void activeState_ofAnUnknownAggregateType_failsNamingIt_andAfterClose_failsWithIllegalState() {
    assertThatThrownBy(() -> runtime.activeState(ActorKey.of("Nope", "x")).join())
        .isInstanceOf(CompletionException.class).cause().isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("key.aggregateType");
    runtime.close();
    assertThatThrownBy(() -> runtime.activeState(account("a6")).join())
        .cause().isInstanceOf(IllegalStateException.class);
  }
}
