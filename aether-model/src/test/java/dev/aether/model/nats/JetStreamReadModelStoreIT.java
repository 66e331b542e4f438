package dev.aether.model.nats;

import dev.aether.nats.JetStreamReadModelStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.aether.model.ModelLoader;
import dev.aether.model.exec.ModelExecution;
import dev.aether.model.exec.ReadModel;
import dev.aether.store.ReadModelStore;
import dev.aether.testkit.store.ReadModelStoreContractTest;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.store.InMemoryEventStore;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@NatsTest
class JetStreamReadModelStoreIT extends ReadModelStoreContractTest {

  private Connection connection;

  @BeforeEach
  void connect(NatsServer server) throws Exception {
    connection = Nats.connect(server.url());
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    connection.close();
  }

  @Override
  protected ReadModelStore store() {
    return JetStreamReadModelStore.create(connection);
  }

  @Test
  void onAnEventStore_theNamespacesBucket_onItsConnection(NatsServer server) {
    dev.aether.nats.JetStreamConfig config = dev.aether.nats.JetStreamConfig.builder().servers(server.url())
        .namespace("rm.ns").build();
    try (dev.aether.nats.JetStreamEventStore events = dev.aether.nats.JetStreamEventStore.connect(config)) {
      JetStreamReadModelStore store = JetStreamReadModelStore.create(events);
      store.write("r", "k", Map.of("n", 1L));
      assertThat(JetStreamReadModelStore.bucket(config)).isEqualTo("aether-readmodels-" + config.namespaceToken());
      assertThat(JetStreamReadModelStore.create(connection, JetStreamReadModelStore.bucket(config)).get("r", "k"))
          .as("the same bucket a node of the namespace uses").contains(Map.of("n", 1L));
    }
    assertThatThrownBy(() -> JetStreamReadModelStore.create((dev.aether.nats.JetStreamEventStore) null))
        .isInstanceOfSatisfying(dev.aether.InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("events"));
  }

  @Test
  void replayedEvent_alreadyInTheRow_isNotAppliedTwice() {
    JetStreamReadModelStore store = JetStreamReadModelStore.create(connection, "rm-replay");
    store.put("r", "k", Map.of("n", 1L), "A/1", 5);

    store.put("r", "k", Map.of("n", 2L), "A/1", 5); // stopped before the checkpoint, replayed

    assertThat(store.get("r", "k")).contains(Map.of("n", 1L));
    assertThat(store.applied("r", "k")).containsEntry("A/1", 5L);
  }

  @Test
  void putIfUnchanged_writesOnlyOverTheRowItWasComputedFrom() {
    JetStreamReadModelStore store = JetStreamReadModelStore.create(connection, "rm-base");
    assertThat(store.putIfUnchanged("r", "sum", null, Map.of("total", 5L), "A/1", 1)).isTrue();
    Map<String, Object> read = store.get("r", "sum").orElseThrow();
    // another writer folds another stream into the row after it was read
    assertThat(store.putIfUnchanged("r", "sum", read, Map.of("total", 8L), "B/1", 1)).isTrue();

    // the stale writer's update, computed from the row before B's: refused, nothing lost
    assertThat(store.putIfUnchanged("r", "sum", read, Map.of("total", 12L), "A/1", 2)).isFalse();
    assertThat(store.get("r", "sum")).contains(Map.of("total", 8L));
    assertThat(store.checkpoint("r", "A/1")).isEqualTo(1);
    // computed again from the current row: written
    assertThat(store.putIfUnchanged("r", "sum", store.get("r", "sum").orElseThrow(), Map.of("total", 15L), "A/1", 2))
        .isTrue();
    assertThat(store.get("r", "sum")).contains(Map.of("total", 15L));
    assertThat(store.checkpoint("r", "A/1")).isEqualTo(2);
    // an event applied already: nothing to do, reported as done
    assertThat(store.putIfUnchanged("r", "sum", read, Map.of("total", 99L), "A/1", 2)).isTrue();
    assertThat(store.get("r", "sum")).contains(Map.of("total", 15L));

    assertThat(store.removeIfUnchanged("r", "sum", read)).isFalse();
    assertThat(store.get("r", "sum")).isPresent();
    assertThat(store.removeIfUnchanged("r", "sum", store.get("r", "sum").orElseThrow())).isTrue();
    assertThat(store.get("r", "sum")).isEmpty();
    assertThat(store.removeIfUnchanged("r", "sum", null)).isTrue();
  }

  @Test
  void concurrentWriters_ofOneRow_keepEveryStreamsAppliedVersion() throws Exception {
    // regression: put was last-writer-wins, so two projectors writing one row lost each other's applied version
    JetStreamReadModelStore store = JetStreamReadModelStore.create(connection, "rm-cas");
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      var done = new java.util.ArrayList<java.util.concurrent.Future<?>>();
      for (int w = 0; w < 4; w++) {
        String stream = "A/" + w;
        done.add(pool.submit(() -> {
          for (long v = 1; v <= 20; v++) {
            store.put("r", "shared", Map.of("v", v), stream, v);
          }
          return null;
        }));
      }
      for (var f : done) {
        f.get();
      }
    }

    assertThat(store.applied("r", "shared"))
        .containsExactlyInAnyOrderEntriesOf(Map.of("A/0", 20L, "A/1", 20L, "A/2", 20L, "A/3", 20L));
  }

  @Test
  void readModel_survivesARestart_inTheBucket_andCatchesUp() throws Exception {
    InMemoryEventStore events = InMemoryEventStore.create();
    String orders = new String(getClass().getResourceAsStream("/models/orders.yaml").readAllBytes(),
        StandardCharsets.UTF_8);
    try (Runtime runtime = runtime(events, orders)) {
      runtime.sendMessage(RuntimeMessage.of("Inventory", "ABC-001", "Restock", Map.of("quantity", 4))).join();
      await().atMost(Duration.ofSeconds(5)).until(() -> available(runtime).equals(Optional.of(4L)));
    }
    try (Runtime other = Runtime.builder().eventStore(events).build()) { // a process without the bucket
      other.loadModel(ModelLoader.fromYaml(orders));
      other.start();
      other.sendMessage(RuntimeMessage.of("Inventory", "ABC-001", "Restock", Map.of("quantity", 3))).join();
    }

    try (Runtime restarted = runtime(events, orders)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> available(restarted).equals(Optional.of(7L)));
    }
  }

  private Runtime runtime(InMemoryEventStore events, String model) {
    Runtime runtime = Runtime.builder().eventStore(events)
        .readModelStore(JetStreamReadModelStore.create(connection, "rm-restart")).build();
    runtime.loadModel(ModelLoader.fromYaml(model));
    runtime.start();
    return runtime;
  }

  private static Optional<Object> available(Runtime runtime) {
    ReadModel levels = ModelExecution.of(runtime).orElseThrow().readModel("StockLevels").orElseThrow();
    levels.idle().join();
    return levels.get("ABC-001").map(r -> r.get("available"));
  }
}
