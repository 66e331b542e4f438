package dev.aether.runtime;

import dev.aether.NonTransientAetherException;
import java.util.List;

/**
 * Refusal of a model: it cannot be read, is structurally broken, or does not fit the runtime that loads it.
 * Carries every problem found, each with a stable id and a path.
 */
public class InvalidModelException extends NonTransientAetherException {

  private final List<ModelError> errors;

  /**
   * Creates a refusal.
   *
   * @param errors the problems; at least one
   */
  public InvalidModelException(List<ModelError> errors) {
    super(message(errors), null);
    this.errors = List.copyOf(errors);
  }

  /** @return every problem found, in model order (unmodifiable) */
  public List<ModelError> errors() {
    return errors;
  }

  private static String message(List<ModelError> errors) {
    StringBuilder b = new StringBuilder("invalid model (" + errors.size() + " problem"
        + (errors.size() == 1 ? "" : "s") + ")");
    errors.forEach(e -> b.append("\n  ").append(e));
    return b.toString();
  }
}
