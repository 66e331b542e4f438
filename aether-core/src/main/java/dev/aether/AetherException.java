package dev.aether;

/**
 * Root of every exception Aether throws. Unchecked.
 *
 * <p>Every Aether exception is either {@linkplain TransientAetherException transient} (retrying the same
 * operation may succeed: timeouts, an unknown outcome, a server that is down) or
 * {@linkplain NonTransientAetherException non-transient} (retrying the same input fails the same way:
 * conflicts, validation errors, bad configuration). Use {@link #isTransient()} to decide whether to retry.
 */
public abstract sealed class AetherException extends RuntimeException
    permits TransientAetherException, NonTransientAetherException {

  AetherException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Tells whether retrying the operation that failed may succeed.
   *
   * @return {@code true} for transient failures
   */
  public abstract boolean isTransient();
}
