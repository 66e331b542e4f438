package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static dev.aether.runtime.Fixtures.join;
import static dev.aether.runtime.Fixtures.rejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.event.ActorSnapshot;
import dev.aether.event.Event;
import dev.aether.runtime.behavior.Effect;
import dev.aether.store.EventStored;
import dev.aether.store.InMemoryEventStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 §1: an actor never stays stuck. A VM or snapshot that claims a version the store does not have is
 * never trusted; {@code processEvent} applies stored events only; an {@link Error} in a behaviour does not
 * wedge the mailbox.
 */
class StuckActorTest {

  private final TestStore store = new TestStore();
  private final ManualTime time = new ManualTime();
  private Runtime runtime;

  @AfterEach
  void close() {
    if (runtime != null) {
      runtime.close();
    }
  }

  private void start(Runtime.Builder builder) {
    runtime = builder.clock(time).scheduler(time).build();
    runtime.start();
  }

  private void start() {
    start(Fixtures.runtime(store));
  }

  private VirtualMachine vm(String id) {
    return runtime.registry().get(ActorKey.of(Bank.TYPE, id)).orElseThrow();
  }

  private static Event deposited(String id, long version, long amount) {
    return Event.builder().eventType("Deposited").streamId(Bank.stream(id)).version(version)
        .data(Map.of("amount", amount)).build();
  }

  private static ActorSnapshot snapshot(String id, long version, long balance, String lastEventId) {
    Map<String, Object> envelope = new java.util.LinkedHashMap<>();
    envelope.put("state", Map.of("open", true, "owner", "o", "balance", balance));
    envelope.put("recentCommands", List.of());
    if (lastEventId != null) {
      envelope.put("lastEventId", lastEventId);
    }
    return new ActorSnapshot(Bank.stream(id), version, envelope, Instant.now(),
        "aether.rt1:" + Bank.behavior().schema());
  }

  @Test
  void processEvent_ofAnEventNeverStored_isRefused_andTheNextCommandSucceeds_alsoAfterARestart() {
    start();
    accepted(runtime.sendMessage(Bank.open("never")));
    VirtualMachine vm = vm("never");

    assertThatThrownBy(() -> vm.processEvent(deposited("never", 2, 50)).get())
        .isInstanceOf(ExecutionException.class).cause()
        .isInstanceOfSatisfying(UnexpectedEventException.class, e -> {
          assertThat(e.field()).isEqualTo("event.version");
          assertThat(e.vmVersion()).isEqualTo(1);
          assertThat(e.eventVersion()).isEqualTo(2);
          assertThat(e.expectedVersion()).isEmpty();
        })
        .hasMessageContaining("Account/never").hasMessageContaining("no event v2");
    assertThat(vm.getVersion()).isEqualTo(1);

    assertThat(accepted(runtime.sendMessage(Bank.deposit("never", 5))).newVersion()).isEqualTo(2);
    runtime.close();
    start();
    assertThat(accepted(runtime.sendMessage(Bank.deposit("never", 5))).newVersion()).isEqualTo(3);
    assertThat(vm("never").getState()).containsEntry("balance", 10L);
  }

  @Test
  void processEvent_thatSkipsAStoredEvent_isRefusedNamingTheExpectedVersion() {
    start();
    accepted(runtime.sendMessage(Bank.open("gap")));
    VirtualMachine vm = vm("gap");
    Event second = deposited("gap", 2, 1);
    Event third = deposited("gap", 3, 10);
    store.inner.append(Bank.stream("gap"), 1, List.of(second, third));

    assertThatThrownBy(() -> vm.processEvent(third).get()).cause()
        .isInstanceOfSatisfying(UnexpectedEventException.class, e -> {
          assertThat(e.expectedVersion()).hasValue(2);
          assertThat(e.eventVersion()).isEqualTo(3);
        });
    assertThat(vm.getVersion()).isEqualTo(1);

    assertThat(join(vm.processEvent(second))).isTrue();
    assertThat(join(vm.processEvent(third))).isTrue();
    assertThat(vm.getState()).containsEntry("balance", 11L);
  }

