package dev.aether.examples.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.model.exec.ModelExecution;
import dev.aether.model.exec.ReadModel;
import dev.aether.nats.JetStreamReadModelStore;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeConfig;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Both example models end to end on JetStream (a real nats-server through the testkit fixture), with actors
 * passivated often so that activations replay from snapshots and streams; the order model's read models live
 * in a KV bucket and are still there after a restart.
 */
@NatsTest
class ExampleModelsOnJetStreamIT {

  private static final RuntimeConfig CHURNING = RuntimeConfig.builder().maxActiveVMs(3).snapshotInterval(4)
      .idleTimeout(Duration.ofMillis(200)).build();

  private JetStreamConfig config;

  @BeforeEach
  void namespace(NatsServer server) {
    config = JetStreamConfig.builder().servers(server.url())
        .namespace("models-" + UUID.randomUUID().toString().substring(0, 8)).build();
  }

  @Test
  void bank_transfersThroughThePolicy_conserveMoney() {
    try (JetStreamEventStore store = JetStreamEventStore.connect(config);
        Runtime runtime = Runtime.builder().eventStore(store).config(CHURNING).build()) {
      runtime.loadModel(ExampleModels.bank());
      runtime.start();

      new BankScenario(runtime, store).run(3, 20);
    }
  }

  @Test
  void orders_reserveStockThroughPolicies_andTheReadModelsFollow_inAKvBucket(NatsServer server) throws Exception {
    String bucket = "rm-" + UUID.randomUUID().toString().substring(0, 8);
    try (Connection connection = Nats.connect(server.url());
        JetStreamEventStore store = JetStreamEventStore.connect(config)) {
      try (Runtime runtime = runtime(store, connection, bucket)) {
        new OrderScenario(runtime).run(8);
      }

      try (Runtime restarted = runtime(store, connection, bucket)) { // the rows are in the bucket
        ReadModel status = ModelExecution.of(restarted).orElseThrow().readModel("OrderStatus").orElseThrow();
        status.idle().join();
        assertThat(status.rows()).hasSize(8).allSatisfy((id, row) ->
            assertThat(row.get("status")).isIn("confirmed", "rejected"));
      }
    }
  }

  private Runtime runtime(JetStreamEventStore store, Connection connection, String bucket) {
    Runtime runtime = Runtime.builder().eventStore(store).config(CHURNING)
        .readModelStore(JetStreamReadModelStore.create(connection, bucket)).build();
    runtime.loadModel(ExampleModels.orders());
    runtime.start();
    return runtime;
  }
}
