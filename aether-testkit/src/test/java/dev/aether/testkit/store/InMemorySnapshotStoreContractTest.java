package dev.aether.testkit.store;

import dev.aether.store.InMemoryEventStore;
import dev.aether.store.SnapshotStore;

/** Runs the {@link SnapshotStoreContractTest} against {@link InMemoryEventStore}. */
class InMemorySnapshotStoreContractTest extends SnapshotStoreContractTest {

  @Override
  protected SnapshotStore createStore() {
    return InMemoryEventStore.create();
  }
}
