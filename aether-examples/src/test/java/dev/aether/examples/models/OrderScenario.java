package dev.aether.examples.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.model.exec.ModelExecution;
import dev.aether.model.exec.ReadModel;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * The order/inventory model end to end: stock restocked, orders placed concurrently, each order confirmed or
 * rejected through the reservation policies, and both read models agreeing with the aggregates.
 */
final class OrderScenario {

  static final String SKU = "ABC-001";
  static final long STOCK = 20;

  private final Runtime runtime;

  OrderScenario(Runtime runtime) {
    this.runtime = runtime;
  }

  private ReadModel readModel(String name) {
    return ModelExecution.of(runtime).orElseThrow().readModel(name).orElseThrow();
  }

  void run(int orders) {
    assertThat(runtime.sendMessage(RuntimeMessage.of("Inventory", SKU, "Restock", Map.of("quantity", STOCK)))
        .join().isAccepted()).isTrue();
    List<String> ids = IntStream.range(0, orders).mapToObj(i -> "order-" + i).toList();
    CompletableFuture.allOf(ids.stream().map(id -> runtime.sendMessage(RuntimeMessage.of("Order", id, "Place",
        Map.of("sku", SKU, "quantity", 1 + id.hashCode() % 3 + 2)))).toArray(CompletableFuture[]::new)).join();

    await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(this::settled));
    ModelExecution execution = ModelExecution.of(runtime).orElseThrow();
    await().atMost(Duration.ofSeconds(30)).until(() -> execution.pendingPolicyDeliveries() == 0);

    long confirmed = 0;
    for (String id : ids) {
      Map<String, Object> order = state("Order", id);
      Map<String, Object> row = readModel("OrderStatus").get(id).orElseThrow();
      assertThat(row.get("status")).isEqualTo(order.get("status")).isIn("confirmed", "rejected");
      assertThat(row.get("quantity")).isEqualTo(order.get("quantity"));
      if (order.get("status").equals("confirmed")) {
        confirmed += (Long) order.get("quantity");
      } else {
        assertThat((String) row.get("reason")).startsWith("only ");
      }
    }
    Map<String, Object> inventory = state("Inventory", SKU);
    assertThat(inventory.get("available")).isEqualTo(STOCK - confirmed);
    assertThat((Long) inventory.get("available")).isGreaterThanOrEqualTo(0);
    readModel("StockLevels").idle().join();
    assertThat(readModel("StockLevels").get(SKU).orElseThrow()).containsEntry("available", STOCK - confirmed);
    assertThat(confirmed).isPositive();
    assertThat(readModel("OrderStatus").failures() + readModel("StockLevels").failures()).isZero();
  }

  private boolean settled(String id) {
    readModel("OrderStatus").idle().join();
    return readModel("OrderStatus").get(id).map(r -> !"placed".equals(r.get("status"))).orElse(false);
  }

  private Map<String, Object> state(String type, String id) {
    return runtime.createVM(ActorKey.of(type, id)).join().getState();
  }
}
