package dev.aether.model.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.aether.event.Event;
import dev.aether.model.FieldDef;
import dev.aether.model.ModelLoader;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.InvalidModelException;
import dev.aether.runtime.ModelError;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.store.InMemoryEventStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A field's {@code default}: what a command's payload may leave out and what events stored before the field
 * existed read as, in behaviours, policies and read models.
 */
class FieldDefaultTest {

  private static final String MODEL = """
      name: shop
      version: "1"
      aggregates:
        - name: Cart
          state:
            - {name: items, type: int}
            - {name: last, type: string}
            - {name: weight, type: double}
          commands:
            - name: Add
              fields:
                - {name: sku, type: string}
                - {name: quantity, type: int, min: 1, max: 10, default: 1}
                - {name: note, type: string, optional: true}
                - {name: weight, type: double, default: 1}
              guards:
                - {expr: "cmd.quantity <= 5", message: "at most 5 at once"}
              emits:
                - event: Added
                  data: {remark: cmd.note}
          events:
            - name: Added
              fields:
                - {name: sku, type: string}
                - {name: quantity, type: int}
                - {name: weight, type: double}
                - {name: remark, type: string, optional: true, default: "none"}
                - {name: channel, type: string, default: "web"}
              apply: {items: "state.items + event.quantity", last: "event.remark + '/' + event.channel",
                      weight: "state.weight + event.weight"}
      policies:
        - name: notify
          when: Cart.Added
          then: Mail.Send
          target: actorId
          data: {text: "event.channel + ':' + event.sku"}
        - name: logChannel
          when: Cart.Added
          then: Mail.Log
          target: "'log'"
      readModels:
        - name: Channels
          key: event.channel
          fields: [{name: count, type: int}]
          on:
            - {event: Cart.Added, set: {count: "row.count + 1"}}
      """;

  private static final String MAIL = """
        - name: Mail
          state: [{name: sent, type: "list<string>"}, {name: channels, type: "list<string>"}]
          commands:
            - name: Send
              fields: [{name: text, type: string}]
              emits: [Sent]
            - name: Log
              fields: [{name: channel, type: string, default: "unknown"}]
              emits: [Logged]
          events:
            - name: Sent
              fields: [{name: text, type: string}]
              apply: {sent: "state.sent + [event.text]"}
            - name: Logged
              fields: [{name: channel, type: string}]
              apply: {channels: "state.channels + [event.channel]"}
      """;

  private static final String SHOP = MODEL.replace("\npolicies:", "\n" + MAIL + "policies:");

  private final InMemoryEventStore store = InMemoryEventStore.create();
  private final Runtime runtime = Runtime.builder().eventStore(store).build();

  @AfterEach
  void close() {
    runtime.close();
  }

  private CommandResult add(String cart, Map<String, Object> payload) {
    return runtime.sendMessage(RuntimeMessage.of("Cart", cart, "Add", payload)).join();
  }

  private Map<String, Object> state(String aggregate, String id) {
    return runtime.createVM(dev.aether.runtime.ActorKey.of(aggregate, id)).join().getState();
  }

  @Test
  void aCommandFieldLeftOut_readsAsItsDefault_inGuardsAndMappings_andAGivenValueWins() {
    runtime.loadModel(ModelLoader.fromYaml(SHOP));
    runtime.start();

    assertThat(add("c", Map.of("sku", "A")).isAccepted()).isTrue();
    Map<String, Object> nulled = new HashMap<>(Map.of("sku", "B"));
    nulled.put("quantity", null);
    assertThat(add("c", nulled).isAccepted()).as("an explicit null is absent").isTrue();
    assertThat(add("c", Map.of("sku", "C", "quantity", 3, "weight", 2.5)).isAccepted()).isTrue();
    assertThat(add("c", Map.of("sku", "D", "quantity", 6))).isInstanceOfSatisfying(CommandResult.Rejected.class,
        r -> assertThat(r.message()).isEqualTo("at most 5 at once"));

    List<Event> events = store.getEvents("Cart/c", 1);
    assertThat(events.get(0).data()).isEqualTo(Map.of("sku", "A", "quantity", 1L, "weight", 1.0,
        "remark", "none", "channel", "web"));
    assertThat(events.get(1).data()).containsEntry("quantity", 1L);
    assertThat(events.get(2).data()).containsEntry("quantity", 3L).containsEntry("weight", 2.5);
    assertThat(state("Cart", "c")).containsEntry("items", 5L).containsEntry("weight", 4.5)
        .containsEntry("last", "none/web");
  }

