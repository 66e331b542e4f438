package dev.aether.store;

/**
 * Receives {@link EventStored} notices from a store, on the writing thread, after the write succeeded.
 * Implementations must be thread-safe and quick; an exception they throw is logged and does not fail the
 * write.
 */
@FunctionalInterface
public interface EventStoredListener {

  /** A listener that ignores every notice. */
  EventStoredListener NONE = notice -> {};

  /**
   * Called once per stored event.
   *
   * @param notice what was stored
   */
  void onEventStored(EventStored notice);
}
