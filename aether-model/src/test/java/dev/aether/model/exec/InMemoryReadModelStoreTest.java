package dev.aether.model.exec;

class InMemoryReadModelStoreTest extends ReadModelStoreContractTest {

  @Override
  protected ReadModelStore store() {
    return InMemoryReadModelStore.create();
  }
}
