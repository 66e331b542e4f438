package dev.aether.examples.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.model.exec.CompiledModel;
import dev.aether.runtime.Runtime;
import dev.aether.store.InMemoryEventStore;
import org.junit.jupiter.api.Test;

/** Both example models, end to end on the in-memory store. */
class ExampleModelsTest {

  @Test
  void exampleModels_compileWithoutWarnings() {
    assertThat(CompiledModel.compile(ExampleModels.bank()).warnings()).isEmpty();
    assertThat(CompiledModel.compile(ExampleModels.orders()).warnings()).isEmpty();
  }

  @Test
  void bank_transfersThroughThePolicy_conserveMoney() {
    InMemoryEventStore store = InMemoryEventStore.create();
    try (Runtime runtime = Runtime.builder().eventStore(store).build()) {
      runtime.loadModel(ExampleModels.bank());
      runtime.start();

      new BankScenario(runtime, store).run(4, 50);
    }
  }

  @Test
  void orders_reserveStockThroughPolicies_andTheReadModelsFollow() {
    try (Runtime runtime = Runtime.builder().eventStore(InMemoryEventStore.create()).build()) {
      runtime.loadModel(ExampleModels.orders());
      runtime.start();

      new OrderScenario(runtime).run(12);
    }
  }
}
