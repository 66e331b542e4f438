package dev.aether.model;

import dev.aether.runtime.InvalidModelException;
import dev.aether.runtime.ModelError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.List;
import org.assertj.core.api.ThrowingConsumer;
import org.junit.jupiter.api.Test;

/** Loading reports every problem of a model in one exception, each at its own path (issue 9, section 6). */
class ModelLoaderEveryErrorTest {

  private static ThrowingConsumer<InvalidModelException> errors(ThrowingConsumer<List<ModelError>> check) {
    return e -> check.accept(e.errors());
  }

  @Test
  void twoUnknownKeys_areBothReported_withTheirPaths() {
    String json = """
        {"name": "m", "agregates": [],
         "aggregates": [{"name": "A", "comands": [],
                         "events": [{"name": "E", "fields": [{"name": "x", "typ": "int"}]}]}]}
        """;

    assertThatThrownBy(() -> ModelLoader.fromJson(json)).isInstanceOfSatisfying(InvalidModelException.class,
        errors(list -> assertThat(list).extracting(ModelError::path, ModelError::id).containsExactlyInAnyOrder(
            tuple("agregates", ModelError.PARSE_ERROR),
            tuple("aggregates.A.comands", ModelError.PARSE_ERROR),
            tuple("aggregates.A.events.E.fields.x.typ", ModelError.PARSE_ERROR),
            // the field without its (misspelt) type is also structurally incomplete
            tuple("aggregates.A.events.E.fields.x.type", ModelError.MISSING_VALUE))));
  }

  @Test
  void unknownKeysAndWrongShapes_areReported_togetherWithTheStructuralErrors() {
    String yaml = """
        name: m
        aggregates:
          - name: A
            commands: 3
            events: [{name: E, apply: {nope: "1"}}]
            colour: red
        policies:
          - {name: p, when: E, then: Missing, target: actorId}
        """;

    assertThatThrownBy(() -> ModelLoader.fromYaml(yaml)).isInstanceOfSatisfying(InvalidModelException.class,
        errors(list -> assertThat(list).extracting(ModelError::path, ModelError::id).containsExactlyInAnyOrder(
            tuple("aggregates.A.commands", ModelError.PARSE_ERROR),
            tuple("aggregates.A.colour", ModelError.PARSE_ERROR),
            tuple("aggregates.A.events.E.apply.nope", ModelError.UNKNOWN_REFERENCE),
            tuple("policies.p.then", ModelError.UNKNOWN_REFERENCE))));
  }

  @Test
  void aPolicyStartOtherThanBeginningOrNow_isReportedAtItsPath() {
    String yaml = """
        name: m
        aggregates:
          - name: A
            commands: [{name: C, emits: [E]}]
            events: [{name: E}]
        policies:
          - {name: p, when: E, then: C, target: actorId, start: later}
          - {name: q, when: E, then: C, target: actorId, start: now}
        """;

    assertThatThrownBy(() -> ModelLoader.fromYaml(yaml)).isInstanceOfSatisfying(InvalidModelException.class,
        errors(list -> assertThat(list).singleElement().satisfies(e -> {
          assertThat(e.path()).isEqualTo("policies.p.start");
          assertThat(e.id()).isEqualTo(ModelError.INVALID_VALUE);
          assertThat(e.message()).contains("\"beginning\"").contains("\"now\"").contains("later");
        })));
  }

  @Test
  void duplicateYamlKeys_areReported_atTheirPaths_everyOne() {
    String yaml = """
        name: m
        name: m2
        aggregates:
          - name: A
            state: [{name: x, type: int}]
            events:
              - name: E
                apply: {x: "1", x: "2"}
                fields: []
                fields: []
        """;

    assertThatThrownBy(() -> ModelLoader.fromYaml(yaml)).isInstanceOfSatisfying(InvalidModelException.class,
        errors(list -> assertThat(list).extracting(ModelError::path, ModelError::id).containsExactly(
            tuple("name", ModelError.DUPLICATE_NAME),
            tuple("aggregates.A.events.E.apply.x", ModelError.DUPLICATE_NAME),
            tuple("aggregates.A.events.E.fields", ModelError.DUPLICATE_NAME))));
  }

