package dev.aether.store;

import dev.aether.TransientAetherException;

/**
 * A write whose outcome is unknown: it was sent, but no acknowledgement arrived in time, so it may or may not
 * have been stored. Retrying the <em>same</em> write (same events, same ids) is safe: the store recognises
 * it and stores it at most once.
 */
public class OutcomeUnknownException extends TransientAetherException {

  private final String actorId;

  /**
   * Creates an unknown-outcome failure.
   *
   * @param actorId the actor written to
   * @param message what happened
   * @param cause the underlying failure, or {@code null}
   */
  public OutcomeUnknownException(String actorId, String message, Throwable cause) {
    super(message, cause);
    this.actorId = actorId;
  }

  /** @return the actor written to */
  public String actorId() {
    return actorId;
  }
}