  @Test
  void processEvent_ofAnotherEventThanTheStoredOneAtItsVersion_isRefused() {
    start();
    accepted(runtime.sendMessage(Bank.open("other")));
    VirtualMachine vm = vm("other");
    store.inner.append(Bank.stream("other"), 1, List.of(deposited("other", 2, 1)));

    assertThatThrownBy(() -> vm.processEvent(deposited("other", 2, 1_000)).get()).cause()
        .isInstanceOfSatisfying(UnexpectedEventException.class,
            e -> assertThat(e.field()).isEqualTo("event.id"));
    assertThat(vm.getVersion()).isEqualTo(1);
  }

  @Test
  void snapshotAheadOfTheEvents_isDiscarded_andTheNextCommandSucceeds() {
    store.foreignAppend(Bank.stream("ahead"), "Opened", Map.of("owner", "o"));
    store.foreignAppend(Bank.stream("ahead"), "Deposited", Map.of("amount", 3));
    store.inner.saveSnapshot(snapshot("ahead", 10, 999, null));
    start();

    CommandResult.Accepted r = accepted(runtime.sendMessage(Bank.deposit("ahead", 1)));

    assertThat(r.newVersion()).isEqualTo(3);
    assertThat(vm("ahead").getState()).containsEntry("balance", 4L);
    assertThat(store.events(Bank.stream("ahead"))).extracting(Event::version).containsExactly(1L, 2L, 3L);
  }

  @Test
  void snapshotWhoseEventIsNotTheStoredOne_isDiscarded() {
    // the store was rebuilt since the snapshot: it has a v2, but not the snapshot's v2
    store.foreignAppend(Bank.stream("rebuilt"), "Opened", Map.of("owner", "o"));
    store.foreignAppend(Bank.stream("rebuilt"), "Deposited", Map.of("amount", 3));
    store.inner.saveSnapshot(snapshot("rebuilt", 2, 999, "0190aaaa-0000-7000-8000-000000000000"));
    start();

    accepted(runtime.sendMessage(Bank.deposit("rebuilt", 1)));

    assertThat(vm("rebuilt").getState()).containsEntry("balance", 4L);
  }

  @Test
  void snapshotWrittenByTheRuntime_recordsItsEvent_andIsTrustedOnActivation() {
    start();
    accepted(runtime.sendMessage(Bank.open("own")));
    accepted(runtime.sendMessage(Bank.deposit("own", 7)));
    join(runtime.stopVM(ActorKey.of(Bank.TYPE, "own")));
    ActorSnapshot saved = store.inner.getLatestSnapshot(Bank.stream("own")).orElseThrow();
    assertThat(saved.state()).containsEntry("lastEventId", store.events(Bank.stream("own")).getLast().id());
    store.readsFrom.clear();

    accepted(runtime.sendMessage(Bank.deposit("own", 1)));

    assertThat(store.readsFrom).containsExactly(2L);
    assertThat(vm("own").getState()).containsEntry("balance", 8L);
  }

  @Test
  void storeThatLostEvents_whileTheVmIsActive_isReadAgain_andTheNextCommandSucceeds() {
    start();
    accepted(runtime.sendMessage(Bank.open("lost")));
    accepted(runtime.sendMessage(Bank.deposit("lost", 100)));
    // events removed behind the runtime's back (a stream limit such as maxAge): only the first remains
    InMemoryEventStore shrunk = InMemoryEventStore.create();
    shrunk.append(Bank.stream("lost"), 0, store.events(Bank.stream("lost")).subList(0, 1));
    store.inner = shrunk;

    CommandResult.Accepted r = accepted(runtime.sendMessage(Bank.deposit("lost", 1)));

    assertThat(r.newVersion()).isEqualTo(2);
    assertThat(vm("lost").getState()).containsEntry("balance", 1L);
  }

  @Test
  void rejectionWithoutEvents_doesNotRestOnAVmAheadOfItsStore() {
    start();
    accepted(runtime.sendMessage(Bank.open("ahead-rule")));
    accepted(runtime.sendMessage(Bank.deposit("ahead-rule", 100)));
    InMemoryEventStore shrunk = InMemoryEventStore.create();
    shrunk.append(Bank.stream("ahead-rule"), 0, store.events(Bank.stream("ahead-rule")).subList(0, 1));
    store.inner = shrunk;

    CommandResult.Rejected r = rejected(runtime.sendMessage(Bank.withdraw("ahead-rule", 500)));

    assertThat(r.reason()).isEqualTo(RejectionReason.BUSINESS_RULE);
    assertThat(r.message()).contains("balance 0");
    assertThat(vm("ahead-rule").getVersion()).isEqualTo(1);
  }

