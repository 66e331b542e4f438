package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static dev.aether.runtime.Fixtures.join;
import static dev.aether.runtime.Fixtures.rejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The placement seam, the drain for handoffs and the command gateway face of the local runtime. */
class PlacementTest {

  private final TestStore store = new TestStore();
  private final Set<String> elsewhere = ConcurrentHashMap.newKeySet();
  private final Runtime runtime = Fixtures.runtime(store)
      .placement(key -> !elsewhere.contains(key.actorId())).build();

  @AfterEach
  void close() {
    runtime.close();
  }

  @Test
  void refusedActor_isAnsweredNotOwner_transient_andNeverActivated() {
    runtime.start();
    elsewhere.add("b");

    CommandResult.Rejected refused = rejected(runtime.sendMessage(Bank.open("b")));

    assertThat(refused.reason()).isEqualTo(RejectionReason.NOT_OWNER);
    assertThat(refused.isTransient()).isTrue();
    assertThat(refused.message()).contains("Account/b");
    assertThat(runtime.getActiveVMs()).isEmpty();
    assertThat(store.readsFrom).isEmpty();
    assertThat(store.appendCalls).hasValue(0);
  }

  @Test
  void placementSetLater_refusesFromNowOn_andAllowsAgainWhenChanged() {
    runtime.start();
    accepted(runtime.sendMessage(Bank.open("a")));

    runtime.setPlacement(key -> false);
    assertThat(rejected(runtime.sendMessage(Bank.deposit("a", 5))).reason()).isEqualTo(RejectionReason.NOT_OWNER);

    runtime.setPlacement(ActorPlacement.EVERYWHERE);
    assertThat(accepted(runtime.sendMessage(Bank.deposit("a", 5))).newVersion()).isEqualTo(2);
  }

  @Test
  void createVM_warmsUpAnActorThePlacementRefuses_forAnIncomingHandoff() {
    runtime.start();
    elsewhere.add("c");

    VirtualMachine vm = join(runtime.createVM(ActorKey.of(Bank.TYPE, "c")));

    assertThat(vm.isActive()).isTrue();
  }

  @Test
  void drain_commitsTheBatchInFlight_answersQueuedCommandsNotOwner_andSnapshots() throws Exception {
    runtime.start();
    accepted(runtime.sendMessage(Bank.open("d")));
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch appending = holdNextAppend(release);
    CompletableFuture<CommandResult> inFlight = runtime.sendMessage(Bank.deposit("d", 1));
    assertThat(appending.await(10, TimeUnit.SECONDS)).isTrue();
    List<CompletableFuture<CommandResult>> queued = List.of(runtime.sendMessage(Bank.deposit("d", 2)),
        runtime.sendMessage(Bank.deposit("d", 3)));
    elsewhere.add("d");

    CompletableFuture<Void> drained = runtime.drain(List.of(ActorKey.of(Bank.TYPE, "d"),
        ActorKey.of(Bank.TYPE, "never-active")));
    release.countDown();
    join(drained);

    assertThat(accepted(inFlight).newVersion()).isEqualTo(2);
    assertThat(queued).allSatisfy(f -> assertThat(rejected(f).reason()).isEqualTo(RejectionReason.NOT_OWNER));
    assertThat(store.getLatestVersion(Bank.stream("d"))).isEqualTo(2);
    assertThat(store.savedSnapshots).anySatisfy(s -> {
      assertThat(s.streamId()).isEqualTo(Bank.stream("d"));
      assertThat(s.version()).isEqualTo(2);
    });
    assertThat(runtime.getActiveVMs()).isEmpty();
    assertThat(rejected(runtime.sendMessage(Bank.deposit("d", 4))).reason()).isEqualTo(RejectionReason.NOT_OWNER);
  }

  @Test
  void commandsQueuedWhenThePlacementStopsAllowingTheActor_areNotDecided_evenWithoutADrain() throws Exception {
    // a node paused past its lease or cut off from the cluster: its shard went to another node while commands
    // waited in the mailbox and no drain ran here; deciding them could apply a command its new owner answered
    runtime.start();
    accepted(runtime.sendMessage(Bank.open("q")));
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch appending = holdNextAppend(release);
    CompletableFuture<CommandResult> inFlight = runtime.sendMessage(Bank.deposit("q", 1));
    assertThat(appending.await(10, TimeUnit.SECONDS)).isTrue();
    List<CompletableFuture<CommandResult>> queued = List.of(runtime.sendMessage(Bank.deposit("q", 2)),
        runtime.sendMessage(Bank.withdraw("q", 1_000)));
    elsewhere.add("q");
    release.countDown();

    assertThat(accepted(inFlight).newVersion()).isEqualTo(2);
    assertThat(queued).allSatisfy(f -> assertThat(rejected(f).reason()).isEqualTo(RejectionReason.NOT_OWNER));
    assertThat(store.getLatestVersion(Bank.stream("q"))).isEqualTo(2);
  }

  @Test
  void aBatchThatConflictsAfterThePlacementStoppedAllowingTheActor_isNotDecidedAgain() {
    // the new owner wrote while this node's commit was on its way: catching up and deciding again here could
    // apply a command that the new owner answered (a rejection writes nothing that would fence this node)
    runtime.start();
    accepted(runtime.sendMessage(Bank.open("r")));
    store.beforeAppend = id -> {
      store.beforeAppend = x -> {};
      store.foreignAppend(id, "Deposited", Map.of("amount", 100));
      elsewhere.add("r");
    };

    CommandResult.Rejected refused = rejected(runtime.sendMessage(Bank.deposit("r", 5)));

    assertThat(refused.reason()).isEqualTo(RejectionReason.NOT_OWNER);
    assertThat(refused.message()).contains("nothing was stored");
    assertThat(store.getLatestVersion(Bank.stream("r"))).as("only the other writer's deposit").isEqualTo(2);
    elsewhere.remove("r");
    assertThat(accepted(runtime.sendMessage(Bank.deposit("r", 5))).newVersion())
        .as("served here again, the actor caught up first").isEqualTo(3);
  }

  @Test
  void runtimeIsACommandGateway_forCodeThatOnlySendsCommands() {
    runtime.start();
    CommandGateway gateway = runtime;

    assertThat(accepted(gateway.sendMessage(Bank.open("g"))).newVersion()).isEqualTo(1);
  }

  @Test
  void nullPlacementOrKeys_areRefusedByName() {
    assertThatThrownBy(() -> runtime.setPlacement(null)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("placement");
    assertThatThrownBy(() -> runtime.drain(null)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("keys");
    assertThatThrownBy(() -> runtime.setReactionPlacement(null)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("placement");
  }

  /** Holds the next append until {@code release} opens; the latch returned opens once the append is held. */
  private CountDownLatch holdNextAppend(CountDownLatch release) {
    CountDownLatch appending = new CountDownLatch(1);
    store.beforeAppend = id -> {
      store.beforeAppend = x -> {};
      appending.countDown();
      await(release);
    };
    return appending;
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
