package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static dev.aether.runtime.Fixtures.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.event.Event;
import dev.aether.runtime.behavior.Effect;
import dev.aether.runtime.behavior.JavaBehavior;
import dev.aether.store.EventStored;
import dev.aether.store.InMemoryEventStore;
import dev.aether.store.StoreUnavailableException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConflictTest {

  private TestStore store = new TestStore();
  private Runtime runtime;

  @AfterEach
  void close() {
    runtime.close();
  }

  private void start(RuntimeConfig config) {
    runtime = Fixtures.runtime(store).config(config).build();
    runtime.start();
  }

  @Test
  void rejectionOnAStaleState_isDecidedAgainOnTheLatestStoredState() {
    start(RuntimeConfig.defaults());
    accepted(runtime.sendMessage(Bank.open("c1")));
    store.foreignAppend("Account/c1", "Deposited", Map.of("amount", 100));
    int appendsBefore = store.appendCalls.get();

    CommandResult.Accepted r = accepted(runtime.sendMessage(Bank.withdraw("c1", 60)));

    assertThat(r.newVersion()).isEqualTo(3);
    assertThat(store.appendCalls.get() - appendsBefore).isEqualTo(1);
    assertThat(state("c1")).containsEntry("balance", 40L);
  }

  record Wallet(long balance) {}

  record Spend(long amount) {}

  record Spent(long amount) {}

  record Funded(long amount) {}

  @Test
  void aFieldRefusalOnAStaleState_isDecidedAgainOnTheLatestStoredState() {
    // a handler's Effect.invalid may rest on the state, as a business rule does: it is not answered on a state
    // another writer has moved
    runtime = Runtime.builder().eventStore(store).behavior(JavaBehavior.builder("Wallet", Wallet.class,
            new Wallet(0))
        .command("Spend", Spend.class, (s, c) -> c.amount() > s.balance()
            ? Effect.invalid(new FieldError("payload.amount", "more than the balance of " + s.balance()))
            : Effect.persist(new Spent(c.amount())))
        .event("Spent", Spent.class, (s, e) -> new Wallet(s.balance() - e.amount()))
        .event("Funded", Funded.class, (s, e) -> new Wallet(s.balance() + e.amount()))
        .build()).build();
    runtime.start();
    store.foreignAppend("Wallet/w1", "Funded", Map.of("amount", 10));
    assertThat(rejected(runtime.sendMessage(RuntimeMessage.of("Wallet", "w1", "Spend", Map.of("amount", 50))))
        .reason()).isEqualTo(RejectionReason.INVALID_PAYLOAD); // the VM is active now, at v1
    store.foreignAppend("Wallet/w1", "Funded", Map.of("amount", 100));

    CommandResult.Accepted r = accepted(runtime.sendMessage(RuntimeMessage.of("Wallet", "w1", "Spend",
        Map.of("amount", 50))));

    assertThat(r.newVersion()).isEqualTo(3);
  }

  @Test
  void conflict_onAppend_isRetriedAfterCatchingUp() {
    start(RuntimeConfig.defaults());
    accepted(runtime.sendMessage(Bank.open("c2")));
    store.beforeAppend = id -> {
      store.beforeAppend = x -> {};
      store.foreignAppend(id, "Deposited", Map.of("amount", 100));
    };
    int appendsBefore = store.appendCalls.get();

    CommandResult.Accepted r = accepted(runtime.sendMessage(Bank.deposit("c2", 5)));

    assertThat(store.appendCalls.get() - appendsBefore).isEqualTo(2);
    assertThat(r.newVersion()).isEqualTo(3);
    assertThat(state("c2")).containsEntry("balance", 105L);
    assertThat(store.events("Account/c2")).extracting(Event::version).containsExactly(1L, 2L, 3L);
  }

  @Test
  void conflict_afterTheRetries_isReportedAsATypedConflict_andNothingOfOursIsStored() {
    start(RuntimeConfig.builder().conflictRetries(2).build());
    accepted(runtime.sendMessage(Bank.open("c3")));
    store.beforeAppend = id -> store.foreignAppend(id, "Deposited", Map.of("amount", 1));
    int appendsBefore = store.appendCalls.get();

    CommandResult.Rejected r = rejected(runtime.sendMessage(Bank.deposit("c3", 5, "mine")));

    assertThat(r.reason()).isEqualTo(RejectionReason.CONFLICT);
    assertThat(r.isTransient()).isTrue();
    assertThat(r.message()).contains("Account/c3").contains("3 time(s)");
    assertThat(store.appendCalls.get() - appendsBefore).isEqualTo(3);
    assertThat(store.events("Account/c3")).noneMatch(e -> e.commandId().filter("mine"::equals).isPresent());
  }

  @Test
  void conflictReported_withoutRetries_leftTheActorStale_soItConflictedForever() {
    // regression: a conflict reported after the last retry did not mark the actor stale, so with
    // conflictRetries = 0 every later command was decided on the old state again and conflicted again
    start(RuntimeConfig.builder().conflictRetries(0).build());
    accepted(runtime.sendMessage(Bank.open("c6")));
    store.foreignAppend("Account/c6", "Deposited", Map.of("amount", 10));
    assertThat(rejected(runtime.sendMessage(Bank.deposit("c6", 5))).reason()).isEqualTo(RejectionReason.CONFLICT);
    int appendsBefore = store.appendCalls.get();

    CommandResult.Accepted r = accepted(runtime.sendMessage(Bank.deposit("c6", 5)));

    assertThat(r.newVersion()).isEqualTo(3);
    assertThat(store.appendCalls.get() - appendsBefore).as("caught up first: no second conflict").isEqualTo(1);
    assertThat(state("c6")).containsEntry("balance", 15L);
  }

  @Test
  void resentCommand_appliedByAnotherWriter_wasRejectedOnTheStaleState_withoutRetries() {
    // regression: the freshness check of a rejection used the conflict-retry budget, so with
    // conflictRetries = 0 a command another writer had applied, resent here, was decided again on the old
    // state and answered with a final rejection (insufficient funds) instead of its first outcome
    start(RuntimeConfig.builder().conflictRetries(0).build());
    accepted(runtime.sendMessage(Bank.open("c7")));
    accepted(runtime.sendMessage(Bank.deposit("c7", 50)));
    store.inner.append("Account/c7", 2, List.of(
        foreign("Account/c7", 3, "Deposited", 100, "other-deposit"),
        foreign("Account/c7", 4, "Withdrawn", 120, "w-1")));

    CommandResult.Accepted r = accepted(runtime.sendMessage(RuntimeMessage.builder("Account", "c7", "Withdraw")
        .payload(Map.of("amount", 120)).commandId("w-1").build()));

    assertThat(r.duplicate()).isTrue();
    assertThat(r.newVersion()).isEqualTo(4);
    assertThat(store.events("Account/c7")).hasSize(4);
    assertThat(state("c7")).containsEntry("balance", 30L);
  }

  @Test
  void resentCommand_appliedByAnotherWriter_whileTheStoreCannotBeRead_isAnsweredUnavailable_notRejected() {
    // regression (a cluster node whose connection closed under it): when the freshness read failed, the
    // rejection stood on the stale state, so a resent command another writer had applied was answered with a
    // final business rejection (insufficient funds) although its events were stored
    start(RuntimeConfig.defaults());
    accepted(runtime.sendMessage(Bank.open("c8")));
    accepted(runtime.sendMessage(Bank.deposit("c8", 50)));
    store.inner.append("Account/c8", 2, List.of(
        foreign("Account/c8", 3, "Deposited", 100, "other-deposit"),
        foreign("Account/c8", 4, "Withdrawn", 120, "w-1")));
    store.beforeLatestVersion = id -> {
      throw new StoreUnavailableException("connection closed", null);
    };
    RuntimeMessage resent = RuntimeMessage.builder("Account", "c8", "Withdraw")
        .payload(Map.of("amount", 120)).commandId("w-1").build();

    CommandResult.Rejected unconfirmed = rejected(runtime.sendMessage(resent));

    assertThat(unconfirmed.reason()).isEqualTo(RejectionReason.STORE_UNAVAILABLE);
    assertThat(unconfirmed.isTransient()).isTrue();
    assertThat(unconfirmed.message()).contains("Account/c8").contains("connection closed");

    store.beforeLatestVersion = id -> {};
    CommandResult.Accepted r = accepted(runtime.sendMessage(resent));

    assertThat(r.duplicate()).isTrue();
    assertThat(r.newVersion()).isEqualTo(4);
    assertThat(store.events("Account/c8")).hasSize(4);
  }

  @Test
  void eventStoredNotice_fromAnotherWriter_isAppliedBeforeTheNextDecision() {
    AtomicReference<Runtime> ref = new AtomicReference<>();
    store = new TestStore(InMemoryEventStore.withListener(notice -> {
      Runtime r = ref.get();
      if (r != null) {
        r.onEventStored(notice);
      }
    }));
    start(RuntimeConfig.builder().conflictRetries(0).build());
    ref.set(runtime);
    accepted(runtime.sendMessage(Bank.open("c4")));
    store.foreignAppend("Account/c4", "Deposited", Map.of("amount", 50));

    CommandResult.Accepted r = accepted(runtime.sendMessage(Bank.withdraw("c4", 50)));

    assertThat(r.newVersion()).isEqualTo(3);
    assertThat(store.appendCalls).hasValue(2);
    assertThat(store.latestVersionCalls).as("no freshness check was needed").hasValue(0);
  }

  @Test
  void rejection_rightAfterActivationOrCatchUp_needsNoFreshnessCheck() {
    AtomicReference<Runtime> ref = new AtomicReference<>();
    store = new TestStore(InMemoryEventStore.withListener(notice -> {
      Runtime r = ref.get();
      if (r != null) {
        r.onEventStored(notice);
      }
    }));
    start(RuntimeConfig.defaults());
    ref.set(runtime);
    store.foreignAppend("Account/c8", "Opened", Map.of("owner", "x"));

    rejected(runtime.sendMessage(Bank.withdraw("c8", 1))); // decided right after activation
    store.foreignAppend("Account/c8", "Deposited", Map.of("amount", 5));
    rejected(runtime.sendMessage(Bank.withdraw("c8", 6))); // decided right after catching up from the notice

    assertThat(store.latestVersionCalls).hasValue(0);
    rejected(runtime.sendMessage(Bank.withdraw("c8", 6))); // decided on a state nobody just read
    assertThat(store.latestVersionCalls).hasValue(1);
  }

  @Test
  void eventStoredNotice_forAnInactiveOrUpToDateActor_isHarmless() {
    start(RuntimeConfig.defaults());
    runtime.onEventStored(new EventStored("e", "Account/nobody", 4, java.time.Instant.now()));
    accepted(runtime.sendMessage(Bank.open("c5")));
    runtime.onEventStored(new EventStored("e", "Account/c5", 1, java.time.Instant.now()));
    int readsBefore = store.readsFrom.size();

    accepted(runtime.sendMessage(Bank.deposit("c5", 1)));

    assertThat(store.readsFrom).hasSize(readsBefore);
    assertThat(runtime.getActiveVMs()).containsOnlyKeys(ActorKey.of("Account", "c5"));
  }

  private static Event foreign(String actorId, long version, String type, long amount, String commandId) {
    return Event.builder().eventType(type).streamId(actorId).version(version).data(Map.of("amount", amount))
        .commandId(commandId).build();
  }

  private Map<String, Object> state(String id) {
    return runtime.registry().get(ActorKey.of("Account", id)).orElseThrow().getState();
  }
}
