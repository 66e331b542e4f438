package dev.aether.model.expr;

import java.util.Map;

/**
 * Rough cost of evaluating compiled expressions, for the README's numbers: a plain {@code main}, not a
 * test (timing belongs to the benchmark harness, never to assertions). JMH in {@code aether-bench} is the
 * place for precise numbers. Run from the module directory after {@code test-compile}, e.g.
 * {@code java -cp target/classes:target/test-classes:<dependencies> dev.aether.model.expr.ExpressionCost}.
 */
public final class ExpressionCost {

  private static final int ROUNDS = 5;
  private static final int CALLS = 1_000_000;

  private ExpressionCost() {}

  /**
   * Prints nanoseconds per evaluation for a few typical guards and mappings.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Map<String, Object> variables = Account.variables();
    Bindings bindings = Account.SCOPE.bind(variables);
    measure("bind(state, cmd, now, actorId)", () -> Account.SCOPE.bind(variables));
    measure("guard   state.balance >= cmd.amount", evaluation("state.balance >= cmd.amount", FieldType.BOOL, bindings));
    measure("mapping state.balance - cmd.amount", evaluation("state.balance - cmd.amount", FieldType.INT, bindings));
    measure("guard   balance/frozen/tags.exists", evaluation(
        "state.balance >= cmd.amount && !state.frozen && state.tags.exists(t, t == 'gold')", FieldType.BOOL, bindings));
    measure("mapping timestamp cmd.at", evaluation("cmd.at", FieldType.TIMESTAMP, bindings));
    measure("mapping map literal", evaluation("{'a': cmd.amount, 'b': state.balance}", FieldType.mapOf(FieldType.INT),
        bindings));
    CompiledExpression unbound = Account.compile("state.balance - cmd.amount", FieldType.INT);
    measure("bind + mapping (evaluate(Map))", () -> unbound.evaluate(variables));
  }

  private static Runnable evaluation(String source, FieldType type, Bindings bindings) {
    CompiledExpression expression = Account.compile(source, type);
    return () -> expression.evaluate(bindings);
  }

  private static void measure(String name, Runnable call) {
    double best = Double.MAX_VALUE;
    for (int round = 0; round < ROUNDS; round++) {
      long start = System.nanoTime();
      for (int i = 0; i < CALLS; i++) {
        call.run();
      }
      best = Math.min(best, (System.nanoTime() - start) / (double) CALLS);
    }
    System.out.printf("%-45s %7.0f ns%n", name, best);
  }
}
