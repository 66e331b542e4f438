package dev.aether.event;

import dev.aether.NonTransientAetherException;

/**
 * Stored bytes that are not a valid event or snapshot: malformed JSON, a missing or mistyped field, or a
 * value that {@link Event} refuses. The message says which.
 */
public class EventDecodingException extends NonTransientAetherException {

  /**
   * Creates a decoding failure.
   *
   * @param message what is wrong with the bytes
   * @param cause the underlying failure, or {@code null}
   */
  public EventDecodingException(String message, Throwable cause) {
    super(message, cause);
  }
}
