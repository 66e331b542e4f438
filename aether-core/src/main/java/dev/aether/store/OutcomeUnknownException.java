package dev.aether.store;

import dev.aether.TransientAetherException;

/**
 * A write whose outcome is unknown: it was sent, but no acknowledgement arrived in time, so it may or may not
 * have been stored. Retrying the <em>same</em> write (same events, same ids) is safe: the store recognises
 * it and stores it at most once.
 */
public class OutcomeUnknownException extends TransientAetherException {

  private final String streamId;

  /**
   * Creates an unknown-outcome failure.
   *
   * @param streamId the stream (one actor's history) written to
   * @param message what happened
   * @param cause the underlying failure, or {@code null}
   */
  public OutcomeUnknownException(String streamId, String message, Throwable cause) {
    super(message, cause);
    this.streamId = streamId;
  }

  /** @return the actor written to */
  public String streamId() {
    return streamId;
  }

  /**
   * The stream id under its name before issue 10.
   *
   * @return {@link #streamId()}
   * @deprecated use {@link #streamId()}
   */
  @Deprecated(since = "0.10")
  public String actorId() {
    return streamId;
  }
}
