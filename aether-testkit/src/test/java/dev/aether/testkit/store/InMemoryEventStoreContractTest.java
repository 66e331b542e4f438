package dev.aether.testkit.store;

import dev.aether.store.EventStore;
import dev.aether.store.EventStoredListener;
import dev.aether.store.InMemoryEventStore;

/** Runs the {@link EventStoreContractTest} against {@link InMemoryEventStore}. */
class InMemoryEventStoreContractTest extends EventStoreContractTest {

  @Override
  protected EventStore createStore(EventStoredListener listener) {
    return InMemoryEventStore.withListener(listener);
  }
}
