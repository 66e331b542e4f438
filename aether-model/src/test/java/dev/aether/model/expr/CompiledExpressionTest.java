package dev.aether.model.expr;

import static dev.aether.model.expr.Account.GUARD;
import static dev.aether.model.expr.Account.compile;
import static dev.aether.model.expr.Account.eval;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

import dev.aether.InvalidInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class CompiledExpressionTest {

  private static void assertEvaluationFails(ThrowingCallable call, String problem) {
    assertThatThrownBy(call)
        .isInstanceOf(ExpressionEvaluationException.class)
        .satisfies(e -> assertThat(((ExpressionEvaluationException) e).path()).isEqualTo(GUARD))
        .satisfies(e -> assertThat(((ExpressionEvaluationException) e).problem()).contains(problem));
  }

  @Test
  void guard_evaluatesToBoolean() {
    CompiledExpression guard = compile("state.balance >= cmd.amount && !state.frozen", FieldType.BOOL);

    assertThat(guard.evaluate(Account.variables(Account.state(), Account.withdraw(100)))).isEqualTo(true);
    assertThat(guard.evaluate(Account.variables(Account.state(), Account.withdraw(101)))).isEqualTo(false);
  }

  @Test
  void intMapping_givesLong() {
    assertThat(eval("state.balance - cmd.amount", FieldType.INT)).isEqualTo(70L);
  }

  @Test
  void doubleField_readAsIntegralLong_isWidenedForCel() {
    assertThat(eval("state.rate * 1.5", FieldType.DOUBLE)).isEqualTo(3.0);
  }

  @Test
  void stringMapping_givesString() {
    assertThat(eval("state.owner + '@' + actorId", FieldType.STRING)).isEqualTo("alice@acc-1");
  }

  @Test
  void timestampMapping_givesIso8601UtcString() {
    assertThat(eval("now + duration('90m')", FieldType.TIMESTAMP)).isEqualTo("2025-03-01T13:30:00Z");
    assertThat(eval("cmd.at", FieldType.TIMESTAMP)).isEqualTo("2025-03-01T11:00:00Z");
    assertThat(eval("timestamp('2024-06-01T10:00:00.250+02:00')", FieldType.TIMESTAMP))
        .isEqualTo("2024-06-01T08:00:00.250Z");
  }

  @Test
  void timestampFields_compareAsInstants() {
    assertThat(eval("state.openedAt < cmd.at && cmd.at < now", FieldType.BOOL)).isEqualTo(true);
    assertThat(eval("now - state.openedAt > duration('8760h')", FieldType.BOOL)).isEqualTo(true);
    assertThat(eval("state.openedAt.getFullYear()", FieldType.INT)).isEqualTo(2024L);
  }

  @Test
  void listMapping_givesUnmodifiableListOfConvertedValues() {
    Object tags = eval("state.tags.map(t, t + '!') + [cmd.owner]", FieldType.listOf(FieldType.STRING));
    Object times = eval("[state.openedAt, now]", FieldType.listOf(FieldType.TIMESTAMP));
    Object doubles = eval("state.history.map(h, h * 2.0)", FieldType.listOf(FieldType.DOUBLE));

    assertThat(tags).asInstanceOf(LIST).containsExactly("gold!", "eu!", "alice");
    assertThat(times).asInstanceOf(LIST).containsExactly("2024-01-15T08:30:00Z", "2025-03-01T12:00:00Z");
    assertThat(doubles).asInstanceOf(LIST).containsExactly(3.0, 4.0);
    assertThatThrownBy(() -> ((List<?>) tags).clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void mapMapping_givesInsertionOrderedMapOfConvertedValues() {
    Object limits = eval("{'weekly': state.limits['daily'] * 7, 'daily': cmd.amount}", FieldType.mapOf(FieldType.INT));
    Object nested = eval("{'at': [cmd.at]}", FieldType.mapOf(FieldType.listOf(FieldType.TIMESTAMP)));

    assertThat(limits).asInstanceOf(MAP).containsExactly(Map.entry("weekly", 3500L), Map.entry("daily", 30L));
    assertThat(nested).isEqualTo(Map.of("at", List.of("2025-03-01T11:00:00Z")));
  }

  @Test
  void dynamicResult_isCheckedAndWidenedAtEvaluation() {
    assertThat(eval("[1, 2.5]", FieldType.listOf(FieldType.DOUBLE))).isEqualTo(List.of(1.0, 2.5));
    assertThat(eval("[]", FieldType.listOf(FieldType.STRING))).isEqualTo(List.of());
    assertThat(eval("{}", FieldType.mapOf(FieldType.BOOL))).isEqualTo(Map.of());
    assertEvaluationFails(() -> eval("dyn('x')", FieldType.INT), "the result string 'x' does not fit int");
  }

  @Test
  void optionalField_isTestedWithHas() {
    CompiledExpression note = compile("has(cmd.note) ? cmd.note : 'no note'", FieldType.STRING);

    Map<String, Object> withNote = new HashMap<>(Account.withdraw(1));
    withNote.put("note", "rent");
    assertThat(note.evaluate(Account.variables(Account.state(), withNote))).isEqualTo("rent");
    assertThat(note.evaluate(Account.variables(Account.state(), Account.withdraw(1)))).isEqualTo("no note");
  }

  @Test
  void missingField_failsNamingTheReference() {
    CompiledExpression expression = compile("cmd.note + '!'", FieldType.STRING);

    assertEvaluationFails(() -> expression.evaluate(Account.variables()), "no value for 'cmd.note'");
  }

  @Test
  void missingMapKey_fails() {
    assertEvaluationFails(() -> eval("state.limits['monthly'] > 0", FieldType.BOOL), "no key 'monthly' in the map");
  }

  @Test
  void divisionByZero_failsWithColumn() {
    CompiledExpression expression = compile("state.balance / (cmd.amount - 30)", FieldType.INT);

    assertThatThrownBy(() -> expression.evaluate(Account.variables()))
        .isInstanceOf(ExpressionEvaluationException.class)
        .hasMessage(GUARD + ": division by zero at column 15")
        .satisfies(e -> assertThat(((ExpressionEvaluationException) e).column()).isEqualTo(15));
  }

  @Test
  void integerOverflow_fails() {
    assertEvaluationFails(() -> eval("state.balance + 9223372036854775807", FieldType.INT), "numeric overflow");
  }

  @Test
  void indexOutOfRange_fails() {
    assertEvaluationFails(() -> eval("state.tags[5]", FieldType.STRING), "index out of bounds: 5");
  }

  @Test
  void badConversion_fails() {
    assertEvaluationFails(() -> eval("int(state.owner)", FieldType.INT), "conversion failed");
  }

  @Test
  void nonFiniteDouble_isRefusedBecauseJsonCannotHoldIt() {
    assertEvaluationFails(() -> eval("state.rate / 0.0", FieldType.DOUBLE), "Infinity is not a finite number");
  }

  @Test
  void missingVariable_fails() {
    CompiledExpression expression = compile("now > cmd.at", FieldType.BOOL);

    assertThatThrownBy(() -> expression.evaluate(Map.of("cmd", Account.withdraw(1))))
        .isInstanceOf(ExpressionEvaluationException.class)
        .hasMessageContaining("no value for variable 'now'");
  }

  @Test
  void bindingsOfAnotherScope_areRefused() {
    Bindings other = ExpressionScope.builder().variable("x", FieldType.INT).build().bind(Map.of("x", 1L));

    assertThatThrownBy(() -> compile("cmd.amount", FieldType.INT).evaluate(other))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void bindingsOfAnEqualScope_areAccepted() {
    ExpressionScope copy = ExpressionScope.builder()
        .record("cmd", Account.SCOPE.recordFields("cmd").orElseThrow()).build();
    ExpressionScope original = ExpressionScope.builder()
        .record("cmd", Account.SCOPE.recordFields("cmd").orElseThrow()).build();
    CompiledExpression expression = ExpressionCompiler.create(original)
        .compile("cmd.amount", FieldType.INT, "p").orElseThrow();

    assertThat(expression.evaluate(copy.bind(Map.of("cmd", Account.withdraw(4))))).isEqualTo(4L);
  }

  @Test
  void oneBinding_servesManyExpressions() {
    Bindings bindings = Account.SCOPE.bind(Account.variables());

    assertThat(compile("state.balance >= cmd.amount", FieldType.BOOL).evaluate(bindings)).isEqualTo(true);
    assertThat(compile("state.balance - cmd.amount", FieldType.INT).evaluate(bindings)).isEqualTo(70L);
    assertThat(compile("cmd.at", FieldType.TIMESTAMP).evaluate(bindings)).isEqualTo("2025-03-01T11:00:00Z");
  }

  @Test
  void with_rebindsOneVariable_andLeavesTheOriginalUnchanged() {
    Bindings base = Account.SCOPE.bind(Map.of("state", Account.state()));
    CompiledExpression remaining = compile("state.balance - cmd.amount", FieldType.INT);

    Bindings first = base.with("cmd", Account.withdraw(10));
    Bindings second = first.with("cmd", Account.withdraw(25));

    assertThat(remaining.evaluate(first)).isEqualTo(90L);
    assertThat(remaining.evaluate(second)).isEqualTo(75L);
    assertThat(base.has("cmd")).isFalse();
    assertThat(first.with("cmd", null).has("cmd")).isFalse();
    assertThatThrownBy(() -> base.with("event", Map.of())).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> base.with("now", "soon")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void manyThreads_evaluateOneProgram_andEachGetsItsOwnResult() throws Exception {
    CompiledExpression expression = compile(
        "state.tags.map(t, t + ':' + string(cmd.amount)) + [string(state.balance - cmd.amount)]",
        FieldType.listOf(FieldType.STRING));
    int threads = 8;
    int perThread = 2_000;
    ExecutorService pool =
        Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("evaluator-", 0).factory());
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t * perThread;
        futures.add(pool.submit(() -> evaluateRange(expression, offset, perThread)));
      }
      for (Future<Integer> future : futures) {
        assertThat(future.get()).isEqualTo(perThread);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static int evaluateRange(CompiledExpression expression, int from, int count) {
    int correct = 0;
    for (long amount = from; amount < from + count; amount++) {
      Object result = expression.evaluate(Account.variables(Account.state(), Account.withdraw(amount)));
      if (result.equals(List.of("gold:" + amount, "eu:" + amount, String.valueOf(100 - amount)))) {
        correct++;
      }
    }
    return correct;
  }
}
