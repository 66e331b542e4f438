package dev.aether.store;

/**
 * A store that can say whether it reaches its storage, cheaply and without a round trip: a node's health
 * endpoint asks {@code store instanceof HealthReporting h ? h.health() : ...}. Implemented by
 * {@link InMemoryEventStore} (always connected) and the JetStream store.
 *
 * <p>Implementations are thread-safe and never throw from {@link #health()}.
 */
public interface HealthReporting {

  /**
   * The store's connection health now, read from local state (no request to a server).
   *
   * @return the health
   */
  StoreHealth health();
}
