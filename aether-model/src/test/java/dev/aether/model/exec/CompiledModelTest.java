package dev.aether.model.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.aether.runtime.InvalidModelException;
import dev.aether.model.Model;
import dev.aether.runtime.ModelError;
import dev.aether.runtime.spi.Behavior;
import dev.aether.model.ModelLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompiledModelTest {

  private static Model yaml(String text) {
    return ModelLoader.fromYaml(text);
  }

  private static final String ACCOUNT = """
      name: m
      aggregates:
        - name: Account
          state: [{name: balance, type: int}, {name: owner, type: string}]
          commands:
            - name: Withdraw
              fields: [{name: amount, type: int}]
              guards: [{expr: "%s", message: no}]
              emits: [{event: Withdrawn, data: {amount: "%s"}}]
          events:
            - name: Withdrawn
              fields: [{name: amount, type: int}]
              apply: {balance: "%s"}
      """;

  @Test
  void bankModel_compiles_withoutWarnings() {
    CompiledModel model = CompiledModel.compile(BankModel.load());

    assertThat(model.warnings()).isEmpty();
    assertThat(model.behavior("Account")).isPresent();
    assertThat(model.behavior("Account").orElseThrow().schema())
        .matches("model:[0-9a-f]{16}\\|(Deposited|Opened|TransferReceived|TransferSent|Withdrawn)=[0-9a-f]{8},.*");
  }

  @Test
  void everyExpressionError_isReported_withItsPath() {
    Model model = yaml(ACCOUNT.formatted("state.balance >= cmd.amout", "cmd.amount + state.owner",
        "state.balance - event.amount >"));

    assertThatThrownBy(() -> CompiledModel.compile(model)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> {
          assertThat(e.errors()).extracting(ModelError::path, ModelError::id).containsExactlyInAnyOrder(
              tuple("aggregates.Account.commands.Withdraw.guards[0]", ModelError.UNKNOWN_REFERENCE),
              tuple("aggregates.Account.commands.Withdraw.emits[0].data.amount", ModelError.EXPRESSION_TYPE),
              tuple("aggregates.Account.events.Withdrawn.apply.balance", ModelError.EXPRESSION_SYNTAX));
          assertThat(e.getMessage()).contains(
              "aggregates.Account.commands.Withdraw.guards[0]: undeclared reference 'cmd.amout'");
        });
  }

  @Test
  void wrongResultTypes_areReported() {
    Model model = yaml(ACCOUNT.formatted("cmd.amount", "state.owner", "1.5"));

    assertThatThrownBy(() -> CompiledModel.compile(model)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.errors()).extracting(ModelError::id).containsOnly(ModelError.EXPRESSION_RESULT_TYPE)
            .hasSize(3));
  }

  @Test
  void structuralErrors_comeFirst_andAreNotRepeatedByTheCompiler() {
    Model model = yaml(ACCOUNT.formatted("true", "cmd.amount", "1"));
    Model broken = new Model(model.name(), model.version(), java.util.List.of(new dev.aether.model.AggregateDef(
        "Account", model.aggregates().getFirst().state(), java.util.List.of(),
        model.aggregates().getFirst().commands(), java.util.List.of())), java.util.List.of(), java.util.List.of());

    assertThatThrownBy(() -> CompiledModel.compile(broken)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.errors()).extracting(ModelError::path)
            .containsExactly("aggregates.Account.commands.Withdraw.emits[0].event"));
  }

  @Test
  void implicitCopies_thatDoNotFit_areReported() {
    Model model = yaml("""
        name: m
        aggregates:
          - name: A
            commands:
              - name: C
                fields: [{name: x, type: string}, {name: y, type: int, optional: true}]
                emits: [E]
            events:
              - name: E
                fields: [{name: x, type: int}, {name: y, type: int}, {name: z, type: bool}]
        """);

    assertThatThrownBy(() -> CompiledModel.compile(model)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.errors()).extracting(ModelError::path, ModelError::id).containsExactlyInAnyOrder(
            tuple("aggregates.A.commands.C.emits[0].data.x", ModelError.EXPRESSION_TYPE),
            tuple("aggregates.A.commands.C.emits[0].data.y", ModelError.MISSING_VALUE),
            tuple("aggregates.A.commands.C.emits[0].data.z", ModelError.MISSING_VALUE)));
  }

  @Test
  void policyErrors_areReported_againstTheTriggeringEventAndTargetCommand() {
    String text = BankModel.yaml().replace("target: event.to", "target: event.too")
        .replace("data: {from: actorId}", "data: {from: event.amount}");

    assertThatThrownBy(() -> CompiledModel.compile(yaml(text))).isInstanceOfSatisfying(
        InvalidModelException.class, e -> assertThat(e.errors()).extracting(ModelError::path).containsExactlyInAnyOrder(
            "policies.creditTransfer.target", "policies.creditTransfer.data.from"));
  }

  @Test
  void policyToUnknownCommand_isRefused() {
    String text = BankModel.yaml().replace("then: Account.ReceiveTransfer", "then: Account.Receive");

    assertThatThrownBy(() -> CompiledModel.compile(yaml(text))).isInstanceOfSatisfying(
        InvalidModelException.class, e -> assertThat(e.errors()).extracting(ModelError::path, ModelError::id)
            .containsExactly(tuple("policies.creditTransfer.then", ModelError.UNKNOWN_REFERENCE)));
  }

  @Test
  void policyCycles_areWarnings_namingTheCycle() {
    String text = BankModel.yaml() + """
          - name: echo
            when: Account.TransferReceived
            then: Account.Transfer
            target: event.from
            data: {to: actorId}
        """;

    CompiledModel model = CompiledModel.compile(yaml(text));

    assertThat(model.warnings()).singleElement().satisfies(w -> {
      assertThat(w.id()).isEqualTo(ModelError.POLICY_CYCLE);
      assertThat(w.message()).contains("Account.ReceiveTransfer -> Account.TransferReceived -> [echo] -> "
          + "Account.Transfer -> Account.TransferSent -> [creditTransfer] -> Account.ReceiveTransfer");
    });
  }

  @Test
  void reservedWordsAsFieldNames_areRefused() {
    Model model = yaml("""
        name: m
        aggregates:
          - name: A
            state: [{name: in, type: int}]
        """);

    assertThatThrownBy(() -> CompiledModel.compile(model)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.errors()).extracting(ModelError::id).contains(ModelError.INVALID_NAME));
  }

  @Test
  void stateSchema_changesWithTheStateFieldsAndTheRulesFoldingEvents_notWithWhatDecidesNewOnes() {
    String v1 = ACCOUNT.formatted("true", "cmd.amount", "state.balance - event.amount");
    String s1 = CompiledModel.compile(yaml(v1)).behavior("Account").orElseThrow().schema();
    for (String same : List.of(v1.replace("message: no", "message: nope"), // a guard
        v1.replace("amount: \"cmd.amount\"", "amount: \"cmd.amount + 0\""), // what a command emits
        v1.replace("\"state.balance - event.amount\"", "\"  state.balance - event.amount \""))) { // blanks
      assertThat(CompiledModel.compile(yaml(same)).behavior("Account").orElseThrow().schema()).as(same).isEqualTo(s1);
    }
    for (String other : List.of(
        v1.replace("{name: owner, type: string}", "{name: owner, type: string}, {name: x, type: bool}"),
        v1.replace("state.balance - event.amount", "state.balance - event.amount - 1"), // an apply
        v1.replace("{name: balance, type: int}", "{name: balance, type: int, initial: 10}"), // an initial value
        v1.replace("fields: [{name: amount, type: int}]", "fields: [{name: amount, type: int, default: 1}]"))) {
      Behavior<Map<String, Object>> changed = CompiledModel.compile(yaml(other)).behavior("Account").orElseThrow();
      assertThat(changed.schema()).as(other).isNotEqualTo(s1);
      assertThat(changed.readsSnapshotOf(s1)).as(other).isFalse();
    }
    // found by a review: an event added (or removed) changed the one hash, and every actor replayed its history
    String added = v1.replace("    events:\n", "    events:\n      - name: Renamed\n"
        + "        fields: [{name: owner, type: string}]\n        apply: {owner: event.owner}\n");
    assertThat(added).isNotEqualTo(v1);
    Behavior<Map<String, Object>> withMore = CompiledModel.compile(yaml(added)).behavior("Account").orElseThrow();
    assertThat(withMore.readsSnapshotOf(s1)).as("an event added: old snapshots never folded it").isTrue();
    assertThat(CompiledModel.compile(yaml(v1)).behavior("Account").orElseThrow().readsSnapshotOf(withMore.schema()))
        .as("an event removed").isTrue();
    assertThat(withMore.readsSnapshotOf("model:0123456789abcdef")).as("a tag of an earlier build").isFalse();
    assertThat(CompiledModel.compile(yaml(v1)).behavior("Account").orElseThrow().initialState())
        .isEqualTo(Map.of("balance", 0L, "owner", ""));
  }
}
