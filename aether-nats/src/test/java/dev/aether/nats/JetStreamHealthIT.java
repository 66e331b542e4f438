package dev.aether.nats;

import static dev.aether.nats.NatsTestSupport.config;
import static dev.aether.nats.NatsTestSupport.event;
import static dev.aether.nats.NatsTestSupport.newStreamId;
import static dev.aether.nats.NatsTestSupport.rawConnection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.store.StoreHealth;
import dev.aether.testkit.nats.NatsServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@link JetStreamEventStore#health()} and its meters follow the connection: up, server gone, back, closed. */
@Tag("nats")
class JetStreamHealthIT {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private double state(String state) {
    return registry.get(ConnectionHealth.CONNECTION_STATE)
        .tags("store", "jetstream", "namespace", "health", "state", state).gauge().value();
  }

  private double reconnects() {
    return registry.get(ConnectionHealth.RECONNECTS).tags("store", "jetstream", "namespace", "health")
        .functionCounter().count();
  }

  @Test
  void health_isConnected_thenReconnectingWhileTheServerIsDown_thenConnectedAgain_thenClosed() {
    try (NatsServer server = NatsServer.builder().start()) {
      JetStreamEventStore store = JetStreamEventStore.connect(config(server, "health").build());
      store.bindTo(registry);

      StoreHealth up = store.health();
      assertThat(up.status()).isEqualTo(StoreHealth.Status.CONNECTED);
      assertThat(up.isHealthy()).isTrue();
      assertThat(up.server()).contains(Integer.toString(server.port()));
      assertThat(state("connected")).isEqualTo(1);
      assertThat(state("reconnecting")).isZero();
      assertThat(state("closed")).isZero();
      assertThat(reconnects()).isZero();

      server.stop();
      await().atMost(Duration.ofSeconds(10)).until(() -> store.health().status() == StoreHealth.Status.RECONNECTING);
      StoreHealth down = store.health();
      assertThat(down.isHealthy()).isFalse();
      assertThat(down.server()).as("the configured servers while not connected").contains(server.url());
      assertThat(state("reconnecting")).isEqualTo(1);
      assertThat(state("connected")).isZero();
      await().atMost(Duration.ofSeconds(10)).until(() -> store.health().lastError().isPresent());

      server.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> store.health().status() == StoreHealth.Status.CONNECTED);
      // jnats counts the reconnect in its statistics just after the status changes (CI met the gap once)
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(reconnects()).isEqualTo(1));
      String streamId = newStreamId();
      store.saveEvent(event(streamId, 1));
      assertThat(store.getLatestVersion(streamId)).isEqualTo(1);

      store.close();
      assertThat(store.health().status()).isEqualTo(StoreHealth.Status.CLOSED);
      assertThat(state("closed")).isEqualTo(1);
      assertThat(state("connected")).isZero();
    }
  }

  @Test
  void jetStreamProblem_asksTheServer_soAConnectedClientWhoseStreamIsGoneIsNotReady() throws Exception {
    try (NatsServer server = NatsServer.builder().start();
        Connection connection = rawConnection(server);
        JetStreamEventStore store = JetStreamEventStore.create(connection, config(server, "probe").build())) {
      assertThat(store.jetStreamProblem()).isEmpty();
      String stream = StoreLayout.of(store.config()).streamName(0);

      connection.jetStreamManagement().deleteStream(stream); // a server restarted on an empty store, say

      assertThat(store.health().isHealthy()).as("the connection alone looks fine").isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> store.jetStreamProblem().isPresent());
      assertThat(store.jetStreamProblem()).get().asString().contains(stream);
      server.stop();
      await().atMost(Duration.ofSeconds(10)).until(() -> store.jetStreamProblem().orElse("")
          .contains("connection is RECONNECTING"));
    }
  }

  @Test
  void storeOnTheCallersConnection_isClosedWhenClosed_whileTheConnectionStaysOpen() {
    try (NatsServer server = NatsServer.builder().start();
        Connection connection = rawConnection(server)) {
      JetStreamEventStore store = JetStreamEventStore.create(connection, config(server, "health-own").build());
      assertThat(store.health().status()).isEqualTo(StoreHealth.Status.CONNECTED);

      store.close();

      assertThat(connection.getStatus()).isEqualTo(Connection.Status.CONNECTED);
      assertThat(store.health().status()).isEqualTo(StoreHealth.Status.CLOSED);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
