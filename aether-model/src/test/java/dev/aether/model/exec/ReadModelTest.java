package dev.aether.model.exec;

import dev.aether.store.InMemoryReadModelStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.runtime.CommandResult;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.store.InMemoryEventStore;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadModelTest {

  private final InMemoryEventStore store = InMemoryEventStore.create();
  private final InMemoryReadModelStore readModels = InMemoryReadModelStore.create();
  private Runtime runtime = runtime();

  private Runtime runtime() {
    Runtime r = Runtime.builder().eventStore(store).readModelStore(readModels).build();
    r.loadModel(BankModel.orders());
    r.start();
    return r;
  }

  @AfterEach
  void close() {
    runtime.close();
  }

  private CommandResult send(String type, String id, String command, Map<String, ?> payload) {
    return runtime.sendMessage(RuntimeMessage.of(type, id, command, payload)).join();
  }

  private ReadModel readModel(String name) {
    return ModelExecution.of(runtime).orElseThrow().readModel(name).orElseThrow();
  }

  private static Map<String, Object> row(ReadModel readModel, String key) {
    readModel.idle().join();
    return readModel.get(key).orElse(Map.of());
  }

  @Test
  void orderFlow_updatesBothReadModels_throughPolicies() {
    send("Inventory", "ABC-001", "Restock", Map.of("quantity", 5));

    send("Order", "o-1", "Place", Map.of("sku", "ABC-001", "quantity", 3));
    send("Order", "o-2", "Place", Map.of("sku", "ABC-001", "quantity", 3));

    await().atMost(Duration.ofSeconds(5)).until(() -> "rejected".equals(row(readModel("OrderStatus"), "o-2").get("status"))
        && "confirmed".equals(row(readModel("OrderStatus"), "o-1").get("status")));
    assertThat(row(readModel("OrderStatus"), "o-2")).containsEntry("reason", "only 2 in stock")
        .containsEntry("sku", "ABC-001").containsEntry("quantity", 3L);
    assertThat(row(readModel("StockLevels"), "ABC-001")).containsEntry("available", 2L)
        .containsEntry("reservations", 1L);
    assertThat(readModel("OrderStatus").failures()).isZero();
  }

  @Test
  void aReadModel_projectsOnlyOnceTheRuntimeRuns() {
    send("Inventory", "ABC-001", "Restock", Map.of("quantity", 5));
    InMemoryReadModelStore fresh = InMemoryReadModelStore.create();
    Runtime later = Runtime.builder().eventStore(store).readModelStore(fresh).build();
    try {
      later.loadModel(BankModel.orders());

      // loaded, not started: the model's projections stand by and write nothing
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
          .until(() -> fresh.checkpoint("StockLevels", "Inventory/ABC-001") == 0);

      later.start();

      await().atMost(Duration.ofSeconds(5)).until(() -> fresh.checkpoint("StockLevels", "Inventory/ABC-001") == 1);
    } finally {
      later.close();
    }
  }

  @Test
  void projection_resumesFromItsCheckpoint_afterARestart_andCatchesUpMissedEvents() {
    send("Inventory", "ABC-001", "Restock", Map.of("quantity", 5));
    assertThat(row(readModel("StockLevels"), "ABC-001")).containsEntry("available", 5L);
    runtime.close();
    // written while no projection ran: another process, say
    Runtime plain = Runtime.builder().eventStore(store).build();
    plain.loadModel(BankModel.orders());
    plain.start();
    plain.sendMessage(RuntimeMessage.of("Inventory", "ABC-001", "Restock", Map.of("quantity", 7))).join();
    plain.close();

    runtime = runtime();

    await().atMost(Duration.ofSeconds(5)).until(() -> Long.valueOf(12).equals(
        row(readModel("StockLevels"), "ABC-001").get("available")));
    assertThat(readModels.checkpoint("StockLevels", "Inventory/ABC-001")).isEqualTo(2);
  }

  @Test
  void rebuild_replaysFromTheBeginning_andGivesTheSameRows() {
    send("Inventory", "ABC-001", "Restock", Map.of("quantity", 5));
    send("Inventory", "XYZ-002", "Restock", Map.of("quantity", 1));
    send("Inventory", "ABC-001", "Restock", Map.of("quantity", 2));
    Map<String, Map<String, Object>> before = readModelRows("StockLevels");

    readModel("StockLevels").rebuild().join();

    assertThat(readModelRows("StockLevels")).isEqualTo(before).containsKeys("ABC-001", "XYZ-002");
    assertThat(before.get("ABC-001")).containsEntry("available", 7L);
  }

  @Test
  void repeatedDelivery_isAppliedOnce() {
    RuntimeMessage restock = RuntimeMessage.builder("Inventory", "ABC-001", "Restock")
        .payload(Map.of("quantity", 5)).commandId("r-1").build();
    runtime.sendMessage(restock).join();
    runtime.sendMessage(restock).join();

    assertThat(row(readModel("StockLevels"), "ABC-001")).containsEntry("available", 5L);
  }

  private Map<String, Map<String, Object>> readModelRows(String name) {
    readModel(name).idle().join();
    return readModel(name).rows();
  }
}
