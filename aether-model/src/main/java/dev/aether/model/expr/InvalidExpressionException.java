package dev.aether.model.expr;

import dev.aether.NonTransientAetherException;
import java.util.List;

/** Refusal of an expression that does not compile; carries every problem found, each with its path. */
public class InvalidExpressionException extends NonTransientAetherException {

  private final List<ExpressionError> errors;

  /**
   * Creates a refusal.
   *
   * @param errors the problems; at least one
   */
  public InvalidExpressionException(List<ExpressionError> errors) {
    super(message(errors), null);
    this.errors = List.copyOf(errors);
  }

  /**
   * The problems found.
   *
   * @return an unmodifiable list, in source order
   */
  public List<ExpressionError> errors() {
    return errors;
  }

  private static String message(List<ExpressionError> errors) {
    StringBuilder b = new StringBuilder("invalid expression (" + errors.size() + " problem"
        + (errors.size() == 1 ? "" : "s") + ")");
    errors.forEach(e -> b.append("\n  ").append(e));
    return b.toString();
  }
}
