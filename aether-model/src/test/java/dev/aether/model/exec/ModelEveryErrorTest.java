package dev.aether.model.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.aether.runtime.InvalidModelException;
import dev.aether.model.Model;
import dev.aether.runtime.ModelError;
import dev.aether.model.ModelLoader;
import dev.aether.runtime.Runtime;
import dev.aether.store.InMemoryEventStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every error of a model, structural and in expressions, is reported in one exception (issue 9, section 6). */
class ModelEveryErrorTest {

  /** A CEL typo, an undeclared emitted event, a duplicate name and a policy to an unknown command. */
  static final String FOUR_ERRORS = """
      name: m
      aggregates:
        - name: Account
          state: [{name: balance, type: int}]
          commands:
            - name: Deposit
              fields: [{name: amount, type: int}]
              guards: ["cmd.amout > 0"]
              emits: [Deposited, Credited]
          events:
            - {name: Deposited, fields: [{name: amount, type: int}], apply: {balance: "state.balance + event.amount"}}
            - {name: Deposited}
      policies:
        - {name: notify, when: Account.Deposited, then: Account.Notify, target: actorId}
      """;

  static final Tuple[] THE_FOUR = {
      tuple("aggregates.Account.commands.Deposit.guards[0]", ModelError.UNKNOWN_REFERENCE),
      tuple("aggregates.Account.commands.Deposit.emits[1].event", ModelError.UNKNOWN_REFERENCE),
      tuple("aggregates.Account.events[1]", ModelError.DUPLICATE_NAME),
      tuple("policies.notify.then", ModelError.UNKNOWN_REFERENCE)};

