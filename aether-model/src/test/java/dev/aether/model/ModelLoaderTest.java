package dev.aether.model;

import dev.aether.runtime.InvalidModelException;
import dev.aether.runtime.ModelError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.aether.InvalidInputException;
import dev.aether.runtime.ActorKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLoaderTest {

  static final String BANK = """
      {
        "name": "bank",
        "version": "1",
        "aggregates": [{
          "name": "Account",
          "state": [{"name": "balance", "type": "integer"}, {"name": "owner", "type": "string", "initial": "?"}],
          "commands": [
            {"name": "Deposit", "fields": [{"name": "amount", "type": "integer"}], "emits": ["Deposited"],
             "guards": ["cmd.amount > 0"]},
            {"name": "Withdraw", "fields": [{"name": "amount", "type": "integer"},
                                            {"name": "note", "type": "string", "optional": true}],
             "emits": ["Withdrawn"]}
          ],
          "events": [
            {"name": "Deposited", "fields": [{"name": "amount", "type": "integer"}],
             "apply": {"balance": "state.balance + event.amount"}},
            {"name": "Withdrawn", "fields": [{"name": "amount", "type": "integer"}],
             "apply": {"balance": "state.balance - event.amount"}}
          ]
        }, {
          "name": "Notification",
          "commands": [{"name": "Send", "fields": [{"name": "text", "type": "string"}], "emits": ["Sent"]}],
          "events": [{"name": "Sent"}]
        }],
        "policies": [{"name": "notifyOnWithdrawal", "when": "Account.Withdrawn", "then": "Send",
                      "target": "event.actorId"}],
        "readModels": [{"name": "Balances", "key": "actorId", "fields": [{"name": "balance", "type": "integer"}],
                        "on": [{"event": "Deposited", "set": {"balance": "row.balance + event.amount"}},
                               {"event": "Account.Withdrawn", "set": {"balance": "row.balance - event.amount"}}]}]
      }
      """;

  @Test
  void validJson_isReadCompletely() {
    Model model = ModelLoader.fromJson(BANK);

    assertThat(model.name()).isEqualTo("bank");
    AggregateDef account = model.aggregate("Account").orElseThrow();
    assertThat(account.state()).extracting(StateFieldDef::initial).containsExactly(0L, "?");
    assertThat(account.command("Withdraw").orElseThrow().fields())
        .containsExactly(FieldDef.of("amount", "integer"), FieldDef.optional("note", "string"));
    assertThat(account.command("Deposit").orElseThrow().guards()).containsExactly(GuardDef.of("cmd.amount > 0"));
    assertThat(account.command("Deposit").orElseThrow().emits()).containsExactly(EmitDef.of("Deposited"));
    assertThat(account.event("Deposited").orElseThrow().apply())
        .containsEntry("balance", "state.balance + event.amount");
    assertThat(model.policies()).singleElement().extracting(PolicyDef::condition).isEqualTo("");
    assertThat(model.readModels().getFirst().on()).extracting(ProjectionDef::event)
        .containsExactly("Deposited", "Account.Withdrawn");
    assertThat(model.aggregate("Notification").orElseThrow().state()).isEmpty();
    assertThat(model.validate()).isEmpty();
  }

  @Test
  void internal_marksACommandOnlyTheDomainSends_andMustBeABoolean() {
    String yaml = """
        name: m
        aggregates:
          - name: Account
            commands:
              - {name: Deposit, emits: [Deposited]}
              - {name: Credit, internal: true, emits: [Deposited]}
            events: [{name: Deposited}]
        """;
    Model model = ModelLoader.fromYaml(yaml);
    assertThat(model.aggregate("Account").orElseThrow().command("Credit").orElseThrow().internal()).isTrue();
    assertThat(model.isInternal("Account", "Credit")).isTrue();
    assertThat(model.isInternal("Account", "Deposit")).isFalse();
    assertThat(model.isInternal("Account", "Nope")).isFalse();
    assertThat(model.isInternal("Other", "Credit")).isFalse();
    assertThatThrownBy(() -> ModelLoader.fromYaml(yaml.replace("internal: true", "internal: maybe")))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.errors())
            .extracting(ModelError::path).contains("aggregates.Account.commands.Credit.internal"));
  }

  @Test
  void structuralErrors_areAllReported_withPaths() {
    String broken = """
        {"name": "bank", "aggregates": [
          {"name": "Account",
           "state": [{"name": "balance", "type": "money"}, {"name": "open", "type": "boolean", "initial": "yes"}],
           "commands": [{"name": "Withdraw", "emits": ["Withdrawn", "Vanished"], "guards": [" "]},
                        {"name": "Withdraw"}],
           "events": [{"name": "Withdrawn", "apply": {"saldo": "1"}}, {"fields": [{"name": "x", "type": "string"}]}]},
          {"name": "Account"},
          {"name": "Other/Type", "events": [{"name": "Withdrawn"}]}],
         "policies": [{"name": "p", "when": "Withdrawn", "then": "Account.Close", "target": ""}],
         "readModels": [{"name": "r", "key": "k"}]}
        """;

    assertThatThrownBy(() -> ModelLoader.fromJson(broken)).isInstanceOfSatisfying(InvalidModelException.class, e ->
        assertThat(e.errors()).extracting(ModelError::path, ModelError::id).containsExactlyInAnyOrder(
            tuple("aggregates.Account.state.balance.type", ModelError.UNKNOWN_TYPE),
            tuple("aggregates.Account.state.open.initial", ModelError.INVALID_VALUE),
            tuple("aggregates.Account.commands.Withdraw.emits[1].event",
                ModelError.UNKNOWN_REFERENCE),
            tuple("aggregates.Account.commands.Withdraw.guards[0]",
                ModelError.MISSING_VALUE),
            tuple("aggregates.Account.commands[1]", ModelError.DUPLICATE_NAME), // the duplicate's own path
            tuple("aggregates.Account.events.Withdrawn.apply.saldo",
                ModelError.UNKNOWN_REFERENCE),
            tuple("aggregates.Account.events[1].name", ModelError.MISSING_VALUE),
            tuple("aggregates[1]", ModelError.DUPLICATE_NAME),
            tuple("aggregates.Other/Type", ModelError.INVALID_NAME),
            tuple("policies.p.when", ModelError.AMBIGUOUS_REFERENCE),
            tuple("policies.p.then", ModelError.UNKNOWN_REFERENCE),
            tuple("policies.p.target", ModelError.MISSING_VALUE),
            tuple("readModels.r.on", ModelError.MISSING_VALUE)));
  }

  @Test
  void unknownKey_orWrongShape_isAParseError_withItsPath() {
    assertThatThrownBy(() -> ModelLoader.fromJson("{\"name\": \"m\", \"agregates\": []}"))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.errors())
            .extracting(ModelError::id, ModelError::path)
            .containsExactly(tuple(ModelError.PARSE_ERROR, "agregates"), // the typo, and so no aggregate at all
                tuple(ModelError.MISSING_VALUE, "aggregates")));
    String wrongShape = "{\"name\": \"m\", \"aggregates\": [{\"name\": \"A\", \"commands\": 3}]}";
    assertThatThrownBy(() -> ModelLoader.fromJson(wrongShape))
        .isInstanceOfSatisfying(InvalidModelException.class,
            e -> assertThat(e.errors().getFirst().path()).isEqualTo("aggregates.A.commands")); // named, as validate()
    assertThatThrownBy(() -> ModelLoader.fromJson("{\"name\": "))
        .isInstanceOf(InvalidModelException.class);
    assertThatThrownBy(() -> ModelLoader.fromJson(""))
        .isInstanceOf(InvalidModelException.class);
  }

  @Test
  void aDocumentThatIsNotYaml_saysWhatTheYamlParserFound_andWhere() {
    // found by review: only the first line of the parser's message was kept ("while scanning for the next token"),
    // which names the context, not the problem
    assertThatThrownBy(() -> ModelLoader.fromYaml("name: bank\n\taggregates: []\n"))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.errors()).singleElement()
            .satisfies(error -> {
              assertThat(error.id()).isEqualTo(ModelError.PARSE_ERROR);
              assertThat(error.message()).contains("found character '\\t(TAB)' that cannot start any token")
                  .endsWith("at line 2, column 1").doesNotContain("\n").doesNotContain("^");
            }));
    assertThatThrownBy(() -> ModelLoader.fromYaml("name: 'bank\n\naggregates: []\n"))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.errors().getFirst().message())
            .isEqualTo("while scanning a quoted scalar at line 1, column 7: found unexpected end of stream at line"
                + " 4, column 1"));
  }

  @Test
  void load_readsAFile_byItsExtension(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("bank.json");
    Files.writeString(json, BANK);
    assertThat(ModelLoader.load(json).name()).isEqualTo("bank");
  }

  @Test
  void yaml_isReadWhenTheYamlFormatIsPresent_andOtherwiseRefusedSayingWhatIsMissing(@TempDir Path dir)
      throws Exception {
    Path yaml = dir.resolve("m.yaml");
    Files.writeString(yaml, "name: m\naggregates:\n  - name: A\n");
    if (ModelLoader.yamlSupported()) {
      assertThat(ModelLoader.load(yaml).aggregates()).extracting(AggregateDef::name).containsExactly("A");
    } else {
      assertThatThrownBy(() -> ModelLoader.load(yaml)).isInstanceOf(InvalidModelException.class)
          .hasMessageContaining("jackson-dataformat-yaml");
    }
  }

  @Test
  void recordsTolerateAbsentLists_andStateFieldsDefaultTheirInitialValue() {
    Model model = new Model("m", null, null, null, null);
    assertThat(model.aggregates()).isEmpty();
    assertThat(model.version()).isEmpty();
    assertThat(new StateFieldDef("f", "list<int>", null).initial()).isEqualTo(List.of());
    assertThat(new StateFieldDef("f", "map<string,double>", null).initial()).isEqualTo(Map.of());
    assertThat(StateFieldDef.of("f", "int").initial()).isEqualTo(0L);
    assertThat(StateFieldDef.of("f", "timestamp").initial()).isNull();
    assertThat(new Model(" ", "1", List.of(), List.of(), List.of()).validate())
        .extracting(ModelError::path).containsExactly("name", "aggregates");
  }

  @Test
  void fullFormYaml_withConstraintsMappingsAndInvariants_isRead() {
    Model model = ModelLoader.fromYaml("""
        name: bank
        version: "2"
        aggregates:
          - name: Account
            state: [{name: balance, type: int}, {name: tags, type: "list<string>"}]
            invariants: [{expr: "state.balance >= 0", message: no overdraft}]
            commands:
              - name: Deposit
                fields:
                  - {name: amount, type: int, min: 1, max: 1000}
                  - {name: currency, type: string, enum: [EUR, USD], pattern: "[A-Z]{3}"}
                guards: [{expr: "cmd.amount > 0", message: amount must be positive}]
                emits: [{event: Deposited, data: {amount: cmd.amount}, when: "cmd.amount > 0"}]
            events:
              - {name: Deposited, fields: [{name: amount, type: int}], apply: {balance: "state.balance + event.amount"}}
        """);

    AggregateDef account = model.aggregate("Account").orElseThrow();
    assertThat(account.invariants()).containsExactly(new GuardDef("state.balance >= 0", "no overdraft"));
    CommandDef deposit = account.command("Deposit").orElseThrow();
    assertThat(deposit.fields().get(0).min()).isEqualTo(1);
    assertThat(deposit.fields().get(1).allowed()).containsExactly("EUR", "USD");
    assertThat(deposit.emits()).containsExactly(new EmitDef("Deposited", Map.of("amount", "cmd.amount"),
        "cmd.amount > 0"));
    assertThat(deposit.guards().getFirst().messageOrDefault()).isEqualTo("amount must be positive");
  }

  @Test
  void badTypesConstraintsAndMappings_areAllReported_withPaths() {
    String broken = """
        {"name": "m", "aggregates": [{"name": "A",
          "state": [{"name": "xs", "type": "list<int>", "initial": ["a"]}, {"name": "m", "type": "map<int,string>"},
                    {"name": "bad name", "type": "int"}],
          "commands": [{"name": "C",
            "fields": [{"name": "s", "type": "string", "pattern": "(", "min": 5, "max": 2},
                       {"name": "b", "type": "bool", "min": 1}, {"name": "e", "type": "int", "enum": ["x"]}],
            "emits": [{"event": "E", "data": {"nope": "1"}}]}],
          "events": [{"name": "E", "fields": [{"name": "v", "type": "int"}]}]}],
         "policies": [{"name": "p", "when": "E", "then": "C", "target": "actorId", "data": {"zz": "1"}}],
         "readModels": [{"name": "r", "fields": [{"name": "n", "type": "int"}],
                         "on": [{"event": "E", "set": {"q": "1"}}]}]}
        """;

    assertThatThrownBy(() -> ModelLoader.fromJson(broken)).isInstanceOfSatisfying(InvalidModelException.class, e ->
        assertThat(e.errors()).extracting(ModelError::path, ModelError::id).containsExactlyInAnyOrder(
            tuple("aggregates.A.state.xs.initial", ModelError.INVALID_VALUE),
            tuple("aggregates.A.state.m.type", ModelError.UNKNOWN_TYPE),
            tuple("aggregates.A.state.bad name", ModelError.INVALID_NAME),
            tuple("aggregates.A.commands.C.fields.s.min", ModelError.INVALID_VALUE),
            tuple("aggregates.A.commands.C.fields.s.pattern", ModelError.INVALID_VALUE),
            tuple("aggregates.A.commands.C.fields.b.min", ModelError.INVALID_VALUE),
            tuple("aggregates.A.commands.C.fields.e.enum[0]", ModelError.INVALID_VALUE),
            tuple("aggregates.A.commands.C.emits[0].data.nope", ModelError.UNKNOWN_REFERENCE),
            tuple("policies.p.data.zz", ModelError.UNKNOWN_REFERENCE),
            tuple("readModels.r.on[0].key", ModelError.MISSING_VALUE),
            tuple("readModels.r.on[0].set.q", ModelError.UNKNOWN_REFERENCE)));
  }

  @Property(tries = 300)
  void aggregateNameRule_isTheRuntimesRule(@ForAll @StringLength(max = 6) String name) {
    boolean runtimeAccepts;
    try {
      ActorKey.validAggregateType(name);
      runtimeAccepts = true;
    } catch (InvalidInputException e) {
      runtimeAccepts = false;
    }
    assertThat(ModelValidator.isAggregateName(name)).isEqualTo(runtimeAccepts);
  }

  @Test
  void aTimestampsInitialValue_mustBeAnInstant_notTextThatFailsEveryCommandLater() {
    String model = """
        name: m
        version: "1"
        aggregates:
          - name: A
            state: [{name: since, type: timestamp, initial: %s}]
            commands: [{name: Touch, emits: [Touched]}]
            events: [{name: Touched}]
        """;
    assertThat(ModelLoader.fromYaml(model.formatted("\"2026-01-01T00:00:00Z\"")).aggregates()).hasSize(1);
    assertThatThrownBy(() -> ModelLoader.fromYaml(model.formatted("yesterday")))
        .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.errors())
            .extracting(ModelError::path, ModelError::id)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("aggregates.A.state.since.initial",
                ModelError.INVALID_VALUE)));
  }

  @Test
  void aNegativeLength_isRefused_andMessagesSayAnInt() {
    String model = """
        name: m
        version: "1"
        aggregates:
          - name: A
            commands:
              - name: C
                fields:
                  - {name: s, type: string, min: -5}
                  - {name: n, type: int, enum: [1, fourteen]}
                emits: [E]
            events: [{name: E}]
        """;
    assertThatThrownBy(() -> ModelLoader.fromYaml(model)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.errors()).extracting(ModelError::path, ModelError::message).containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("aggregates.A.commands.C.fields.s.min",
                "a length cannot be negative, was -5"),
            org.assertj.core.groups.Tuple.tuple("aggregates.A.commands.C.fields.n.enum[1]",
                "value fourteen is not an int")));
  }
}
