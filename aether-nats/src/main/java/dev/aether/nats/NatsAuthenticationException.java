package dev.aether.nats;

import dev.aether.NonTransientAetherException;

/**
 * The NATS server refused the store's credentials (authorization violation, expired or invalid credentials
 * file). Retrying with the same credentials fails the same way. The message names the server and the
 * server's reason, never the secret.
 */
public class NatsAuthenticationException extends NonTransientAetherException {

  /**
   * Creates an authentication failure.
   *
   * @param message which server refused which kind of credentials, and why
   * @param cause the underlying failure, or {@code null}
   */
  public NatsAuthenticationException(String message, Throwable cause) {
    super(message, cause);
  }
}
