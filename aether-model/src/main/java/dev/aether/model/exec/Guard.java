package dev.aether.model.exec;

import dev.aether.model.expr.Bindings;
import dev.aether.model.expr.CompiledExpression;

/**
 * A compiled guard or invariant with its rejection message. Immutable.
 *
 * @param expression the boolean expression
 * @param message the message when it is false
 */
record Guard(CompiledExpression expression, String message) {

  boolean holds(Bindings bindings) {
    return (Boolean) expression.evaluate(bindings);
  }
}
