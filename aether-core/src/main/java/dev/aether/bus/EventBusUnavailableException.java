package dev.aether.bus;

import dev.aether.TransientAetherException;

/**
 * A publish on a bus that spans processes which reached this process's subscribers but could not be sent to
 * the other processes: the network connection is closed, or disconnected with no room left to buffer the
 * event until it is back; also a subscribe that could not be registered with the network (nothing is
 * subscribed then). Counted as an error of kind {@code publish} (or {@code subscribe}). Transient: it may
 * succeed once the connection is usable again. Bus messages are not persisted, so an event that failed here
 * is not sent later.
 */
public class EventBusUnavailableException extends TransientAetherException {

  /**
   * Creates the failure.
   *
   * @param message what could not be sent or registered, and why
   * @param cause the underlying failure, or {@code null}
   */
  public EventBusUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
