package dev.aether.model.exec;

import dev.aether.store.InMemoryReadModelStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.event.Event;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.FieldError;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.behavior.Effect;
import dev.aether.runtime.behavior.JavaBehavior;
import dev.aether.store.InMemoryEventStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ModelDrivenRuntimeTest {

  private final InMemoryEventStore store = InMemoryEventStore.create();
  private Runtime runtime = Runtime.builder().eventStore(store).build();

  @AfterEach
  void close() {
    runtime.close();
  }

  private Runtime started() {
    runtime.loadModel(BankModel.load());
    runtime.start();
    return runtime;
  }

  private CommandResult send(String actor, String command, Map<String, ?> payload) {
    return runtime.sendMessage(RuntimeMessage.of("Account", actor, command, payload)).join();
  }

  private Map<String, Object> state(String actor) {
    return runtime.createVM(ActorKey.of("Account", actor)).join().getState();
  }

  @Test
  void loadModel_runsAggregatesWithoutJavaBehaviour_fromTheModel() {
    assertThat(runtime.aggregateTypes()).as("no behaviour yet").isEmpty();
    started();
    assertThat(runtime.aggregateTypes()).containsExactly("Account");

    assertThat(send("a", "Open", Map.of("owner", "Ann", "initialDeposit", 100))).isInstanceOfSatisfying(
        Accepted.class, a -> assertThat(a.events()).extracting(Event::eventType).containsExactly("Opened", "Deposited"));
    assertThat(send("a", "Withdraw", Map.of("amount", 30)).isAccepted()).isTrue();

    assertThat(state("a")).containsEntry("open", true).containsEntry("owner", "Ann").containsEntry("balance", 70L);
    assertThat(ModelExecution.of(runtime)).isPresent();
  }

  @Test
  void optionalEmission_isSkippedWhenItsConditionIsFalse() {
    started();

    assertThat(send("a", "Open", Map.of("owner", "Ann"))).isInstanceOfSatisfying(Accepted.class,
        a -> assertThat(a.events()).extracting(Event::eventType).containsExactly("Opened"));
  }

  @Test
  void falseGuard_rejectsWithItsMessage_andStoresNothing() {
    started();
    send("a", "Open", Map.of("owner", "Ann", "initialDeposit", 10));
    long version = store.getLatestVersion("Account/a");

    CommandResult result = send("a", "Withdraw", Map.of("amount", 11));

    assertThat(result).isInstanceOfSatisfying(Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(RejectionReason.BUSINESS_RULE);
      assertThat(r.message()).isEqualTo("insufficient funds");
    });
    assertThat(store.getLatestVersion("Account/a")).isEqualTo(version);
    assertThat(send("b", "Deposit", Map.of("amount", 5))).isInstanceOfSatisfying(Rejected.class,
        r -> assertThat(r.message()).isEqualTo("the account is not open"));
  }

  @Test
  void invalidPayload_isRejectedBeforeTheActor_withFieldLevelErrors() {
    started();

    CommandResult result = send("a", "Open", Map.of("owner", "", "initialDeposit", "lots", "colour", "red"));

    assertThat(result).isInstanceOfSatisfying(Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(RejectionReason.INVALID_PAYLOAD);
      assertThat(r.fieldErrors()).extracting(FieldError::path).containsExactlyInAnyOrder(
          "payload.colour", "payload.owner", "payload.initialDeposit");
      assertThat(r.message()).contains("payload.initialDeposit: expected int, found string 'lots'")
          .contains("payload.owner: must have at least 1 character,");
    });
    assertThat(send("a", "Deposit", Map.of())).isInstanceOfSatisfying(Rejected.class, r -> assertThat(
        r.fieldErrors()).containsExactly(new FieldError("payload.amount", "required field is missing")));
    java.util.Map<String, Object> nullAmount = new java.util.HashMap<>();
    nullAmount.put("amount", null);
    assertThat(send("a", "Deposit", nullAmount)).isInstanceOfSatisfying(Rejected.class, r -> assertThat(
        r.fieldErrors()).containsExactly(new FieldError("payload.amount", "must not be null: the field is required")));
    assertThat(send("a", "Deposit", Map.of("amount", 0))).isInstanceOfSatisfying(Rejected.class,
        r -> assertThat(r.fieldErrors()).extracting(FieldError::problem).containsExactly("must be at least 1, was 0"));
    assertThat(send("a", "Transfer", Map.of("to", "b c", "amount", 1))).isInstanceOfSatisfying(Rejected.class,
        r -> assertThat(r.fieldErrors()).extracting(FieldError::path).containsExactly("payload.to"));
    assertThat(runtime.getActiveVMs()).isEmpty();
    assertThat(store.getLatestVersion("Account/a")).isZero();
  }

  @Test
  void expressionFailingAtRunTime_rejectsAsBehaviorFailed_namingItsPath_andStoresNothing() {
    runtime.loadModel(dev.aether.model.ModelLoader.fromYaml("""
        name: m
        aggregates:
          - name: Account
            state: [{name: n, type: int}]
            commands:
              - name: Note
                fields: [{name: note, type: string, optional: true}, {name: d, type: int}]
                guards: ["cmd.note != 'x'"]
                emits: [{event: Noted, data: {q: "100 / cmd.d"}}]
            events: [{name: Noted, fields: [{name: q, type: int}]}]
        """));
    runtime.start();

    assertThat(send("a", "Note", Map.of("d", 1))).isInstanceOfSatisfying(Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(RejectionReason.BEHAVIOR_FAILED);
      assertThat(r.message()).contains("aggregates.Account.commands.Note.guards[0]").contains("has(cmd.note)");
    });
    assertThat(send("a", "Note", Map.of("d", 0, "note", "y"))).isInstanceOfSatisfying(Rejected.class,
        r -> assertThat(r.message()).contains("aggregates.Account.commands.Note.emits[0].data.q")
            .contains("division by zero"));
    assertThat(store.getLatestVersion("Account/a")).isZero();
    assertThat(send("a", "Note", Map.of("d", 4, "note", "y"))).isInstanceOfSatisfying(Accepted.class,
        a -> assertThat(a.events().getFirst().data()).isEqualTo(Map.of("q", 25L)));
  }

  @Test
  void unknownCommandOrAggregate_isRejected_namingTheCommandsAClientMaySend() {
    String internalReceive = BankModel.yaml().replace("      - name: ReceiveTransfer\n",
        "      - name: ReceiveTransfer\n        internal: true\n");
    assertThat(internalReceive).isNotEqualTo(BankModel.yaml());
    runtime.loadModel(dev.aether.model.ModelLoader.fromYaml(internalReceive));
    runtime.start();

    assertThat(send("a", "Close", Map.of())).isInstanceOfSatisfying(Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(RejectionReason.UNKNOWN_COMMAND);
      assertThat(r.message()).endsWith("known: [Deposit, Open, Transfer, Withdraw]"); // not the internal one
    });
    assertThat(runtime.sendMessage(RuntimeMessage.of("Loan", "l", "Grant", Map.of())).join())
        .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.reason()).isEqualTo(RejectionReason.UNKNOWN_AGGREGATE));
  }

  @Test
  void transfer_isCreditedByThePolicy_withCausationCorrelationAndADeterministicCommandId() {
    List<RuntimeMessage> policyCommands = new java.util.concurrent.CopyOnWriteArrayList<>();
    runtime.close();
    runtime = Runtime.builder().eventStore(store).reactionGateway(recording(policyCommands)).build();
    started();
    send("a", "Open", Map.of("owner", "Ann", "initialDeposit", 100));
    send("b", "Open", Map.of("owner", "Bob"));

    CommandResult sent = runtime.sendMessage(RuntimeMessage.builder("Account", "a", "Transfer")
        .payload(Map.of("to", "b", "amount", 40)).correlationId("corr-1").build()).join();

    Event debit = ((Accepted) sent).events().getFirst();
    await().atMost(Duration.ofSeconds(5)).until(() -> store.getLatestVersion("Account/b") == 2);
    Event credit = store.getEvents("Account/b", 2).getFirst();
    assertThat(credit.eventType()).isEqualTo("TransferReceived");
    assertThat(credit.data()).containsEntry("from", "a").containsEntry("amount", 40L);
    String expectedId = PolicyRunner.commandId("creditTransfer", debit.id());
    assertThat(policyCommands).singleElement().satisfies(command -> {
      assertThat(command.commandId()).isEqualTo(expectedId);
      assertThat(command.causationId()).contains(debit.id());
      assertThat(command.correlationId()).contains("corr-1");
    });
    assertThat(credit.commandId()).contains(expectedId);
    assertThat(credit.correlationId()).contains("corr-1");
    assertThat(state("a")).containsEntry("balance", 60L);
    assertThat(state("b")).containsEntry("balance", 40L);
  }

  /** Starts the bank model with a host that records the policies' commands; returns the transfer's debit. */
  private Event transferWithMetadata(List<RuntimeMessage> policyCommands) {
    runtime.close();
    runtime = Runtime.builder().eventStore(store).reactionGateway(recording(policyCommands)).build();
    started();
    send("a", "Open", Map.of("owner", "Ann", "initialDeposit", 100));
    send("b", "Open", Map.of("owner", "Bob"));
    CommandResult sent = runtime.sendMessage(RuntimeMessage.builder("Account", "a", "Transfer")
        .payload(Map.of("to", "b", "amount", 40)).commandId("transfer-1").correlationId("corr-1").userId("ann")
        .traceId("trace-9").build()).join();
    await().atMost(Duration.ofSeconds(5)).until(() -> store.getLatestVersion("Account/b") == 2);
    return ((Accepted) sent).events().getFirst();
  }

  @Test
  void policyCommand_carriesTheCausingEventsId_andItsCorrelationUserAndTraceIds() {
    List<RuntimeMessage> policyCommands = new java.util.concurrent.CopyOnWriteArrayList<>();
    Event debit = transferWithMetadata(policyCommands);

    assertThat(debit.userId()).contains("ann");
    assertThat(policyCommands).singleElement().satisfies(command -> {
      assertThat(command.causationId()).contains(debit.id());
      assertThat(command.correlationId()).contains("corr-1");
      assertThat(command.userId()).contains("ann");
      assertThat(command.traceId()).contains("trace-9");
    });
    Event credit = store.getEvents("Account/b", 2).getFirst();
    assertThat(credit.correlationId()).contains("corr-1");
    assertThat(credit.userId()).contains("ann");
    assertThat(credit.traceId()).contains("trace-9");
  }

  /**
   * End to end: the policy's events are caused by the triggering event. Needs the runtime to keep an
   * explicit causation id of a message on its stored events (issue 9, section 4, first bullet).
   */
  @Test
  void policyProducedEvents_areCausedByTheTriggeringEvent_endToEnd() {
    Event debit = transferWithMetadata(new java.util.concurrent.CopyOnWriteArrayList<>());

    Event credit = store.getEvents("Account/b", 2).getFirst();
    assertThat(debit.causationId()).contains("transfer-1");
    assertThat(credit.causationId()).contains(debit.id());
    assertThat(credit.correlationId()).contains("corr-1");
    assertThat(credit.userId()).contains("ann");
    assertThat(credit.traceId()).contains("trace-9");
  }

  @Test
  void policyCommand_forAnEventWithoutCorrelation_isCorrelatedToTheEventsCommand() {
    PolicyProgram credit = CompiledModel.compile(BankModel.load()).policies().getFirst();
    Event withCorrelation = Event.builder().streamId("Account/a").eventType("TransferSent").version(1)
        .commandId("cmd-1").correlationId("corr-1").data(Map.of("to", "b", "amount", 5)).build();
    Event foreign = Event.builder().streamId("Account/a").eventType("TransferSent").version(1)
        .commandId("cmd-1").data(Map.of("to", "b", "amount", 5)).build();
    Event bare = Event.builder().streamId("Account/a").eventType("TransferSent").version(1)
        .data(Map.of("to", "b", "amount", 5)).build();

    assertThat(PolicyRunner.message(credit, withCorrelation).correlationId()).contains("corr-1");
    assertThat(PolicyRunner.message(credit, foreign).correlationId()).contains("cmd-1");
    assertThat(PolicyRunner.message(credit, bare).correlationId()).contains(bare.id());
    assertThat(PolicyRunner.message(credit, bare).userId()).isEmpty();
    assertThat(PolicyRunner.message(credit, bare).traceId()).isEmpty();
  }

  @Test
  void resentTransfer_triggersThePolicyAgain_butTheCreditIsAppliedOnce() {
    started();
    send("a", "Open", Map.of("owner", "Ann", "initialDeposit", 100));
    send("b", "Open", Map.of("owner", "Bob"));
    RuntimeMessage transfer = RuntimeMessage.builder("Account", "a", "Transfer")
        .payload(Map.of("to", "b", "amount", 40)).commandId("t-1").build();

    runtime.sendMessage(transfer).join();
    await().atMost(Duration.ofSeconds(5)).until(() -> store.getLatestVersion("Account/b") == 2);
    assertThat(runtime.sendMessage(transfer).join()).isInstanceOfSatisfying(Accepted.class,
        a -> assertThat(a.duplicate()).isTrue());
    ModelExecution execution = ModelExecution.of(runtime).orElseThrow();
    await().atMost(Duration.ofSeconds(5)).until(() -> execution.pendingPolicyDeliveries() == 0);

    assertThat(store.getLatestVersion("Account/b")).isEqualTo(2);
    assertThat(state("b")).containsEntry("balance", 40L);
    assertThat(execution.failedPolicyDeliveries()).isZero();
  }

  @Test
  void policyDeliveryCutShortByAStop_isMadeWhenTheRuntimeRestarts_fromItsCheckpoint() {
    InMemoryReadModelStore checkpoints = InMemoryReadModelStore.create();
    List<RuntimeMessage> stalled = new java.util.concurrent.CopyOnWriteArrayList<>();
    runtime.close();
    runtime = Runtime.builder().eventStore(store).readModelStore(checkpoints).reactionGateway(message -> {
      stalled.add(message);
      return new java.util.concurrent.CompletableFuture<>(); // the process stops before the reply
    }).build();
    started();
    send("a", "Open", Map.of("owner", "Ann", "initialDeposit", 100));
    send("b", "Open", Map.of("owner", "Bob"));
    send("a", "Transfer", Map.of("to", "b", "amount", 40));
    await().atMost(Duration.ofSeconds(5)).until(() -> stalled.size() == 1);
    runtime.close();
    assertThat(store.getLatestVersion("Account/b")).isEqualTo(1);

    runtime = Runtime.builder().eventStore(store).readModelStore(checkpoints).build();
    started();

    await().atMost(Duration.ofSeconds(5)).until(() -> store.getLatestVersion("Account/b") == 2);
    assertThat(store.getEvents("Account/b", 2).getFirst().commandId()).contains(stalled.getFirst().commandId());
    assertThat(state("b")).containsEntry("balance", 40L);
  }

  @Test
  void javaBehaviour_takesPrecedence_butCommandsAreStillCheckedAgainstTheModel() {
    JavaBehavior<Long> account = JavaBehavior.builder("Account", Long.class, 0L)
        .command("Deposit", Deposit.class, (s, c) -> Effect.persist(new Deposited(c.amount() * 2)))
        .command("Open", Open.class, (s, c) -> Effect.none())
        .command("Withdraw", Deposit.class, (s, c) -> Effect.none())
        .command("Transfer", Open.class, (s, c) -> Effect.none())
        .command("ReceiveTransfer", Open.class, (s, c) -> Effect.none())
        .event("Deposited", Deposited.class, (s, e) -> s + e.amount())
        .build();
    runtime.close();
    runtime = Runtime.builder().eventStore(store).behavior(account).build();
    started();

    assertThat(send("a", "Deposit", Map.of("amount", 5))).isInstanceOfSatisfying(Accepted.class,
        a -> assertThat(a.events().getFirst().data()).containsEntry("amount", 10L));
    assertThat(send("a", "Deposit", Map.of("amount", -5))).isInstanceOfSatisfying(Rejected.class,
        r -> assertThat(r.reason()).isEqualTo(RejectionReason.INVALID_PAYLOAD));
  }

  /** Passes everything through and records the commands policies send. */
  /** A reaction gateway that records the policies' commands and sends them to this test's runtime. */
  private dev.aether.runtime.CommandGateway recording(List<RuntimeMessage> sent) {
    return message -> {
      sent.add(message);
      return runtime.sendMessage(message);
    };
  }

  record Deposit(long amount) {}

  record Open(String owner) {}

  record Deposited(long amount) {}
}
