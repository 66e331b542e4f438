package dev.aether.bus;

import dev.aether.NonTransientAetherException;

/**
 * Refusal of a publish or subscribe on an {@link EventBus} that has been {@linkplain EventBus#close()
 * closed}. Non-transient: a closed bus stays closed. Nothing is published or subscribed when this is thrown.
 */
public class EventBusClosedException extends NonTransientAetherException {

  /**
   * Creates the refusal.
   *
   * @param operation what was refused, for example {@code publish to "orders"}
   */
  public EventBusClosedException(String operation) {
    super("event bus is closed: cannot " + operation, null);
  }
}
