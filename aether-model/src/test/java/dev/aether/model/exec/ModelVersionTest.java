package dev.aether.model.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.runtime.InvalidModelException;
import dev.aether.model.Model;
import dev.aether.model.ModelLoader;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.ModelError;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.store.InMemoryEventStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ModelVersionTest {

  private final InMemoryEventStore store = InMemoryEventStore.create();
  private final Runtime runtime = Runtime.builder().eventStore(store).build();

  @AfterEach
  void close() {
    runtime.close();
  }

  /** Version 2 counts deposits in a new state field: its snapshots are not version 1's. */
  private static Model v2() {
    return ModelLoader.fromYaml(BankModel.yaml().replace("version: \"1\"", "version: \"2\"")
        .replace("      - {name: balance, type: int}\n", "      - {name: balance, type: int}\n"
            + "      - {name: deposits, type: int}\n")
        .replace("apply: {balance: \"state.balance + event.amount\"}\n      - name: Withdrawn",
            "apply: {balance: \"state.balance + event.amount\", deposits: \"state.deposits + 1\"}\n"
                + "      - name: Withdrawn"));
  }

  private Map<String, Object> state(String actor) {
    return runtime.createVM(ActorKey.of("Account", actor)).join().getState();
  }

  private void send(String command, Map<String, ?> payload) {
    assertThat(runtime.sendMessage(RuntimeMessage.of("Account", "a", command, payload)).join().isAccepted())
        .isTrue();
  }

  @Test
  void newVersion_withAnotherStateSchema_ignoresOldSnapshots_andReplaysTheEvents() {
    runtime.loadModel(BankModel.load());
    runtime.start();
    send("Open", Map.of("owner", "Ann", "initialDeposit", 10));
    send("Deposit", Map.of("amount", 5));
    runtime.stopVM(ActorKey.of("Account", "a")).join();
    assertThat(store.getLatestSnapshot("Account/a")).isPresent();

    runtime.loadModel(v2());

    assertThat(state("a")).containsEntry("balance", 15L).containsEntry("deposits", 2L);
    assertThat(runtime.model().orElseThrow().version()).isEqualTo("2");
  }

  @Test
  void newVersion_withAnotherApplyRule_ignoresOldSnapshots_soEveryActorFoldsItsHistoryByTheNewRule() {
    // found by a new user: an actor with a snapshot kept what the old rule folded, one without got the new rule
    runtime.loadModel(BankModel.load());
    runtime.start();
    send("Open", Map.of("owner", "Ann", "initialDeposit", 100));
    send("Withdraw", Map.of("amount", 10));
    runtime.stopVM(ActorKey.of("Account", "a")).join();
    assertThat(store.getLatestSnapshot("Account/a")).isPresent();
    Model fee = ModelLoader.fromYaml(BankModel.yaml().replace("version: \"1\"", "version: \"2\"")
        .replace("\"state.balance - event.amount\"", "\"state.balance - event.amount - 1\""));

    assertThat(CompiledModel.compile(fee).warningsReplacing(BankModel.load()))
        .filteredOn(w -> w.id().equals("apply-changed")).singleElement()
        .satisfies(w -> assertThat(w.path()).isEqualTo("aggregates.Account.events"));
    runtime.loadModel(fee);

    assertThat(state("a")).containsEntry("balance", 89L); // 100 - 10 - 1: the old withdrawal too, not 90
  }

  @Test
  void warningsReplacing_nameWhatTheNewVersionStopsDoingOrStartsRefusing() {
    // found by a new user: a removed policy, read model or command and a new invariant loaded without a word
    String v1 = BankModel.yaml();
    String policyName = BankModel.load().policies().getFirst().name();
    String withoutPolicy = v1.replaceAll("(?s)\npolicies:.*?(\nreadModels:|$)", "$1");
    String v2 = v1.replace("version: \"1\"", "version: \"2\"");
    Model previous = ModelLoader.fromYaml(v1);
    List<ModelError> removed = CompiledModel.fromYaml(withoutPolicy.replace("version: \"1\"", "version: \"2\""))
        .warningsReplacing(previous);
    assertThat(removed).filteredOn(w -> w.id().equals("policy-removed")).singleElement()
        .satisfies(w -> assertThat(w.path()).isEqualTo("policies." + policyName));
    String noWithdraw = v2.replaceAll("(?s)      - name: Withdraw\n.*?emits: \\[Withdrawn\\]\n", "");
    assertThat(noWithdraw).doesNotContain("name: Withdraw\n");
    assertThat(CompiledModel.fromYaml(noWithdraw).warningsReplacing(previous))
        .filteredOn(w -> w.id().equals("command-removed")).singleElement().satisfies(w -> {
          assertThat(w.path()).isEqualTo("aggregates.Account.commands");
          assertThat(w.message()).contains("Withdraw").contains("UNKNOWN_COMMAND");
        });
    String existing = "      - {expr: \"state.balance >= 0\", message: \"the balance must never be negative\"}\n";
    String invariant = v2.replace(existing, existing + "      - {expr: \"state.balance <= 1000000\", message: capped}\n");
    assertThat(invariant).isNotEqualTo(v2);
    assertThat(CompiledModel.fromYaml(invariant).warningsReplacing(previous))
        .filteredOn(w -> w.id().equals("invariant-added")).singleElement()
        .satisfies(w -> assertThat(w.message()).contains("state.balance <= 1000000").contains("BUSINESS_RULE"));
    assertThat(CompiledModel.fromYaml(invariant).warningsReplacing(ModelLoader.fromYaml(invariant)))
        .as("the same model: nothing new").isEmpty();
    assertThat(CompiledModel.fromYaml(v2).warningsReplacing(previous)).as("only the version changed").isEmpty();
  }

  @Test
  void newVersion_withTheSameStateSchema_keepsUsingSnapshots() {
    runtime.loadModel(BankModel.load());
    runtime.start();
    send("Open", Map.of("owner", "Ann", "initialDeposit", 10));
    runtime.stopVM(ActorKey.of("Account", "a")).join();
    String schema = store.getLatestSnapshot("Account/a").orElseThrow().schema();

    runtime.loadModel(ModelLoader.fromYaml(BankModel.yaml().replace("insufficient funds", "not enough money")));

    assertThat(runtime.sendMessage(RuntimeMessage.of("Account", "a", "Withdraw", Map.of("amount", 50))).join())
        .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.message()).isEqualTo("not enough money"));
    assertThat(CompiledModel.compile(BankModel.load()).behavior("Account").orElseThrow().schema())
        .isEqualTo(schema.substring(schema.indexOf("model:")));
  }

  @Test
  void brokenNewVersion_isRefused_andThePreviousOneKeepsRunning() {
    runtime.loadModel(BankModel.load());
    runtime.start();
    Model broken = new Model("bank", "3", BankModel.load().aggregates(), java.util.List.of(new dev.aether.model.PolicyDef(
        "p", "Account.Deposited", "event.amount", "Account.Withdraw", "actorId", Map.of())), java.util.List.of());

    assertThatThrownBy(() -> runtime.loadModel(broken)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.errors()).extracting(dev.aether.runtime.ModelError::path)
            .containsExactly("policies.p.condition"));

    assertThat(runtime.model().orElseThrow().version()).isEqualTo("1");
    send("Open", Map.of("owner", "Ann"));
  }

  @Test
  void warningsReplacing_namesAStateThatNoLongerFitsItsSnapshots_andAWidenedFieldIsNoChange() {
    Model v1 = BankModel.load();
    assertThat(CompiledModel.compile(v1).warningsReplacing(v1)).extracting(ModelError::id)
        .doesNotContain("state-changed");
    assertThat(CompiledModel.compile(v2()).warningsReplacing(v1)).filteredOn(w -> w.id().equals("state-changed"))
        .singleElement().satisfies(w -> {
          assertThat(w.path()).isEqualTo("aggregates.Account.state");
          assertThat(w.message()).contains("replays its whole history");
        });
    String counter = """
        name: counter
        version: "1"
        aggregates:
          - name: Counter
            state: [{name: n, type: double}]
            commands: [{name: Add, fields: [{name: by, type: int}], emits: [{event: Added, data: {by: cmd.by}}]}]
            events: [{name: Added, fields: [{name: by, type: %s}], apply: {n: "state.n + double(event.by)"}}]
        """;
    assertThat(CompiledModel.fromYaml(counter.formatted("double")).warningsReplacing(
        ModelLoader.fromYaml(counter.formatted("int")))).as("stored ints read as doubles").isEmpty();
  }

  @Test
  void constraintsOnAnEventsField_areNamedAsIgnored() {
    String model = BankModel.yaml().replace("      - name: Deposited\n        fields: [{name: amount, type: int}]",
        "      - name: Deposited\n        fields: [{name: amount, type: int, min: 5}]");
    assertThat(model).isNotEqualTo(BankModel.yaml());
    assertThat(CompiledModel.fromYaml(model).warnings()).filteredOn(w -> w.id().equals("ignored-constraint"))
        .singleElement().satisfies(w -> {
          assertThat(w.path()).isEqualTo("aggregates.Account.events.Deposited.fields.amount.min");
          assertThat(w.message()).contains("command's field");
        });
    assertThat(CompiledModel.compile(BankModel.load()).warnings()).extracting(ModelError::id)
        .doesNotContain("ignored-constraint");
  }

  @Test
  void warningsReplacing_namesThePoliciesThatWillRunOverTheWholeHistory() {
    Model v1 = BankModel.load();
    assertThat(CompiledModel.compile(v2()).warningsReplacing(v1)).extracting(ModelError::id)
        .as("the same policy under the same model").doesNotContain("policy-added", "policy-group-new");

    String renamedPolicy = BankModel.yaml().replace("name: creditTransfer", "name: creditTransfers");
    assertThat(CompiledModel.fromYaml(renamedPolicy).warningsReplacing(v1))
        .filteredOn(w -> w.id().equals("policy-added")).singleElement().satisfies(w -> {
          assertThat(w.path()).isEqualTo("policies.creditTransfers");
          assertThat(w.message()).contains("Account.TransferSent").contains("start: now").contains("second time");
        });
    assertThat(CompiledModel.fromYaml(renamedPolicy.replace("    then: Account.ReceiveTransfer\n",
        "    then: Account.ReceiveTransfer\n    start: now\n")).warningsReplacing(v1)).extracting(ModelError::id)
        .as("a new policy that starts at the end").doesNotContain("policy-added");

    String renamedModel = BankModel.yaml().replaceFirst("name: bank", "name: bank-2");
    assertThat(renamedModel).isNotEqualTo(BankModel.yaml());
    assertThat(CompiledModel.fromYaml(renamedModel).warningsReplacing(v1))
        .filteredOn(w -> w.id().equals("policy-group-new")).singleElement()
        .satisfies(w -> assertThat(w.message()).contains("bank -> bank-2").contains("creditTransfer"));
  }

  @Test
  void warningsReplacing_namesTheAggregatesAndEventsTheNewVersionNoLongerDeclares() {
    Model v1 = BankModel.load();
    assertThat(CompiledModel.compile(v1).warningsReplacing(v1)).as("the same model").isEqualTo(
        CompiledModel.compile(v1).warnings());
    assertThat(CompiledModel.compile(v2()).warningsReplacing(v1)).extracting(w -> w.id())
        .doesNotContain("event-removed", "aggregate-removed");

    String withoutWithdrawn = BankModel.yaml().replace("version: \"1\"", "version: \"3\"")
        .replaceAll("(?s)      - name: Withdraw\n.*?emits: \\[Withdrawn\\]\n", "")
        .replaceAll("(?s)      - name: Withdrawn\n.*?\n(      - name: )", "$1");
    assertThat(withoutWithdrawn).doesNotContain("Withdrawn");
    assertThat(CompiledModel.fromYaml(withoutWithdrawn).warningsReplacing(v1))
        .filteredOn(w -> w.id().equals("event-removed")).singleElement().satisfies(w -> {
          assertThat(w.path()).isEqualTo("aggregates.Account.events.Withdrawn");
          assertThat(w.message()).contains("Withdrawn").contains("BEHAVIOR_FAILED");
        });

    String counter = """
        name: counter
        version: "%s"
        aggregates:
          - name: Counter
            state: [{name: n, type: int}]
            commands:
              - name: Add
                fields: [{name: by, type: int}]
                emits: [{event: Added, data: {by: %s}}]
            events:
              - name: Added
                fields: [{name: by, type: %s}]
                apply: {n: "%s"}
        """;
    Model ints = ModelLoader.fromYaml(counter.formatted("1", "cmd.by", "integer", "state.n + event.by"));
    assertThat(CompiledModel.fromYaml(counter.formatted("2", "cmd.by", "int", "state.n + event.by"))
        .warningsReplacing(ints)).as("an alias is the same type").isEmpty();
    assertThat(CompiledModel.fromYaml(counter.formatted("3", "string(cmd.by)", "string", "state.n + int(event.by)"))
        .warningsReplacing(ints))
        .filteredOn(w -> w.id().equals("event-field-type-changed")).singleElement().satisfies(w -> {
          assertThat(w.path()).isEqualTo("aggregates.Counter.events.Added.fields.by");
          assertThat(w.message()).contains("as integer, not string");
        });
    String renamed = counter.replace("fields: [{name: by, type: %s}]", "fields: [{name: amount, type: %s}, "
        + "{name: note, type: string, optional: true}]").replace("data: {by: %s}", "data: {amount: %s}");
    assertThat(CompiledModel.fromYaml(renamed.formatted("4", "cmd.by", "int", "state.n + event.amount"))
        .warningsReplacing(ints)).extracting(w -> w.id() + " " + w.path())
        .containsExactly("apply-changed aggregates.Counter.events", // its apply reads another field
            "event-field-required aggregates.Counter.events.Added.fields.amount",
            "event-field-removed aggregates.Counter.events.Added.fields");
    String optional = counter.replace("fields: [{name: by, type: %s}]", "fields: [{name: by, type: %s, optional: true}]")
        .replace("apply: {n: \"%s\"}", "apply: {n: \"%s\"}");
    Model wasOptional = ModelLoader.fromYaml(optional.formatted("6", "cmd.by", "int", "has(event.by) ? state.n + event.by : state.n"));
    assertThat(CompiledModel.fromYaml(counter.formatted("7", "cmd.by", "int", "state.n + event.by"))
        .warningsReplacing(wasOptional)).extracting(w -> w.id() + " " + w.path())
        .containsExactly("apply-changed aggregates.Counter.events",
            "event-field-required aggregates.Counter.events.Added.fields.by");

    Model withLedger = ModelLoader.fromYaml(BankModel.yaml().replace("\npolicies:", "\n"
        + "  - name: Ledger\n"
        + "    state: [{name: n, type: int}]\n"
        + "    commands: [{name: Add, emits: [Added]}]\n"
        + "    events: [{name: Added, apply: {n: \"state.n + 1\"}}]\n"
        + "policies:"));
    assertThat(withLedger.aggregates()).hasSize(v1.aggregates().size() + 1);
    assertThat(CompiledModel.compile(v1).warningsReplacing(withLedger))
        .filteredOn(w -> w.id().equals("aggregate-removed")).singleElement()
        .satisfies(w -> assertThat(w.path()).isEqualTo("aggregates.Ledger"));
  }

  private static final String PAD = """
      name: notes
      version: "V"
      aggregates:
        - name: Pad
          commands:
            - name: Write
              emits: [{event: Written, data: {by: "'V'"}}]
          events:
            - name: Written
              fields: [{name: by, type: string}]
      """;

  private Object lastWrittenBy(String actor) {
    return store.getEvents("Pad/" + actor, 1).getLast().data().get("by");
  }

  private void write(String actor) {
    var result = runtime.sendMessage(RuntimeMessage.of("Pad", actor, "Write", Map.of())).join();
    assertThat(result.isAccepted()).as("%s", result).isTrue();
  }

  /** The actor is active and busy with the old version's commit when the new version loads (found in CI). */
  @Test
  void aCommandSentAfterLoadModelReturns_isDecidedByTheNewVersion_evenWhileTheOldVmFinishes() {
    runtime.loadModel(ModelLoader.fromYaml(PAD.replace("V", "0")));
    runtime.start();
    for (int v = 1; v <= 150; v++) {
      write("q");
      runtime.loadModel(ModelLoader.fromYaml(PAD.replace("V", Integer.toString(v))));
      write("q");
      assertThat(lastWrittenBy("q")).as("the command after loading version %d", v).isEqualTo(Integer.toString(v));
    }
    assertThat(store.getEvents("Pad/q", 1)).hasSize(300);
  }

  @Test
  void commandsInFlightWhileVersionsLoad_areEachDecidedOnce_inOneLinearHistory() throws Exception {
    runtime.loadModel(ModelLoader.fromYaml(PAD.replace("V", "0")));
    runtime.start();
    var sent = new java.util.concurrent.atomic.AtomicInteger();
    var stop = new java.util.concurrent.atomic.AtomicBoolean();
    Thread sender = Thread.ofVirtual().start(() -> {
      while (!stop.get()) {
        var pending = new java.util.ArrayList<java.util.concurrent.CompletableFuture<?>>();
        for (String actor : java.util.List.of("a", "b", "c", "d")) {
          pending.add(runtime.sendMessage(RuntimeMessage.of("Pad", actor, "Write", Map.of())).thenAccept(r -> {
            assertThat(r.isAccepted()).as("%s", r).isTrue();
            sent.incrementAndGet();
          }));
        }
        pending.forEach(java.util.concurrent.CompletableFuture::join);
      }
    });
    for (int v = 1; v <= 40; v++) {
      runtime.loadModel(ModelLoader.fromYaml(PAD.replace("V", Integer.toString(v))));
      int before = sent.get(); // commands flow under each version before the next one loads
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> sent.get() > before);
    }
    stop.set(true);
    sender.join();
    long stored = 0;
    for (String actor : java.util.List.of("a", "b", "c", "d")) {
      var events = store.getEvents("Pad/" + actor, 1);
      for (int i = 0; i < events.size(); i++) {
        assertThat(events.get(i).version()).isEqualTo(i + 1L);
      }
      stored += events.size();
      write(actor);
      assertThat(lastWrittenBy(actor)).isEqualTo("40");
    }
    assertThat(stored).isEqualTo(sent.get()).isPositive();
  }

  @Test
  void aJavaBehaviourRegisteredOverTheModel_decidesTheNextCommand() {
    runtime.loadModel(ModelLoader.fromYaml(PAD.replace("V", "0")));
    runtime.start();
    write("q");
    runtime.register(dev.aether.runtime.behavior.JavaBehavior.builder("Pad", String.class, "")
        .command("Write", Map.class, (s, c) -> dev.aether.runtime.behavior.Effect.persist(new Written("java")))
        .event("Written", Written.class, (s, e) -> e.by())
        .build());
    write("q");
    assertThat(lastWrittenBy("q")).isEqualTo("java");
  }

  /** Found by a model author: taking a default away, or changing it, and a rename with a default were silent. */
  @Test
  void warningsReplacing_followDefaults_andNameARemovedField() {
    String counter = """
        name: counter
        version: "1"
        aggregates:
          - name: Counter
            state: [{name: n, type: int}]
            commands: [{name: Add, fields: [{name: by, type: int}], emits: [Added]}]
            events: [{name: Added, fields: [%s], apply: {n: "state.n + event.by"}}]
        """;
    Model defaulted = ModelLoader.fromYaml(counter.formatted("{name: by, type: int, default: 1}"));
    assertThat(CompiledModel.fromYaml(counter.formatted("{name: by, type: int}")).warningsReplacing(defaulted))
        .extracting(ModelError::id).as("old events may lack it, and no longer read 1: another fold")
        .containsExactly("apply-changed", "event-field-required");
    assertThat(CompiledModel.fromYaml(counter.formatted("{name: by, type: int, default: 2}"))
        .warningsReplacing(defaulted)).extracting(ModelError::id).containsExactly("apply-changed",
            "event-field-default-changed");
    assertThat(CompiledModel.fromYaml(counter.formatted("{name: by, type: int, default: 2}"))
        .warningsReplacing(defaulted)).filteredOn(w -> w.id().equals("event-field-default-changed")).singleElement()
        .satisfies(w -> {
          assertThat(w.id()).isEqualTo("event-field-default-changed");
          assertThat(w.path()).isEqualTo("aggregates.Counter.events.Added.fields.by");
          assertThat(w.message()).contains("read 2 from now on, not 1");
        });
    assertThat(CompiledModel.fromYaml(counter.formatted("{name: by, type: int, default: 1}"))
        .warningsReplacing(defaulted)).isEmpty();
    String renamed = counter.replace("event.by", "event.amount");
    assertThat(CompiledModel.fromYaml(renamed.formatted("{name: amount, type: int, default: 1}"))
        .warningsReplacing(defaulted)).filteredOn(w -> !w.id().equals("apply-changed")).singleElement().satisfies(w -> {
          assertThat(w.id()).isEqualTo("event-field-removed");
          assertThat(w.message()).contains("hold by").contains("keep by declared, optional");
        });
  }

  @Test
  void warningsReplacing_namesAReadModelWhoseRulesChanged_itIsRebuilt() {
    String shop = """
        name: shop
        version: "1"
        aggregates:
          - name: Cart
            state: [{name: n, type: int}]
            commands: [{name: Add, emits: [Added]}]
            events: [{name: Added, apply: {n: "state.n + 1"}}]
        readModels:
          - name: Carts
            key: %s
            fields: [{name: adds, type: int}]
            on: [{event: Added, set: {adds: "row.adds + 1"}}]
        """;
    Model byActor = ModelLoader.fromYaml(shop.formatted("actorId"));
    assertThat(CompiledModel.fromYaml(shop.formatted("\" actorId \"")).warningsReplacing(byActor))
        .as("blanks around an expression are no change").isEmpty();
    assertThat(CompiledModel.fromYaml(shop.formatted("\"'cart-' + actorId\"")).warningsReplacing(byActor))
        .singleElement().satisfies(w -> {
          assertThat(w.id()).isEqualTo("read-model-rebuilt");
          assertThat(w.path()).isEqualTo("readModels.Carts");
        });

    runtime.loadModel(byActor);
    runtime.start();
    for (String cart : List.of("a", "b")) {
      assertThat(runtime.sendMessage(RuntimeMessage.of("Cart", cart, "Add", Map.of())).join().isAccepted()).isTrue();
    }
    ReadModel before = ModelExecution.of(runtime).orElseThrow().readModel("Carts").orElseThrow();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
        .until(() -> before.rows().keySet().equals(java.util.Set.of("a", "b")));
    runtime.loadModel(ModelLoader.fromYaml(shop.formatted("\"'cart-' + actorId\"")));
    ReadModel after = ModelExecution.of(runtime).orElseThrow().readModel("Carts").orElseThrow();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
        .until(() -> after.rows().keySet().equals(java.util.Set.of("cart-a", "cart-b")));
    assertThat(after.get("cart-a").orElseThrow()).containsEntry("adds", 1L);
  }

  record Written(String by) {}
}
