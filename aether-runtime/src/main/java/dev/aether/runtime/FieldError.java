package dev.aether.runtime;

import dev.aether.support.Checks;

/**
 * One refused field of a command payload.
 *
 * @param path the field's path, starting at {@code payload} (for example {@code payload.amount} or
 *     {@code payload.lines[2].sku})
 * @param problem what is wrong with it, for example {@code required field is missing}
 */
public record FieldError(String path, String problem) {

  /** Refuses blank values. */
  public FieldError {
    Checks.notBlank(path, "path");
    Checks.notBlank(problem, "problem");
  }

  @Override
  public String toString() {
    return path + ": " + problem;
  }
}
