package dev.aether.runtime;

import dev.aether.support.Checks;

/**
 * One problem found in a {@link Model}.
 *
 * @param id a stable identifier of the kind of problem (see the constants), for tools and tests
 * @param path where the problem is, by names: {@code aggregates.Account.commands.Withdraw.emits[0]}
 * @param message what is wrong, for people
 */
public record ModelError(String id, String path, String message) {

  /** A required value is missing or blank. */
  public static final String MISSING_VALUE = "missing-value";
  /** A name is not allowed (for example an aggregate type with a {@code /}). */
  public static final String INVALID_NAME = "invalid-name";
  /**
   * Two elements of one list share a name (reported at the later one's own path, by index), or a map of the
   * model text holds a key twice.
   */
  public static final String DUPLICATE_NAME = "duplicate-name";
  /** A reference names nothing that exists. */
  public static final String UNKNOWN_REFERENCE = "unknown-reference";
  /** An unqualified reference matches more than one element; qualify it as {@code Aggregate.Name}. */
  public static final String AMBIGUOUS_REFERENCE = "ambiguous-reference";
  /** A field type is not one of the model's types (see {@link FieldDef}). */
  public static final String UNKNOWN_TYPE = "unknown-type";
  /** An initial value does not fit its field's type. */
  public static final String INVALID_VALUE = "invalid-value";
  /** The text could not be read as a model. */
  public static final String PARSE_ERROR = "parse-error";
  /** An aggregate of the model has no registered behaviour (reported by the runtime). */
  public static final String NO_BEHAVIOR = "no-behavior";
  /** A command of the model is not handled by its aggregate's behaviour (reported by the runtime). */
  public static final String NO_HANDLER = "no-handler";
  /** An expression is not well-formed CEL (reported by {@code aether-model}). */
  public static final String EXPRESSION_SYNTAX = "expression-syntax";
  /** An expression does not type-check against the declared fields (reported by {@code aether-model}). */
  public static final String EXPRESSION_TYPE = "expression-type";
  /** An expression's result type is not the one its place needs (reported by {@code aether-model}). */
  public static final String EXPRESSION_RESULT_TYPE = "expression-result-type";
  /** A warning: policies form a cycle (a command may trigger itself again through events). */
  public static final String POLICY_CYCLE = "policy-cycle";
  /** A warning or error about a model element that cannot be executed as written. */
  public static final String NOT_EXECUTABLE = "not-executable";

  /** Refuses blank values. */
  public ModelError {
    Checks.notBlank(id, "id");
    Checks.notBlank(path, "path");
    Checks.notBlank(message, "message");
  }

  @Override
  public String toString() {
    return path + ": " + message + " [" + id + "]";
  }
}
