package dev.aether;

/**
 * A failure that may go away when the same operation is retried: a timeout, a server that is unreachable,
 * an acknowledgement that never arrived.
 */
public non-sealed class TransientAetherException extends AetherException {

  /**
   * Creates a transient failure.
   *
   * @param message what failed and why
   * @param cause the underlying failure, or {@code null}
   */
  public TransientAetherException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public final boolean isTransient() {
    return true;
  }
}