  @Test
  void eventsStoredBeforeAFieldExisted_readAsItsDefault_inApply_policies_andReadModels() {
    // stored by an older version whose Added had no weight, remark or channel
    store.append("Cart/old", 0, List.of(Event.builder().eventType("Added").streamId("Cart/old").version(1)
        .data(Map.of("sku", "X", "quantity", 2, "weight", 0.5)).build()));
    var compiled = CompiledModel.fromYaml(SHOP);
    var older = ModelLoader.fromYaml(SHOP.replace(
        "                - {name: remark, type: string, optional: true, default: \"none\"}\n"
            + "                - {name: channel, type: string, default: \"web\"}\n", "")
        .replace("apply: {items: \"state.items + event.quantity\", last: \"event.remark + '/' + event.channel\",",
            "apply: {items: \"state.items + event.quantity\",")
        .replace("data: {text: \"event.channel + ':' + event.sku\"}", "data: {text: \"event.sku\"}")
        .replace("data: {remark: cmd.note}", "data: {}"));
    assertThat(compiled.warningsReplacing(older)).extracting(ModelError::id).doesNotContain("event-field-required");

    runtime.loadModel(compiled.model());
    runtime.start();

    assertThat(state("Cart", "old")).containsEntry("items", 2L).containsEntry("last", "none/web")
        .containsEntry("weight", 0.5);
    ReadModel channels = ModelExecution.of(runtime).orElseThrow().readModel("Channels").orElseThrow();
    await().atMost(Duration.ofSeconds(5)).until(() -> channels.get("web").isPresent());
    assertThat(channels.get("web").orElseThrow()).containsEntry("count", 1L);
    await().atMost(Duration.ofSeconds(5)).until(() -> store.getLatestVersion("Mail/old") == 1
        && store.getLatestVersion("Mail/log") == 1);
    assertThat(store.getEvents("Mail/old", 1).getFirst().data()).isEqualTo(Map.of("text", "web:X"));
    assertThat(store.getEvents("Mail/log", 1).getFirst().data())
        .as("a same-named copy reads the event's default")
        .isEqualTo(Map.of("channel", "web"));
  }

  @Test
  void aCopyFromAnAbsentOptionalField_givesTheTargetsDefault() {
    runtime.loadModel(ModelLoader.fromYaml(SHOP));
    runtime.start();
    add("n", Map.of("sku", "A", "note", "gift"));
    add("n", Map.of("sku", "B"));
    assertThat(store.getEvents("Cart/n", 1)).extracting(e -> e.data().get("remark")).containsExactly("gift", "none");
  }

  @Test
  void aDefaultThatDoesNotFitItsTypeOrConstraints_isRefusedAtLoad_namingIt() {
    String bad = SHOP.replace("{name: quantity, type: int, min: 1, max: 10, default: 1}",
            "{name: quantity, type: int, min: 1, max: 10, default: 0}")
        .replace("{name: channel, type: string, default: \"web\"}", "{name: channel, type: string, default: 7}")
        .replaceFirst(java.util.regex.Pattern.quote("{name: sku, type: string}"),
            "{name: sku, type: string, pattern: \"[A-Z]+\", default: \"x1\"}")
        .replace("{name: weight, type: double, default: 1}", "{name: weight, type: timestamp, default: \"soon\"}");
    assertThatThrownBy(() -> CompiledModel.fromYaml(bad)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.errors()).filteredOn(err -> err.path().endsWith(".default"))
            .extracting(err -> err.id() + " " + err.path() + ": " + err.message())
            .containsExactlyInAnyOrder(
                "invalid-value aggregates.Cart.commands.Add.fields.sku.default: default x1: must match [A-Z]+",
                "invalid-value aggregates.Cart.commands.Add.fields.quantity.default: default 0: must be at least 1,"
                    + " was 0",
                "invalid-value aggregates.Cart.commands.Add.fields.weight.default: default soon is not a"
                    + " timestamp",
                "invalid-value aggregates.Cart.events.Added.fields.channel.default: default 7 is not a string"));
  }

  /** Found by a model author: `default: null` left the field required; an infinite number hid every other error. */
  @Test
  void aNullDefault_andInfiniteNumbers_areRefusedWithTheirPaths_nextToTheOtherErrors() {
    String bad = """
        name: t
        version: "1"
        aggregates:
          - name: A
            state: [{name: x, type: double, initial: 1e999}]
            commands:
              - name: C
                fields:
                  - {name: i, type: double, default: 1e999}
                  - {name: dn, type: string, default: null}
                  - {name: m, type: int, min: 1e999}
                guards: ["cmd.nope"]
                emits: [E]
            events:
              - name: E
                fields: [{name: i, type: double}]
        """;
    assertThatThrownBy(() -> CompiledModel.fromYaml(bad)).isInstanceOfSatisfying(InvalidModelException.class,
        e -> assertThat(e.errors()).extracting(err -> err.id() + " " + err.path()).containsExactlyInAnyOrder(
            "invalid-value aggregates.A.commands.C.fields.dn.default",
            "invalid-value aggregates.A.state.x.initial",
            "invalid-value aggregates.A.commands.C.fields.i.default",
            "invalid-value aggregates.A.commands.C.fields.m.min",
            "unknown-reference aggregates.A.commands.C.guards[0]"));
  }

  @Test
  void fieldDefApi_saysWhoMayFindTheFieldAbsent() {
    FieldDef withDefault = FieldDef.withDefault("n", "int", 3);
    assertThat(withDefault.mayBeAbsent()).isTrue();
    assertThat(withDefault.mayReadAbsent()).isFalse();
    assertThat(FieldDef.optional("n", "int").mayReadAbsent()).isTrue();
    assertThat(FieldDef.of("n", "int").mayBeAbsent()).isFalse();
    assertThat(new FieldDef("n", "int", false, null, null, null, List.of()).defaultValue()).isNull();
  }
}
