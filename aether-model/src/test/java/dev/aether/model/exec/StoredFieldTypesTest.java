package dev.aether.model.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.model.Model;
import dev.aether.runtime.ModelError;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.store.InMemoryEventStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An event field's new type is checked against every type an earlier version gave it, not only against the
 * model it replaces: two loads each allowed on their own (remove a field, declare it again as another type) no
 * longer make the first version's events unreadable.
 */
class StoredFieldTypesTest {

  private static final String ACCOUNT = """
      name: bank
      version: "%s"
      aggregates:
        - name: Account
          state: [{name: balance, type: int}]
          commands:
            - name: Deposit
              fields: [{name: amount, type: int}]
              emits: [{event: Deposited, data: {%s}}]
          events:
            - name: Deposited
              fields: [%s]
              apply: {balance: "%s"}
      """;

  /** v1: Deposited holds amount as an int. */
  private static CompiledModel ints(String version) {
    return CompiledModel.fromYaml(ACCOUNT.formatted(version, "amount: cmd.amount", "{name: amount, type: int}",
        "state.balance + event.amount"));
  }

  /** v2: Deposited no longer declares amount (a warning: event-field-removed). */
  private static CompiledModel without(String version) {
    return CompiledModel.fromYaml(ACCOUNT.formatted(version, "count: 1", "{name: count, type: int}",
        "state.balance + event.count"));
  }

  /** v3: Deposited declares amount again, as a string. */
  private static CompiledModel strings(String version) {
    return CompiledModel.fromYaml(ACCOUNT.formatted(version, "amount: string(cmd.amount)",
        "{name: amount, type: string}", "state.balance + int(event.amount)"));
  }

  /** Deposited removed altogether (and its command). */
  private static CompiledModel noDeposits(String version) {
    return CompiledModel.fromYaml("""
        name: bank
        version: "%s"
        aggregates:
          - name: Account
            state: [{name: balance, type: int}]
            commands:
              - name: Close
                emits: [Closed]
            events:
              - name: Closed
        """.formatted(version));
  }

  private static StoredFieldTypes after(CompiledModel... loaded) {
    StoredFieldTypes stored = StoredFieldTypes.none();
    for (CompiledModel model : loaded) {
      stored = stored.afterLoad(model.model());
    }
    return stored;
  }

  @Test
  void aFieldRemovedThenDeclaredAgainAsAnotherType_isRefused_againstTheTypeTheFirstVersionStored() {
    Model v2 = without("2").model();
    assertThat(without("2").checkReplacing(Optional.of(ints("1").model()), after(ints("1")), false))
        .as("removing the field is a warning").extracting(ModelError::id).contains("event-field-removed");

    assertThatThrownBy(() -> strings("3").checkReplacing(Optional.of(v2), after(ints("1"), without("2")), false))
        .isInstanceOfSatisfying(IncompatibleModelException.class, e -> {
          assertThat(e.fieldTypeChanges()).containsExactly(
              new EventFieldTypeChange("Account", "Deposited", "amount", "int", "string"));
          assertThat(e.errors()).extracting(ModelError::id, ModelError::path).containsExactly(org.assertj.core.api
              .Assertions.tuple("event-field-type-changed", "aggregates.Account.events.Deposited.fields.amount"));
        });
    assertThat(strings("3").refusalsReplacing(v2, after(ints("1"), without("2")))).extracting(ModelError::id)
        .containsExactly("event-field-type-changed");
    assertThat(strings("3").warningsReplacing(v2, after(ints("1"), without("2")))).extracting(ModelError::id)
        .contains("event-field-type-changed");
  }

  @Test
  void anEventRemovedThenDeclaredAgainWithAnotherFieldType_isRefused() {
    StoredFieldTypes stored = after(ints("1"), noDeposits("2"));

    assertThatThrownBy(() -> strings("3").checkReplacing(Optional.of(noDeposits("2").model()), stored, false))
        .isInstanceOfSatisfying(IncompatibleModelException.class, e -> assertThat(e.fieldTypeChanges())
            .containsExactly(new EventFieldTypeChange("Account", "Deposited", "amount", "int", "string")));
    assertThat(ints("3").refusalsReplacing(noDeposits("2").model(), stored)).as("the same type again").isEmpty();
  }