  @Test
  void noticeOfAVersionTheStoreDoesNotHave_costsOneCatchUp_notOnePerCommand() {
    start();
    accepted(runtime.sendMessage(Bank.open("bogus")));
    runtime.onEventStored(new EventStored("e-1", Bank.stream("bogus"), 1_000, Instant.now()));
    store.readsFrom.clear();

    for (int i = 0; i < 3; i++) {
      accepted(runtime.sendMessage(Bank.deposit("bogus", 1)));
    }

    assertThat(store.readsFrom).hasSize(1);
  }

  @Test
  void behaviourThrowingAnError_rejectsOnlyThatCommand_andTheActorGoesOn() {
    start(Runtime.builder().eventStore(store).behavior(Bank.builder()
        .command("Crash", Bank.Touch.class, (s, c) -> {
          throw new AssertionError("a bug in the behaviour");
        }).build()));
    accepted(runtime.sendMessage(Bank.open("err")));

    CommandResult.Rejected r = rejected(runtime.sendMessage(RuntimeMessage.of(Bank.TYPE, "err", "Crash", Map.of())));

    assertThat(r.reason()).isEqualTo(RejectionReason.BEHAVIOR_FAILED);
    assertThat(r.isTransient()).isFalse();
    assertThat(r.message()).contains("a bug in the behaviour");
    assertThat(accepted(runtime.sendMessage(Bank.deposit("err", 1))).newVersion()).isEqualTo(2);
  }

  @Test
  void storedEventWhoseReplayOverflowsTheStack_failsActivationNonTransiently_andTheActorStaysUsable() {
    store.foreignAppend(Bank.stream("deep"), "Opened", Map.of("owner", "o"));
    store.foreignAppend(Bank.stream("deep"), "Deep", Map.of());
    start(Runtime.builder().eventStore(store).behavior(Bank.builder()
        .event("Deep", Bank.Touch.class, (s, e) -> {
          throw new StackOverflowError();
        }).build()));

    CommandResult.Rejected first = rejected(runtime.sendMessage(Bank.deposit("deep", 1)));
    CommandResult.Rejected second = rejected(runtime.sendMessage(Bank.deposit("deep", 1)));

    assertThat(first.reason()).isEqualTo(RejectionReason.BEHAVIOR_FAILED);
    assertThat(first.message()).contains("Deep").contains("v2").contains("Account/deep");
    assertThat(second.reason()).isEqualTo(RejectionReason.BEHAVIOR_FAILED);
  }

  @Test
  void undecodableStoredRecord_failsActivation_namingTheActorAndPosition() {
    store.foreignAppend(Bank.stream("bad"), "Opened", Map.of("owner", "o"));
    store.foreignAppend(Bank.stream("bad"), "Deposited", Map.of("amount", 1));
    store.undecodable.add(2L);
    start();

    CommandResult.Rejected r = rejected(runtime.sendMessage(Bank.deposit("bad", 1)));

    assertThat(r.reason()).isEqualTo(RejectionReason.STORE_FAILED);
    assertThat(r.isTransient()).isFalse();
    assertThat(r.message()).contains("Account/bad").contains("position 1002");
    assertThat(store.events(Bank.stream("bad"))).hasSize(2);
  }

  @Test
  void resentCommand_whoseEventsCannotBeDecoded_isRejected_notAnsweredWithoutThem() {
    start();
    accepted(runtime.sendMessage(Bank.open("dup")));
    accepted(runtime.sendMessage(Bank.deposit("dup", 5, "cmd-5")));
    store.undecodable.add(2L);

    CommandResult.Rejected r = rejected(runtime.sendMessage(Bank.deposit("dup", 5, "cmd-5")));

    assertThat(r.reason()).isEqualTo(RejectionReason.STORE_FAILED);
    assertThat(r.message()).contains("cmd-5").contains("position 1002");
  }
}
