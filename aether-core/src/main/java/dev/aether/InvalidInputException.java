package dev.aether;

import java.util.Objects;

/**
 * Refusal of a value given to Aether: the exception names the offending {@linkplain #field() field} (a dotted
 * path such as {@code data.items[2].price}) and says what is wrong with it. Nothing is stored or published
 * when this is thrown.
 */
public class InvalidInputException extends NonTransientAetherException {

  private final String field;

  /**
   * Creates a refusal of one field.
   *
   * @param field the path of the refused field, for example {@code streamId}
   * @param problem what is wrong, for example {@code must not be blank}
   */
  public InvalidInputException(String field, String problem) {
    this(field, problem, null);
  }

  /**
   * Creates a refusal of one field with an underlying cause.
   *
   * @param field the path of the refused field
   * @param problem what is wrong
   * @param cause the underlying failure, or {@code null}
   */
  public InvalidInputException(String field, String problem, Throwable cause) {
    super(Objects.requireNonNull(field, "field") + ": " + problem, cause);
    this.field = field;
  }

  /**
   * The path of the refused field.
   *
   * @return a dotted path such as {@code streamId} or {@code data.amount}
   */
  public String field() {
    return field;
  }
}
