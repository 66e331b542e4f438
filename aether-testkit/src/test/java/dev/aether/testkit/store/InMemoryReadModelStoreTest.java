package dev.aether.testkit.store;

import dev.aether.store.InMemoryReadModelStore;
import dev.aether.store.ReadModelStore;

class InMemoryReadModelStoreTest extends ReadModelStoreContractTest {

  @Override
  protected ReadModelStore store() {
    return InMemoryReadModelStore.create();
  }
}
