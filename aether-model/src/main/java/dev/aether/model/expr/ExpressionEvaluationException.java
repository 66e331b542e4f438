package dev.aether.model.expr;

import dev.aether.NonTransientAetherException;

/**
 * Failure of one evaluation of a compiled expression: division by zero, integer overflow, a record field or
 * map key without a value, an index out of range, a conversion that failed ({@code int('x')}), or a result
 * that does not fit the expected type (a non-finite double, a dynamic value of another type). Evaluating
 * the same expression on the same values fails the same way, so it is non-transient.
 */
public class ExpressionEvaluationException extends NonTransientAetherException {

  private final String path;
  private final String problem;
  private final int column;

  /**
   * Creates a failure.
   *
   * @param path the expression's path in the model
   * @param problem what went wrong, e.g. {@code division by zero}
   * @param column the 1-based column in the source where it went wrong, 0 when unknown
   * @param cause the CEL failure, or {@code null}
   */
  public ExpressionEvaluationException(String path, String problem, int column, Throwable cause) {
    super(path + ": " + problem + (column > 0 ? " at column " + column : ""), cause);
    this.path = path;
    this.problem = problem;
    this.column = column;
  }

  /**
   * Where the expression is in the model.
   *
   * @return e.g. {@code aggregates.Account.events.Deposited.apply.balance}
   */
  public String path() {
    return path;
  }

  /**
   * What went wrong, without the path.
   *
   * @return e.g. {@code division by zero}
   */
  public String problem() {
    return problem;
  }

  /**
   * The 1-based column in the source where it went wrong.
   *
   * @return the column, 0 when unknown
   */
  public int column() {
    return column;
  }
}
