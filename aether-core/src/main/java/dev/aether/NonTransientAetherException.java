package dev.aether;

/**
 * A failure that retrying the same operation with the same input cannot fix: a version conflict, invalid
 * input, an incompatible configuration.
 */
public non-sealed class NonTransientAetherException extends AetherException {

  /**
   * Creates a non-transient failure.
   *
   * @param message what failed and why
   * @param cause the underlying failure, or {@code null}
   */
  public NonTransientAetherException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public final boolean isTransient() {
    return false;
  }
}