  /** Reads a model without any validation, as a program building one in code would have it. */
  static Model unchecked(String yaml) {
    try {
      return new ObjectMapper(new YAMLFactory()).readValue(yaml, Model.class);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void fourErrors_areReportedTogether_byTheOneCallLoad() {
    assertThatThrownBy(() -> CompiledModel.fromYaml(FOUR_ERRORS)).isInstanceOfSatisfying(
        InvalidModelException.class, e -> {
          assertThat(e.errors()).extracting(ModelError::path, ModelError::id).containsExactlyInAnyOrder(THE_FOUR);
          assertThat(e.getMessage()).contains("invalid model (4 problems)")
              .contains("undeclared reference 'cmd.amout'");
        });
  }

  @Test
  void compile_reportsStructuralAndExpressionErrors_together() {
    assertThatThrownBy(() -> CompiledModel.compile(unchecked(FOUR_ERRORS))).isInstanceOfSatisfying(
        InvalidModelException.class,
        e -> assertThat(e.errors()).extracting(ModelError::path, ModelError::id).containsExactlyInAnyOrder(THE_FOUR));
  }

  @Test
  void runtimeLoadModel_reportsStructuralAndExpressionErrors_together() {
    try (Runtime runtime = Runtime.builder().eventStore(InMemoryEventStore.create()).build()) {
      assertThatThrownBy(() -> runtime.loadModel(unchecked(FOUR_ERRORS))).isInstanceOfSatisfying(
          InvalidModelException.class,
          e -> assertThat(e.errors()).extracting(ModelError::path, ModelError::id).containsExactlyInAnyOrder(THE_FOUR));
      assertThat(runtime.model()).isEmpty();
    }
  }

  @Test
  void oneCallLoad_catchesACelTypo_thatTheCoreLoaderLetsThrough(@TempDir Path dir) throws IOException {
    String typo = """
        name: m
        aggregates:
          - name: A
            state: [{name: n, type: int}]
            commands: [{name: C, guards: ["state.nn > 0"]}]
        """;
    Path file = dir.resolve("m.yaml");
    Files.writeString(file, typo);

    assertThat(ModelLoader.load(file).validate()).isEmpty(); // structure only, as documented
    assertThatThrownBy(() -> CompiledModel.load(file)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.errors()).extracting(ModelError::path, ModelError::id).containsExactly(
            tuple("aggregates.A.commands.C.guards[0]", ModelError.UNKNOWN_REFERENCE)));
    assertThatThrownBy(() -> CompiledModel.fromJson("{\"name\": \"m\", \"aggregates\": [{\"name\": \"A\","
        + " \"commands\": [{\"name\": \"C\", \"guards\": [\"1 +\"]}]}]}"))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.errors())
            .extracting(ModelError::id).containsExactly(ModelError.EXPRESSION_SYNTAX));
  }

  @Test
  void oneCallLoad_reportsUnknownKeysDuplicateKeysStructureAndExpressions_together() {
    String yaml = """
        name: m
        aggregates:
          - name: A
            state: [{name: n, type: int}]
            comands: []
            events:
              - {name: E, apply: {n: "state.n +* 1", n: "1"}}
            commands:
              - {name: C, guards: ["cmd.x"], emits: [Nope]}
        """;

    assertThatThrownBy(() -> CompiledModel.fromYaml(yaml)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.errors()).extracting(ModelError::path, ModelError::id).containsExactly(
            tuple("aggregates.A.events.E.apply.n", ModelError.DUPLICATE_NAME),
            tuple("aggregates.A.comands", ModelError.PARSE_ERROR),
            tuple("aggregates.A.commands.C.emits[0].event", ModelError.UNKNOWN_REFERENCE),
            tuple("aggregates.A.commands.C.guards[0]", ModelError.UNKNOWN_REFERENCE)));
  }

  @Test
  void expressionsAroundABrokenElement_areStillCompiled_withoutFollowUpErrors() {
    String yaml = """
        name: m
        aggregates:
          - name: A
            state: [{name: n, type: integr}, {name: ok, type: bool}]
            invariants: ["state.ok &&"]
            commands:
              - name: C
                fields: [{name: x, type: int}]
                guards: ["state.n > 0", "cmd.y > 0"]
                emits: [{event: Ghost, data: {v: "cmd.x +"}}]
            events:
              - {name: E, apply: {missing: "state.ok ||"}}
        policies:
          - {name: p, when: A.Ghost, then: A.C, target: "event.to", condition: "1 >"}
        readModels:
          - {name: r, key: "actorId", on: [{event: A.Phantom, set: {q: "event.x"}}]}
        """;

    assertThatThrownBy(() -> CompiledModel.fromYaml(yaml)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.errors()).extracting(ModelError::path, ModelError::id).containsExactlyInAnyOrder(
            tuple("aggregates.A.state.n.type", ModelError.UNKNOWN_TYPE),
            tuple("aggregates.A.commands.C.emits[0].event", ModelError.UNKNOWN_REFERENCE),
            tuple("aggregates.A.events.E.apply.missing", ModelError.UNKNOWN_REFERENCE),
            tuple("policies.p.when", ModelError.UNKNOWN_REFERENCE),
            tuple("readModels.r.on[0].event", ModelError.UNKNOWN_REFERENCE),
            tuple("readModels.r.on[0].set.q", ModelError.UNKNOWN_REFERENCE),
            // expressions: syntax everywhere; names and types where the scope is fully known
            tuple("aggregates.A.invariants[0]", ModelError.EXPRESSION_SYNTAX),
            tuple("aggregates.A.commands.C.guards[1]", ModelError.UNKNOWN_REFERENCE),
            tuple("aggregates.A.commands.C.emits[0].data.v", ModelError.EXPRESSION_SYNTAX),
            tuple("aggregates.A.events.E.apply.missing", ModelError.EXPRESSION_SYNTAX),
            tuple("policies.p.condition", ModelError.EXPRESSION_SYNTAX)));
  }

  @Test
  void aReadModelKeyThatDoesNotFitAHandlersEvent_isReportedAtThatHandler_sayingItIsTheReadModelsKey() {
    // found by a new user: two errors at readModels.Board.key, the handler left to guess from the field list
    String yaml = """
        name: m
        aggregates:
          - name: O
            state: [{name: n, type: int}]
            events:
              - {name: Placed, fields: [{name: orderId, type: string}]}
              - {name: Shipped, fields: [{name: carrier, type: string}]}
              - {name: Weighed, fields: [{name: grams, type: int}]}
        readModels:
          - name: Board
            key: event.orderId
            fields: [{name: n, type: int}]
            on:
              - {event: O.Placed, set: {n: "1"}}
              - {event: O.Shipped, set: {n: "2"}}
              - {event: O.Weighed, key: "actorId", set: {n: "3"}}
        """;

    assertThatThrownBy(() -> CompiledModel.fromYaml(yaml)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.errors()).singleElement().satisfies(error -> {
          assertThat(error.path()).isEqualTo("readModels.Board.on[1].key");
          assertThat(error.id()).isEqualTo(ModelError.UNKNOWN_REFERENCE);
          assertThat(error.message()).startsWith("the read model's key (this handler has none of its own): ")
              .contains("event.orderId", "carrier");
        }));
    assertThatThrownBy(() -> CompiledModel.fromYaml(yaml.replace("key: event.orderId", "key: \"event.orderId +\"")))
        .as("a syntax error of the key: once, not once per handler").isInstanceOfSatisfying(
            InvalidModelException.class, e -> assertThat(e.errors()).extracting(ModelError::path, ModelError::id)
                .containsExactly(tuple("readModels.Board.on[0].key", ModelError.EXPRESSION_SYNTAX)));
  }

  @Test
  void duplicateCommands_areCompiledEach_atTheirOwnPaths() {
    String yaml = """
        name: m
        aggregates:
          - name: A
            commands:
              - {name: C, guards: ["cmd.a > 0"]}
              - {name: C, guards: ["cmd.b > 0"]}
        """;

    assertThatThrownBy(() -> CompiledModel.fromYaml(yaml)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.errors()).extracting(ModelError::path, ModelError::id).containsExactly(
            tuple("aggregates.A.commands[1]", ModelError.DUPLICATE_NAME),
            tuple("aggregates.A.commands.C.guards[0]", ModelError.UNKNOWN_REFERENCE),
            tuple("aggregates.A.commands[1].guards[0]", ModelError.UNKNOWN_REFERENCE)));
  }
}
