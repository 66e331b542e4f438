package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static dev.aether.runtime.Fixtures.join;
import static dev.aether.runtime.Fixtures.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.event.Event;
import dev.aether.event.EventMetadata;
import dev.aether.event.PayloadLimits;
import dev.aether.runtime.behavior.Effect;
import dev.aether.runtime.behavior.JavaBehavior;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RuntimeLifecycleTest {

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

  @Test
  void message_forInactiveActor_activatesDecidesStoresAndReplies() {
    CommandResult.Accepted opened = accepted(runtime.sendMessage(Bank.open("a1")));
    CommandResult.Accepted deposited = accepted(runtime.sendMessage(Bank.deposit("a1", 70)));

    assertThat(opened.newVersion()).isEqualTo(1);
    assertThat(deposited.newVersion()).isEqualTo(2);
    assertThat(deposited.duplicate()).isFalse();
    assertThat(deposited.events()).singleElement().satisfies(e -> {
      assertThat(e.eventType()).isEqualTo("Deposited");
      assertThat(e.streamId()).isEqualTo("Account/a1");
      assertThat(e.version()).isEqualTo(2);
      assertThat(e.data()).isEqualTo(Map.of("amount", 70L));
    });
    assertThat(store.events("Account/a1")).extracting(Event::eventType).containsExactly("Opened", "Deposited");
    VirtualMachine vm = runtime.registry().get(ActorKey.of("Account", "a1")).orElseThrow();
    assertThat(vm.getVersion()).isEqualTo(2);
    assertThat(vm.getState()).containsEntry("balance", 70L).containsEntry("open", true);
    assertThat(vm.isActive()).isTrue();
  }

  @Test
  void activation_replaysStoredEvents() {
    store.foreignAppend("Account/a2", "Opened", Map.of("owner", "ann"));
    store.foreignAppend("Account/a2", "Deposited", Map.of("amount", 40));

    CommandResult.Accepted result = accepted(runtime.sendMessage(Bank.withdraw("a2", 30)));

    assertThat(result.newVersion()).isEqualTo(3);
    assertThat(runtime.registry().get(ActorKey.of("Account", "a2")).orElseThrow().getState())
        .containsEntry("balance", 10L).containsEntry("owner", "ann");
  }

  @Test
  void events_carryCommandIdAndMessageMetadata() {
    accepted(runtime.sendMessage(Bank.open("a3")));
    RuntimeMessage message = RuntimeMessage.builder("Account", "a3", "Deposit").payload(Map.of("amount", 5))
        .commandId("cmd-9").correlationId("corr-1").userId("u-7").traceId("t-1").build();

    Event event = accepted(runtime.sendMessage(message)).events().getFirst();

    assertThat(event.commandId()).contains("cmd-9");
    assertThat(event.correlationId()).contains("corr-1");
    assertThat(event.causationId()).contains("cmd-9");
    assertThat(event.userId()).contains("u-7");
    assertThat(event.traceId()).contains("t-1");
    Event opened = store.events("Account/a3").getFirst();
    assertThat(opened.metadata()).containsKey(EventMetadata.CORRELATION_ID);
    assertThat(opened.correlationId()).isEqualTo(opened.commandId());
  }

  @Test
  void commandsFromOneSender_areDecidedInOrder() {
    accepted(runtime.sendMessage(Bank.open("a4")));
    List<CompletableFuture<CommandResult>> replies = new ArrayList<>();
    for (int i = 1; i <= 200; i++) {
      replies.add(runtime.sendMessage(Bank.deposit("a4", i)));
    }
    replies.forEach(Fixtures::accepted);

    List<Long> amounts = store.events("Account/a4").stream().skip(1).map(e -> (Long) e.data().get("amount"))
        .toList();
    assertThat(amounts).hasSize(200).isSorted();
    assertThat(replies.stream().map(f -> ((CommandResult.Accepted) join(f)).newVersion()).toList()).isSorted();
  }

  @Test
  void manyActors_runInParallel_eachConsistent() {
    int actors = 40;
    int deposits = 25;
    List<CompletableFuture<CommandResult>> replies = new ArrayList<>();
    for (int a = 0; a < actors; a++) {
      replies.add(runtime.sendMessage(Bank.open("p" + a)));
    }
    for (int i = 0; i < deposits; i++) {
      for (int a = 0; a < actors; a++) {
        replies.add(runtime.sendMessage(Bank.deposit("p" + a, 2)));
      }
    }
    replies.forEach(Fixtures::accepted);

    for (int a = 0; a < actors; a++) {
      assertThat(store.events("Account/p" + a)).hasSize(deposits + 1);
      assertThat(runtime.registry().get(ActorKey.of("Account", "p" + a)).orElseThrow().getState())
          .containsEntry("balance", 2L * deposits);
    }
    assertThat(runtime.getActiveVMs()).hasSize(actors);
  }

  @Test
  void twoAggregateTypes_neverShareAStream() {
    runtime.register(JavaBehavior.builder("Wallet", Bank.AccountState.class, new Bank.AccountState(true, "", 0))
        .command("Deposit", Bank.Deposit.class, (s, c) -> Effect.persist(new Bank.Deposited(c.amount())))
        .event("Deposited", Bank.Deposited.class, (s, e) -> new Bank.AccountState(true, "", s.balance() + e.amount()))
        .build());
    accepted(runtime.sendMessage(Bank.open("same")));
    accepted(runtime.sendMessage(RuntimeMessage.of("Wallet", "same", "Deposit", Map.of("amount", 3))));

    assertThat(store.events("Account/same")).hasSize(1);
    assertThat(store.events("Wallet/same")).hasSize(1);
    assertThat(runtime.getActiveVMs()).containsKeys(ActorKey.of("Account", "same"), ActorKey.of("Wallet", "same"));
  }

  @Test
  void businessRule_rejectsWithReason_andStoresNothing() {
    accepted(runtime.sendMessage(Bank.open("b1")));

    CommandResult.Rejected r = rejected(runtime.sendMessage(Bank.withdraw("b1", 5)));

    assertThat(r.reason()).isEqualTo(RejectionReason.BUSINESS_RULE);
    assertThat(r.message()).contains("insufficient funds");
    assertThat(r.isTransient()).isFalse();
    assertThat(store.events("Account/b1")).hasSize(1);
  }

  @Test
  void unknownAggregate_isRejected_withoutActivatingAnything() {
    CommandResult.Rejected r = rejected(runtime.sendMessage(RuntimeMessage.of("Ship", "s1", "Sail", Map.of())));

    assertThat(r.reason()).isEqualTo(RejectionReason.UNKNOWN_AGGREGATE);
    assertThat(r.message()).contains("Ship").contains("Account");
    assertThat(runtime.getActiveVMs()).isEmpty();
  }

  @Test
  void unknownCommand_isRejected_andNothingIsStored() {
    CommandResult.Rejected r = rejected(runtime.sendMessage(RuntimeMessage.of("Account", "u1", "Close", Map.of())));

    assertThat(r.reason()).isEqualTo(RejectionReason.UNKNOWN_COMMAND);
    assertThat(r.message()).contains("Close").contains("Deposit");
    assertThat(store.events("Account/u1")).isEmpty();
  }

  @Test
  void payloadThatDoesNotMap_isRejectedNamingTheField_andActorStaysUsable() {
    accepted(runtime.sendMessage(Bank.open("v1")));

    CommandResult.Rejected wrongType = rejected(runtime.sendMessage(
        RuntimeMessage.of("Account", "v1", "Deposit", Map.of("amount", "ten"))));
    CommandResult.Rejected unknownField = rejected(runtime.sendMessage(
        RuntimeMessage.of("Account", "v1", "Deposit", Map.of("amount", 1, "currency", "EUR"))));
    CommandResult.Rejected missing = rejected(runtime.sendMessage(
        RuntimeMessage.of("Account", "v1", "Deposit", Map.of())));

    assertThat(wrongType.reason()).isEqualTo(RejectionReason.INVALID_PAYLOAD);
    assertThat(wrongType.fieldErrors()).extracting(FieldError::path).containsExactly("payload.amount");
    assertThat(unknownField.fieldErrors()).extracting(FieldError::path).containsExactly("payload.currency");
    assertThat(missing.fieldErrors()).extracting(FieldError::path).containsExactly("payload.amount");
    assertThat(missing.message()).contains("payload.amount");
    assertThat(store.events("Account/v1")).hasSize(1);
    assertThat(accepted(runtime.sendMessage(Bank.deposit("v1", 1))).newVersion()).isEqualTo(2);
  }

  @Test
  void behaviourThatThrows_isRejected_actorStaysUsable_nothingStored() {
    accepted(runtime.sendMessage(Bank.open("x1")));

    CommandResult.Rejected r = rejected(runtime.sendMessage(
        RuntimeMessage.of("Account", "x1", "Explode", Map.of("why", "test"))));

    assertThat(r.reason()).isEqualTo(RejectionReason.BEHAVIOR_FAILED);
    assertThat(r.message()).contains("boom: test");
    assertThat(store.events("Account/x1")).hasSize(1);
    assertThat(accepted(runtime.sendMessage(Bank.deposit("x1", 3))).newVersion()).isEqualTo(2);
  }

  @Test
  void anEventBeyondThePayloadLimits_isRejectedTooLarge_notAsABrokenBehaviour_andNothingIsStored() {
    // found by a new user: BEHAVIOR_FAILED (HTTP 500) for an event the limits refuse; the store's own commit
    // limit already answered TOO_LARGE (413)
    record Pad(int length) {}
    Runtime padded = Runtime.builder().eventStore(store).behavior(Bank.builder()
        .command("Pad", Pad.class, (s, c) -> Effect.persist(new Bank.Opened("x".repeat(c.length()))))
        .build()).build();
    padded.start();
    try {
      accepted(padded.sendMessage(Bank.open("big")));
      CommandResult.Rejected longString = rejected(padded.sendMessage(
          RuntimeMessage.of("Account", "big", "Pad", Map.of("length", PayloadLimits.DEFAULT_MAX_STRING_LENGTH + 1))));

      assertThat(longString.reason()).isEqualTo(RejectionReason.TOO_LARGE);
      assertThat(longString.isTransient()).isFalse();
      assertThat(longString.message()).contains("Pad", "data.owner", PayloadLimits.MAX_STRING_LENGTH_KEY);
      assertThat(store.events("Account/big")).hasSize(1);
      assertThat(accepted(padded.sendMessage(Bank.deposit("big", 3))).newVersion()).isEqualTo(2);
    } finally {
      padded.close();
    }
  }

  @Test
  void commandWithoutEvents_isAccepted_atTheCurrentVersion() {
    accepted(runtime.sendMessage(Bank.open("n1")));

    CommandResult.Accepted r = accepted(runtime.sendMessage(RuntimeMessage.of("Account", "n1", "Touch", Map.of())));

    assertThat(r.newVersion()).isEqualTo(1);
    assertThat(r.events()).isEmpty();
    assertThat(store.appendCalls).hasValue(1);
  }

  @Test
  void beforeStart_andAfterClose_messagesAreRejectedAsNotRunning() {
    Runtime idle = Fixtures.runtime(store).build();
    assertThat(rejected(idle.sendMessage(Bank.open("z"))).reason()).isEqualTo(RejectionReason.NOT_RUNNING);
    idle.start();
    idle.close();
    CommandResult.Rejected r = rejected(idle.sendMessage(Bank.open("z")));
    assertThat(r.reason()).isEqualTo(RejectionReason.NOT_RUNNING);
    assertThat(r.isTransient()).isTrue();
    assertThat(store.events("Account/z")).isEmpty();
  }

  @Test
  void registeringOnAClosedRuntime_isRefused_likeStartingIt() {
    Runtime closed = Runtime.builder().eventStore(store).build();
    closed.close();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> closed.register(Bank.behavior()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThat(closed.aggregateTypes()).doesNotContain("Account");
  }
}
