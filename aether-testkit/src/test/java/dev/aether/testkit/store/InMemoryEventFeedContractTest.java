package dev.aether.testkit.store;

import dev.aether.store.EventStore;
import dev.aether.store.InMemoryEventStore;

/**
 * Runs the {@link EventFeedContractTest} against {@link InMemoryEventStore}. A second instance cannot share an
 * in-memory store's events, so the second writer is the store itself (the suite's default), and the store holds
 * decoded events only, so the undecodable-record test is switched off (the suite's default).
 */
class InMemoryEventFeedContractTest extends EventFeedContractTest {

  @Override
  protected EventStore createStore() {
    return InMemoryEventStore.create();
  }
}
