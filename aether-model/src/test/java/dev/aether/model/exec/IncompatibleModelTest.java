package dev.aether.model.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.model.Model;
import dev.aether.model.ModelLoader;
import dev.aether.runtime.ModelError;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.store.InMemoryEventStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A model version that loses or corrupts what is stored for good (an event field's type changed, a renamed model's
 * policies run again, another model under the running one's version label) is refused unless forced; the other
 * warnings stay warnings.
 */
class IncompatibleModelTest {

  private static final String COUNTER = """
      name: counter
      version: "%s"
      aggregates:
        - name: Counter
          state: [{name: n, type: %s}]
          commands:
            - name: Add
              fields: [{name: by, type: int}]
              emits: [{event: Added, data: {by: %s}}]
          events:
            - name: Added
              fields: [{name: by, type: %s}]
              apply: {n: "%s"}
      """;

  private final InMemoryEventStore store = InMemoryEventStore.create();
  private final Runtime runtime = Runtime.builder().eventStore(store).build();

  @AfterEach
  void close() {
    runtime.close();
  }

  private static CompiledModel counter(String version, String data, String type, String apply) {
    return CompiledModel.fromYaml(COUNTER.formatted(version, "int", data, type, apply));
  }

  private static CompiledModel ints(String version) {
    return counter(version, "cmd.by", "int", "state.n + event.by");
  }

  private static CompiledModel strings(String version) {
    return counter(version, "string(cmd.by)", "string", "state.n + int(event.by)");
  }

  @Test
  void anEventFieldWhoseTypeChanges_isRefused_namingTheEventFieldAndBothTypes() {
    assertThatThrownBy(() -> strings("2").checkReplacing(Optional.of(ints("1").model()), false))
        .isInstanceOfSatisfying(IncompatibleModelException.class, e -> {
          assertThat(e.fieldTypeChanges()).containsExactly(
              new EventFieldTypeChange("Counter", "Added", "by", "int", "string"));
          assertThat(e.errors()).singleElement().satisfies(error -> {
            assertThat(error.id()).isEqualTo("event-field-type-changed");
            assertThat(error.path()).isEqualTo("aggregates.Counter.events.Added.fields.by");
            assertThat(error.message()).contains("Added", "by", "as int, not string");
          });
        });
    assertThat(strings("2").refusalsReplacing(ints("1").model())).extracting(ModelError::id)
        .containsExactly("event-field-type-changed");
  }

  @Test
  void forced_theTypeChangeLoads_andIsAWarningOfTheLoad() {
    assertThat(strings("2").checkReplacing(Optional.of(ints("1").model()), true)).extracting(ModelError::id)
        .contains("event-field-type-changed");
  }

  @Test
  void typeChangesThatReadTheStoredValues_areNotRefused() {
    String lists = COUNTER.replace("fields: [{name: by, type: %s}]", "fields: [{name: by, type: %s}, "
        + "{name: at, type: timestamp, optional: true}, {name: xs, type: 'list<int>', optional: true}]");
    Model before = ModelLoader.fromYaml(lists.formatted("1", "int", "cmd.by", "int", "state.n + event.by"));
    CompiledModel widened = CompiledModel.fromYaml(lists.replace("type: timestamp", "type: string")
        .replace("'list<int>'", "'list<double>'")
        .formatted("2", "int", "double(cmd.by)", "double", "state.n + int(event.by)"));

    assertThat(widened.refusalsReplacing(before)).isEmpty();
    assertThat(widened.warningsReplacing(before)).extracting(ModelError::id)
        .doesNotContain("event-field-type-changed");
  }

  @Test
  void aStateFieldsTypeChange_isAWarningOnly_theStateIsFoldedAgainFromTheEvents() {
    CompiledModel doubles = CompiledModel.fromYaml(COUNTER.formatted("2", "double", "cmd.by", "int",
        "state.n + double(event.by)"));

    assertThat(doubles.warningsReplacing(ints("1").model())).extracting(ModelError::id).contains("state-changed");
    assertThat(doubles.refusalsReplacing(ints("1").model())).isEmpty();
  }

  @Test
  void anEventRemoved_isAWarningOnly_declaringItAgainUndoesIt() {
    String withSubtract = COUNTER.replace("    events:\n", "      - name: Sub\n        emits: [Subbed]\n"
        + "    events:\n      - name: Subbed\n        apply: {n: \"state.n - 1\"}\n");
    assertThat(withSubtract).contains("Subbed");
    Model before = ModelLoader.fromYaml(withSubtract.formatted("1", "int", "cmd.by", "int", "state.n + event.by"));

    assertThat(ints("2").warningsReplacing(before)).extracting(ModelError::id).contains("event-removed");
    assertThat(ints("2").refusalsReplacing(before)).isEmpty();
  }

  @Test
  void aRenamedModel_refusesItsPoliciesThatRanBefore_butNotANewPolicy() {
    Model bank = BankModel.load();
    String renamed = BankModel.yaml().replace("name: bank", "name: bank2");
    assertThat(CompiledModel.fromYaml(renamed).refusalsReplacing(bank)).singleElement().satisfies(w -> {
      assertThat(w.id()).isEqualTo("policy-group-new");
      assertThat(w.path()).isEqualTo("policies.creditTransfer");
    });
    CompiledModel startsNow = CompiledModel.fromYaml(renamed.replace("    then: Account.ReceiveTransfer\n",
        "    then: Account.ReceiveTransfer\n    start: now\n"));
    assertThat(startsNow.refusalsReplacing(bank)).as("a policy that starts at the end").isEmpty();

    Model withoutPolicies = ModelLoader.fromYaml(BankModel.yaml().replaceAll("(?s)\npolicies:.*", "\n"));
    assertThat(CompiledModel.fromYaml(renamed).warningsReplacing(withoutPolicies)).extracting(ModelError::id)
        .contains("policy-added").doesNotContain("policy-group-new");
  }

  @Test
  void anotherModelUnderTheRunningVersionLabel_isRefused_anEqualOneInAnotherLayoutIsNot() {
    CompiledModel sameLabel = counter("1", "cmd.by", "int", "state.n + event.by + 1");
    assertThatThrownBy(() -> sameLabel.checkReplacing(Optional.of(ints("1").model()), false))
        .isInstanceOfSatisfying(IncompatibleModelException.class, e -> {
          assertThat(e.errors()).extracting(ModelError::id).containsExactly("version-reused");
          assertThat(e.errors().getFirst().message()).contains("counter version 1");
          assertThat(e.fieldTypeChanges()).isEmpty();
        });

    String relaidOut = """
        # the same model, written otherwise
        version: "1"
        name: counter
        aggregates:
          - state:
              - {type: int, name: n}
            name: Counter
            events:
              - {apply: {n: "state.n + event.by"}, name: Added, fields: [{type: int, name: by}]}
            commands:
              - name: Add   # a comment
                emits: [{data: {by: cmd.by}, event: Added}]
                fields: [{type: int, name: by}]
        """;
    assertThat(CompiledModel.fromYaml(relaidOut).checkReplacing(Optional.of(ints("1").model()), false))
        .isEqualTo(ints("1").warnings());
  }

  @Test
  void loadInto_refusesWithoutForce_keepsTheRunningModel_andLoadsWhenForced() {
    ints("1").loadInto(runtime, false);
    runtime.start();
    assertThat(runtime.sendMessage(RuntimeMessage.of("Counter", "c", "Add", Map.of("by", 2))).join().isAccepted())
        .isTrue();

    assertThatThrownBy(() -> strings("2").loadInto(runtime, false)).isInstanceOf(IncompatibleModelException.class);
    assertThat(runtime.model().orElseThrow().version()).isEqualTo("1");

    List<ModelError> warned = strings("2").loadInto(runtime, true);
    assertThat(warned).extracting(ModelError::id).contains("event-field-type-changed");
    assertThat(runtime.model().orElseThrow().version()).isEqualTo("2");
  }
}