  @Test
  void duplicateJsonKeys_areReportedToo() {
    assertThatThrownBy(() -> ModelLoader.fromJson("{\"name\": \"m\", \"name\": \"n\", \"aggregates\": [{\"name\": \"A\"}]}"))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.errors()).singleElement()
            .satisfies(err -> {
              assertThat(err.path()).isEqualTo("name");
              assertThat(err.id()).isEqualTo(ModelError.DUPLICATE_NAME);
              assertThat(err.message()).contains("name");
            }));
  }

  @Test
  void duplicateCommandName_isReportedAsADuplicate_atItsOwnPath() {
    String yaml = """
        name: m
        aggregates:
          - name: Account
            commands:
              - {name: Deposit, guards: ["cmd.x > 0"]}
              - {name: Withdraw, guards: ["cmd.x > 0"]}
              - {name: Withdraw, guards: [" "]}
        """;

    assertThatThrownBy(() -> ModelLoader.fromYaml(yaml)).isInstanceOfSatisfying(InvalidModelException.class,
        errors(list -> {
          assertThat(list).extracting(ModelError::path, ModelError::id).containsExactly(
              tuple("aggregates.Account.commands[2]", ModelError.DUPLICATE_NAME),
              tuple("aggregates.Account.commands[2].guards[0]", ModelError.MISSING_VALUE));
          assertThat(list.getFirst().message()).contains("Withdraw").contains("aggregates.Account.commands.Withdraw");
        }));
  }

  /**
   * A reference to a name repeated inside one aggregate (or to an element of an aggregate declared twice) is not
   * ambiguous: the repetition is the one mistake, reported once, and writing {@code Aggregate.Name} would not help.
   */
  @Test
  void aReferenceToANameRepeatedInOneAggregate_isNotCalledAmbiguous() {
    String yaml = """
        name: m
        aggregates:
          - name: Counter
            commands:
              - {name: Bump, emits: [Bumped]}
              - {name: Bump, emits: [Bumped]}
            events: [{name: Bumped}]
          - name: Other
            events: [{name: Seen}]
          - name: Other
            events: [{name: Seen}]
        policies:
          - {name: p, when: Bumped, then: Bump, target: "'c'"}
          - {name: q, when: Seen, then: Counter.Bump, target: "'c'"}
        """;

    assertThatThrownBy(() -> ModelLoader.fromYaml(yaml)).isInstanceOfSatisfying(InvalidModelException.class,
        errors(list -> assertThat(list).extracting(ModelError::path, ModelError::id).containsExactlyInAnyOrder(
            tuple("aggregates.Counter.commands[1]", ModelError.DUPLICATE_NAME),
            tuple("aggregates[2]", ModelError.DUPLICATE_NAME))));
  }

  @Test
  void everyKindOfDuplicateName_isReported_atTheDuplicatesOwnPath() {
    String yaml = """
        name: m
        aggregates:
          - name: A
            state: [{name: s, type: int}, {name: s, type: int}]
            commands:
              - name: C
                fields: [{name: f, type: int}, {name: f, type: string}]
                emits: [E]
            events:
              - {name: E, fields: [{name: f, type: int}, {name: f, type: int}]}
              - {name: E}
          - name: A
        policies:
          - {name: p, when: A.E, then: A.C, target: actorId}
          - {name: p, when: A.E, then: A.C, target: actorId}
        readModels:
          - {name: r, key: actorId, fields: [{name: n, type: int}, {name: n, type: int}], on: [{event: A.E}]}
          - {name: r, key: actorId, on: [{event: A.E}]}
        """;

    assertThatThrownBy(() -> ModelLoader.fromYaml(yaml)).isInstanceOfSatisfying(InvalidModelException.class,
        errors(list -> assertThat(list).extracting(ModelError::path, ModelError::id).containsExactlyInAnyOrder(
            tuple("aggregates[1]", ModelError.DUPLICATE_NAME),
            tuple("aggregates.A.state[1]", ModelError.DUPLICATE_NAME),
            tuple("aggregates.A.commands.C.fields[1]", ModelError.DUPLICATE_NAME),
            tuple("aggregates.A.events.E.fields[1]", ModelError.DUPLICATE_NAME),
            tuple("aggregates.A.events[1]", ModelError.DUPLICATE_NAME),
            tuple("policies[1]", ModelError.DUPLICATE_NAME),
            tuple("readModels.r.fields[1]", ModelError.DUPLICATE_NAME),
            tuple("readModels[1]", ModelError.DUPLICATE_NAME))));
  }

  @Test
  void anUnresolvedReference_doesNotHideTheMissingExpressionsBehindIt() {
    String yaml = """
        name: m
        aggregates:
          - name: A
            commands: [{name: C, emits: [{event: Vanished, data: {x: " "}}]}]
        policies:
          - {name: p, when: Nothing, then: Nowhere, target: actorId, data: {y: ""}}
        """;

    assertThatThrownBy(() -> ModelLoader.fromYaml(yaml)).isInstanceOfSatisfying(InvalidModelException.class,
        errors(list -> assertThat(list).extracting(ModelError::path, ModelError::id).containsExactlyInAnyOrder(
            tuple("aggregates.A.commands.C.emits[0].event", ModelError.UNKNOWN_REFERENCE),
            tuple("aggregates.A.commands.C.emits[0].data.x", ModelError.MISSING_VALUE),
            tuple("policies.p.when", ModelError.UNKNOWN_REFERENCE),
            tuple("policies.p.then", ModelError.UNKNOWN_REFERENCE),
            tuple("policies.p.data.y", ModelError.MISSING_VALUE))));
  }

  @Test
  void loaderChecksStructureOnly_anExpressionTypoPassesHere() {
    // documented contract: the core loader reads and checks structure; aether-model compiles expressions
    Model model = ModelLoader.fromYaml("""
        name: m
        aggregates:
          - name: A
            commands: [{name: C, guards: ["cmd.amout > "]}]
        """);

    assertThat(model.aggregate("A")).isPresent();
  }
}
