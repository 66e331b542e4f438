package dev.aether.model.expr;

import static dev.aether.model.expr.Account.fields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExpressionScopeTest {

  @Test
  void builder_keepsDeclarationsInOrder() {
    ExpressionScope scope = Account.SCOPE;

    assertThat(scope.names()).containsExactly("state", "cmd", "now", "actorId");
    assertThat(scope.variableType("now")).contains(FieldType.TIMESTAMP);
    assertThat(scope.variableType("state")).isEmpty();
    assertThat(scope.recordFields("cmd").orElseThrow()).containsOnlyKeys("amount", "owner", "note", "at");
    assertThat(scope.recordFields("now")).isEmpty();
  }

  @Test
  void scopes_withEqualDeclarations_areEqual() {
    ExpressionScope a = ExpressionScope.builder().record("cmd", fields("n", FieldType.INT)).build();
    ExpressionScope b = ExpressionScope.builder().record("cmd", fields("n", FieldType.INT)).build();

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).hasToString("ExpressionScope{cmd: {n=int}}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1x", "a-b", "in", "null", "int", "type", "a.b"})
  void builder_invalidVariableName_isRefused(String name) {
    assertThat(ExpressionScope.isValidName(name)).isFalse();
    assertThatThrownBy(() -> ExpressionScope.builder().variable(name, FieldType.INT))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not a valid expression name");
  }

  @Test
  void builder_invalidFieldName_isRefusedWithItsPath() {
    assertThatThrownBy(() -> ExpressionScope.builder().record("cmd", fields("for", FieldType.INT)))
        .isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("cmd.for");
  }

  @Test
  void builder_duplicateName_isRefused() {
    ExpressionScope.Builder builder = ExpressionScope.builder().variable("now", FieldType.TIMESTAMP);

    assertThatThrownBy(() -> builder.record("now", Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("declared twice");
  }

  @Test
  void bind_valueOfWrongType_namesTheField() {
    Map<String, Object> cmd = new HashMap<>(Account.withdraw(1));
    cmd.put("amount", "ten");

    assertThatThrownBy(() -> Account.SCOPE.bind(Account.variables(Account.state(), cmd)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("expected int, found string 'ten'")
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("cmd.amount");
  }

  @Test
  void bind_badTimestamp_namesTheField() {
    Map<String, Object> state = Account.state();
    state.put("openedAt", "yesterday");

    assertThatThrownBy(() -> Account.SCOPE.bind(Account.variables(state, Account.withdraw(1))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("expected an ISO-8601 timestamp, found 'yesterday'")
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("state.openedAt");
  }

  @Test
  void bind_badListElement_namesItsIndex() {
    Map<String, Object> state = Account.state();
    state.put("history", List.of(1.0, "two"));

    assertThatThrownBy(() -> Account.SCOPE.bind(Account.variables(state, Account.withdraw(1))))
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("state.history[1]");
  }

  @Test
  void bind_recordThatIsNotAMap_isRefused() {
    assertThatThrownBy(() -> Account.SCOPE.bind(Map.of("cmd", List.of())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("must be a map of fields");
  }

  @Test
  void bind_ignoresUndeclaredVariablesAndFields() {
    Map<String, Object> cmd = new HashMap<>(Account.withdraw(5));
    cmd.put("extra", List.of("anything"));

    Bindings bindings = Account.SCOPE.bind(Map.of("cmd", cmd, "other", 1));

    assertThat(bindings.has("cmd")).isTrue();
    assertThat(bindings.has("other")).isFalse();
    assertThat(bindings.has("state")).isFalse();
    assertThat(Account.compile("cmd.amount * 2", FieldType.INT).evaluate(bindings)).isEqualTo(10L);
  }

  @Test
  void bind_nullField_countsAsAbsent() {
    Map<String, Object> cmd = new HashMap<>(Account.withdraw(5));
    cmd.put("note", null);

    Object present = Account.compile("has(cmd.note)", FieldType.BOOL)
        .evaluate(Account.variables(Account.state(), cmd));

    assertThat(present).isEqualTo(false);
  }

  @Test
  void bind_smallIntegerBoxes_areWidenedToLong() {
    Map<String, Object> cmd = Map.of("amount", 7);

    assertThat(Account.compile("cmd.amount + 1", FieldType.INT).evaluate(Map.of("cmd", cmd))).isEqualTo(8L);
  }

  @Test
  void bind_doesNotChangeTheCallersMaps() {
    Map<String, Object> state = Account.state();
    Map<String, Object> before = new HashMap<>(state);

    Account.SCOPE.bind(Account.variables(state, Account.withdraw(1)));

    assertThat(state).isEqualTo(before);
  }
}
