package dev.aether.server;

import dev.aether.NonTransientAetherException;

/**
 * A node could not start: no nats-server to embed (the message says which variable to set and how to install
 * one), the embedded server did not come up, the model could not be read or loaded, the HTTP port is taken.
 * Nothing started is left running.
 */
public final class NodeStartException extends NonTransientAetherException {

  /**
   * Creates the failure.
   *
   * @param message one line saying what failed and what to do
   * @param cause the underlying failure, or {@code null}
   */
  public NodeStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
