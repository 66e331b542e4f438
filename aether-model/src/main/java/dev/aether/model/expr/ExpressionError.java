package dev.aether.model.expr;

import dev.aether.support.Checks;

/**
 * One problem found while compiling an expression of the model.
 *
 * <p>The {@link #id()} is stable, for tools and tests (one of the constants; {@link #UNKNOWN_REFERENCE}
 * is spelled like the model's own unknown-reference error id, so the model loader can report both alike).
 * {@link #line()} and {@link #column()} are 1-based positions in the expression's source, 0 when unknown.
 *
 * @param id the kind of problem
 * @param path where the expression is in the model, e.g. {@code aggregates.Account.commands.Withdraw.guards[0]}
 * @param message what is wrong, e.g. {@code undeclared reference 'cmd.amout' (cmd has amount, owner)}
 * @param line the 1-based line in the source, 0 when unknown
 * @param column the 1-based column in the source, 0 when unknown
 */
public record ExpressionError(String id, String path, String message, int line, int column) {

  /** The source is not a well-formed CEL expression. */
  public static final String SYNTAX = "expression-syntax";
  /** The expression names a variable, record field or function that is not declared. */
  public static final String UNKNOWN_REFERENCE = "unknown-reference";
  /** The expression does not type-check against the declared fields (e.g. {@code int + string}). */
  public static final String TYPE = "expression-type";
  /** The expression type-checks, but its result type is not the one its place in the model needs. */
  public static final String RESULT_TYPE = "expression-result-type";

  /** Refuses blank texts and negative positions. */
  public ExpressionError {
    Checks.notBlank(id, "id");
    Checks.notBlank(path, "path");
    Checks.notBlank(message, "message");
    Checks.notNegative(line, "line");
    Checks.notNegative(column, "column");
  }

  /**
   * The message with the position appended, as a model error shows it.
   *
   * @return e.g. {@code undeclared reference 'cmd.amout' (cmd has amount) at column 1}
   */
  public String messageWithPosition() {
    if (column == 0) {
      return message;
    }
    return message + (line > 1 ? " at line " + line + ", column " + column : " at column " + column);
  }

  @Override
  public String toString() {
    return path + ": " + messageWithPosition() + " [" + id + "]";
  }
}
