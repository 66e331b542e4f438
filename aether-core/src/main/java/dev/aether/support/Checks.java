package dev.aether.support;

import dev.aether.InvalidInputException;

/**
 * Argument checks shared by Aether's modules; each failure is an {@link InvalidInputException} naming the
 * field. A helper for store, bus and runtime
 * implementations (see the package).
 */
public final class Checks {

  private Checks() {}

  /**
   * Refuses a null, empty or whitespace-only string.
   *
   * @param value the value to check
   * @param field the field name used in the error
   * @return the value
   */
  public static String notBlank(String value, String field) {
    if (value == null) {
      throw new InvalidInputException(field, "must not be null");
    }
    if (value.isBlank()) {
      throw new InvalidInputException(field, "must not be blank");
    }
    return value;
  }

  /**
   * Refuses a string holding an unpaired UTF-16 surrogate: it has no UTF-8 form, so no store, subject or JSON
   * document could keep it as it is.
   *
   * @param value the value to check, not null
   * @param field the field name used in the error
   * @return the value
   */
  public static String wellFormedUtf16(String value, String field) {
    int at = unpairedSurrogateAt(value);
    if (at >= 0) {
      throw new InvalidInputException(field, "holds an unpaired UTF-16 surrogate at index " + at
          + ", which has no UTF-8 form");
    }
    return value;
  }

  /**
   * Finds the first unpaired UTF-16 surrogate of a string (one that has no UTF-8 form).
   *
   * @param value the string, not null
   * @return the index of its first unpaired surrogate, or -1 when it is well-formed
   */
  public static int unpairedSurrogateAt(String value) {
    for (int i = 0, length = value.length(); i < length; i++) {
      char c = value.charAt(i);
      if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c) || i + 1 == length || !Character.isLowSurrogate(value.charAt(i + 1))) {
          return i;
        }
        i++;
      }
    }
    return -1;
  }

  /**
   * Refuses a null value.
   *
   * @param value the value to check
   * @param field the field name used in the error
   * @param <T> the value's type
   * @return the value
   */
  public static <T> T notNull(T value, String field) {
    if (value == null) {
      throw new InvalidInputException(field, "must not be null");
    }
    return value;
  }

  /**
   * Refuses a value that is zero or negative.
   *
   * @param value the value to check
   * @param field the field name used in the error
   * @return the value
   */
  public static long positive(long value, String field) {
    if (value <= 0) {
      throw new InvalidInputException(field, "must be > 0, was " + value);
    }
    return value;
  }

  /**
   * Refuses a negative value.
   *
   * @param value the value to check
   * @param field the field name used in the error
   * @return the value
   */
  public static long notNegative(long value, String field) {
    if (value < 0) {
      throw new InvalidInputException(field, "must be >= 0, was " + value);
    }
    return value;
  }
}
