package dev.aether.model.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.runtime.ActorKey;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.store.InMemoryEventStore;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Through the real runtime and store (JSON values, group commit, policies): after random valid commands of
 * the order/inventory model, a fresh runtime that replays every actor from its events (no snapshots) has the
 * same states as the live one.
 */
class RuntimeReplayProperties {

  /** One command: Restock or Place, on a few SKUs and orders. */
  record Step(String type, String id, String command, Map<String, Object> payload) {}

  @Provide
  Arbitrary<Step> steps() {
    Arbitrary<String> skus = Arbitraries.of("ABC-001", "XYZ-002");
    Arbitrary<Step> restock = Combinators.combine(skus, Arbitraries.longs().between(1, 10))
        .as((sku, q) -> new Step("Inventory", sku, "Restock", Map.of("quantity", q)));
    Arbitrary<Step> place = Combinators.combine(Arbitraries.integers().between(0, 9), skus,
        Arbitraries.longs().between(1, 8))
        .as((o, sku, q) -> new Step("Order", "o-" + o, "Place", Map.of("sku", sku, "quantity", q)));
    return Arbitraries.oneOf(restock, place);
  }

  @Property(tries = 25)
  void freshReplay_rebuildsTheLiveStates(@ForAll @Size(min = 1, max = 25) List<@From("steps") Step> steps) {
    InMemoryEventStore store = InMemoryEventStore.create();
    Map<ActorKey, Map<String, Object>> live = new java.util.HashMap<>();
    try (Runtime runtime = Runtime.builder().eventStore(store).withoutSnapshots().build()) {
      runtime.loadModel(BankModel.orders());
      runtime.start();
      steps.forEach(s -> runtime.sendMessage(RuntimeMessage.of(s.type(), s.id(), s.command(), s.payload())).join());
      ModelExecution execution = ModelExecution.of(runtime).orElseThrow();
      org.awaitility.Awaitility.await().until(() -> execution.pendingPolicyDeliveries() == 0);
      steps.forEach(s -> live.computeIfAbsent(ActorKey.of(s.type(), s.id()), k -> runtime.createVM(k).join()
          .getState()));
      live.keySet().forEach(k -> live.put(k, runtime.createVM(k).join().getState())); // after the policies
      for (String sku : List.of("ABC-001", "XYZ-002")) {
        assertThat((Long) runtime.createVM(ActorKey.of("Inventory", sku)).join().getState().get("available"))
            .isGreaterThanOrEqualTo(0);
      }
    }

    try (Runtime fresh = Runtime.builder().eventStore(store).withoutSnapshots().build()) {
      fresh.loadModel(BankModel.orders());
      fresh.start();
      live.forEach((key, state) -> assertThat(fresh.createVM(key).join().getState()).as(key.toString())
          .isEqualTo(state));
    }
  }
}
