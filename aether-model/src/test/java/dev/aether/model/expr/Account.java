package dev.aether.model.expr;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small account model's scope and values, shared by the expression tests. */
final class Account {

  static final String GUARD = "aggregates.Account.commands.Withdraw.guards[0]";

  static final ExpressionScope SCOPE = ExpressionScope.builder()
      .record("state", fields(
          "balance", FieldType.INT,
          "owner", FieldType.STRING,
          "rate", FieldType.DOUBLE,
          "frozen", FieldType.BOOL,
          "openedAt", FieldType.TIMESTAMP,
          "tags", FieldType.listOf(FieldType.STRING),
          "limits", FieldType.mapOf(FieldType.INT),
          "history", FieldType.listOf(FieldType.DOUBLE)))
      .record("cmd", fields(
          "amount", FieldType.INT,
          "owner", FieldType.STRING,
          "note", FieldType.STRING,
          "at", FieldType.TIMESTAMP))
      .variable("now", FieldType.TIMESTAMP)
      .variable("actorId", FieldType.STRING)
      .build();

  static final ExpressionCompiler COMPILER = ExpressionCompiler.create(SCOPE);

  static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

  private Account() {}

  static Map<String, Object> state() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("balance", 100L);
    state.put("owner", "alice");
    state.put("rate", 2L); // an integral double as JSON reads it back
    state.put("frozen", false);
    state.put("openedAt", "2024-01-15T08:30:00Z");
    state.put("tags", List.of("gold", "eu"));
    state.put("limits", Map.of("daily", 500L));
    state.put("history", List.of(1.5, 2L));
    return state;
  }

  static Map<String, Object> withdraw(long amount) {
    return Map.of("amount", amount, "owner", "alice", "at", "2025-03-01T11:00:00Z");
  }

  static Map<String, Object> variables(Map<String, Object> state, Map<String, Object> cmd) {
    return Map.of("state", state, "cmd", cmd, "now", NOW, "actorId", "acc-1");
  }

  static Map<String, Object> variables() {
    return variables(state(), withdraw(30));
  }

  static CompiledExpression compile(String source, FieldType type) {
    return COMPILER.compile(source, type, GUARD).orElseThrow();
  }

  static Object eval(String source, FieldType type) {
    return compile(source, type).evaluate(variables());
  }

  static Map<String, FieldType> fields(Object... namesAndTypes) {
    Map<String, FieldType> fields = new LinkedHashMap<>();
    for (int i = 0; i < namesAndTypes.length; i += 2) {
      fields.put((String) namesAndTypes[i], (FieldType) namesAndTypes[i + 1]);
    }
    return fields;
  }
}
