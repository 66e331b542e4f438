package dev.aether.store;

import dev.aether.TransientAetherException;

/**
 * The store could not be reached or did not answer in time; nothing was written. Retrying later may
 * succeed.
 */
public class StoreUnavailableException extends TransientAetherException {

  /**
   * Creates an unavailability failure.
   *
   * @param message what could not be reached and why
   * @param cause the underlying failure, or {@code null}
   */
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
