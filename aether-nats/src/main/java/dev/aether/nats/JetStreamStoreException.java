package dev.aether.nats;

import dev.aether.NonTransientAetherException;

/**
 * A store operation refused for a reason that retrying cannot fix: JetStream is not enabled on the server,
 * a stream cannot be created as configured (for example more replicas than the cluster has), the server
 * rejected a commit (for example a stream limit), or the store is closed. The message names the cause and,
 * for a server refusal, the server's error. Nothing was stored.
 */
public class JetStreamStoreException extends NonTransientAetherException {

  private final int apiErrorCode;

  /**
   * Creates a refusal.
   *
   * @param message what was refused and why
   * @param apiErrorCode the JetStream API error code, or 0 when there is none
   * @param cause the underlying failure, or {@code null}
   */
  public JetStreamStoreException(String message, int apiErrorCode, Throwable cause) {
    super(message, cause);
    this.apiErrorCode = apiErrorCode;
  }

  /**
   * The JetStream API error code the server gave, for example 10074.
   *
   * @return the code, or 0 when the refusal did not come with one
   */
  public int apiErrorCode() {
    return apiErrorCode;
  }
}
