package dev.aether.model;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * A condition of the model (a command guard or an aggregate invariant): a CEL boolean expression and the
 * message a caller gets when it is false. In JSON/YAML either {@code {"expr": "...", "message": "..."}} or
 * just the expression as a string (the message then defaults to {@code guard failed: <expr>}).
 *
 * @param expr the CEL expression; must evaluate to {@code bool}
 * @param message the rejection message when the expression is false; empty means the default
 */
public record GuardDef(String expr, String message) {

  /** Replaces an absent message with an empty one. */
  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  public GuardDef {
    message = message == null ? "" : message;
  }

  /**
   * Reads the short form: the expression alone.
   *
   * @param expr the expression
   * @return a guard with the default message
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static GuardDef of(String expr) {
    return new GuardDef(expr, "");
  }

  /** @return the message, or {@code guard failed: <expr>} when none was given */
  public String messageOrDefault() {
    return message.isBlank() ? "guard failed: " + expr : message;
  }
}
