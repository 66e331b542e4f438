package dev.aether.cluster;

import dev.aether.TransientAetherException;

/**
 * No node of the cluster answered in time (none running, or none answering before the deadline), so a client's
 * request could not be done; it changed nothing. Retrying later may succeed. Immutable.
 */
public final class ClusterUnavailableException extends TransientAetherException {

  /**
   * Creates the failure.
   *
   * @param message what could not be done and why
   * @param cause the underlying failure, or {@code null}
   */
  public ClusterUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