  @Test
  void aForcedLoad_replacesTheStoredTypesOfTheFieldsItChanges() {
    StoredFieldTypes stored = after(ints("1"), without("2"));
    assertThat(strings("3").checkReplacing(Optional.of(without("2").model()), stored, true))
        .extracting(ModelError::id).contains("event-field-type-changed");
    StoredFieldTypes forced = stored.afterLoad(strings("3").model());

    assertThat(forced.toMap().get("Account").get("Deposited")).containsEntry("amount", List.of("string"))
        .containsEntry("count", List.of("int"));
    assertThat(strings("4").refusalsReplacing(strings("3").model(), forced)).isEmpty();
    assertThat(ints("4").refusalsReplacing(strings("3").model(), forced)).extracting(ModelError::path)
        .containsExactly("aggregates.Account.events.Deposited.fields.amount");
  }

  @Test
  void aWidenedType_keepsTheNarrowerOne_soNarrowingBackIsRefusedEvenAfterTheFieldWasRemoved() {
    CompiledModel doubles = CompiledModel.fromYaml(ACCOUNT.formatted("2", "amount: double(cmd.amount)",
        "{name: amount, type: double}", "state.balance + int(event.amount)"));
    StoredFieldTypes stored = after(ints("1"), doubles, without("3"));

    assertThat(stored.toMap().get("Account").get("Deposited")).containsEntry("amount", List.of("int", "double"));
    assertThat(ints("4").refusalsReplacing(without("3").model(), stored)).extracting(ModelError::id)
        .containsExactly("event-field-type-changed");
  }

  @Test
  void theMapForm_readsBackEqual_andABlankNameIsRefusedNamingIt() {
    StoredFieldTypes stored = after(ints("1"), without("2"));

    assertThat(StoredFieldTypes.fromMap(stored.toMap())).isEqualTo(stored);
    assertThat(StoredFieldTypes.of(ints("1").model())).isEqualTo(after(ints("1")));
    assertThatThrownBy(() -> StoredFieldTypes.fromMap(Map.of("Account", Map.of(" ", Map.of("a", List.of("int"))))))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("event"));
    assertThatThrownBy(() -> StoredFieldTypes.fromMap(Map.of("Account", Map.of("E", Map.of("a", List.of())))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("field a of E has no type");
  }

  @Test
  void loadInto_withTheStoredTypes_refusesTheTypeChange_andTheRuntimeKeepsItsModel() {
    InMemoryEventStore store = InMemoryEventStore.create();
    try (Runtime runtime = Runtime.builder().eventStore(store).build()) {
      ints("1").loadInto(runtime, false);
      runtime.start();
      assertThat(runtime.sendMessage(RuntimeMessage.of("Account", "a", "Deposit", Map.of("amount", 5))).join()
          .isAccepted()).isTrue();
      without("2").loadInto(runtime, false);

      assertThatThrownBy(() -> strings("3").loadInto(runtime, after(ints("1"), without("2")), false))
          .isInstanceOf(IncompatibleModelException.class);
      assertThat(runtime.model().orElseThrow().version()).isEqualTo("2");
    }
  }

  @Test
  void loadInto_aRunningModelThatLagsTheStoredTypes_dropsNone_soNarrowingBackIsStillRefused() {
    CompiledModel doubles = CompiledModel.fromYaml(ACCOUNT.formatted("2", "amount: double(cmd.amount)",
        "{name: amount, type: double}", "state.balance + int(event.amount)"));
    StoredFieldTypes stored = after(ints("1"), doubles);
    try (Runtime runtime = Runtime.builder().eventStore(InMemoryEventStore.create()).build()) {
      ints("1").loadInto(runtime, false); // a node that still runs v1: amount as int

      assertThatThrownBy(() -> ints("3").loadInto(runtime, stored, false))
          .isInstanceOf(IncompatibleModelException.class).hasMessageContaining("amount");
      assertThat(runtime.model().orElseThrow().version()).isEqualTo("1");
    }
    assertThat(stored.including(ints("1").model()).toMap().get("Account").get("Deposited"))
        .containsEntry("amount", List.of("int", "double"));
    assertThat(stored.afterLoad(ints("3").model()).toMap().get("Account").get("Deposited"))
        .as("a forced load replaces").containsEntry("amount", List.of("int"));
  }

  @Test
  void including_anotherSet_keepsEveryTypeOfBoth() {
    CompiledModel doubles = CompiledModel.fromYaml(ACCOUNT.formatted("2", "amount: double(cmd.amount)",
        "{name: amount, type: double}", "state.balance + int(event.amount)"));

    StoredFieldTypes union = after(strings("1")).including(after(ints("1"), doubles));

    assertThat(union.toMap().get("Account").get("Deposited"))
        .containsEntry("amount", List.of("string", "int", "double"));
    assertThatThrownBy(() -> union.including((StoredFieldTypes) null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> union.afterLoad(null)).isInstanceOf(InvalidInputException.class);
  }
}
