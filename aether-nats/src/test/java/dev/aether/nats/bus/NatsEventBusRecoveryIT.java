package dev.aether.nats.bus;

import static dev.aether.testkit.bus.BusEvents.FENCE;
import static dev.aether.testkit.bus.BusEvents.event;
import static dev.aether.testkit.bus.BusEvents.fence;
import static dev.aether.testkit.bus.BusEvents.freshNamespace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.aether.bus.BusMetrics;
import dev.aether.bus.EventBusUnavailableException;
import dev.aether.testkit.bus.EventRecorder;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link NatsEventBus} when the server goes away: subscriptions survive a restart (the client resubscribes),
 * publishes during an outage are buffered by the client, and a publish the client refuses is delivered
 * locally, counted and reported. A fresh server per test, because the tests stop it.
 */
@Tag("nats")
class NatsEventBusRecoveryIT {

  @RegisterExtension
  static NatsServerExtension nats = NatsServerExtension.perMethod();

  private NatsServer server;
  private BusNodes nodes;
  private Connection connectionOfA;
  private Connection connectionOfB;
  private NatsEventBus a;
  private NatsEventBus b;
  private String root;

  @BeforeEach
  void startNodes(NatsServer server) {
    this.server = server;
    nodes = new BusNodes(server.url());
    connectionOfA = nodes.connect();
    connectionOfB = nodes.connect();
    a = nodes.node(connectionOfA);
    b = nodes.node(connectionOfB);
    root = freshNamespace();
  }

  @AfterEach
  void stopNodes() {
    nodes.close();
  }

  @Test
  void afterAServerRestart_bStillReceivesWhatAPublishes_once() {
    EventRecorder onB = EventRecorder.create();
    b.subscribe(root + ".>", onB);
    a.publish(root + ".x", event("Before"));
    onB.awaitType("Before");

    server.restart();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      a.publish(root + ".probe", event("Probe"));
      assertThat(onB.types()).contains("Probe");
    });
    a.publish(root + ".x", event("After"));
    a.publish(root + ".x", fence());

    assertThat(onB.awaitType(FENCE).types()).containsOnlyOnce("After").endsWith("After", FENCE);
    assertThat(b.natsSubjects()).containsExactly("aether.events." + root + ".>");
  }

  @Test
  void subscribeDuringAnOutage_returnsAtOnce_andReceivesAfterTheReconnect() {
    server.stop();
    await().until(() -> connectionOfB.getStatus() != Connection.Status.CONNECTED);
    EventRecorder onB = EventRecorder.create();
    b.subscribe(root, onB);

    server.start();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      a.publish(root, event("Probe"));
      assertThat(onB.types()).contains("Probe");
    });
  }

  @Test
  void publishDuringAnOutage_isDeliveredLocallyAndBufferedByTheClient_notAnError() {
    EventRecorder onA = EventRecorder.create();
    a.subscribe(root, onA);
    server.stop();
    await().until(() -> connectionOfA.getStatus() != Connection.Status.CONNECTED);

    a.publish(root, event("DuringOutage"));

    assertThat(onA.awaitCount(1).types()).containsExactly("DuringOutage");
    assertThat(a.metrics().errors(root, BusMetrics.ErrorKind.PUBLISH)).isZero();
    assertThat(a.metrics().published(root)).isEqualTo(1);
  }

  @Test
  void publishTheClientRefuses_isDeliveredLocally_countedAndThrownAsUnavailable() throws Exception {
    Options noBuffer = new Options.Builder().server(server.url()).maxReconnects(-1)
        .reconnectWait(Duration.ofMillis(50)).reconnectBufferSize(0).build();
    Connection connection = Nats.connect(noBuffer);
    try (NatsEventBus bus = NatsEventBus.builder().connection(connection).ownsConnection(true).build()) {
      EventRecorder local = EventRecorder.create();
      bus.subscribe(root, local);
      server.stop();
      await().until(() -> connection.getStatus() != Connection.Status.CONNECTED);

      assertThatThrownBy(() -> bus.publish(root, event("NotSent")))
          .isInstanceOf(EventBusUnavailableException.class)
          .hasMessageContaining(root)
          .satisfies(e -> assertThat(((EventBusUnavailableException) e).isTransient()).isTrue());

      assertThat(local.awaitCount(1).types()).containsExactly("NotSent");
      assertThat(bus.metrics().errors(root, BusMetrics.ErrorKind.PUBLISH)).isEqualTo(1);
    }
  }

  @Test
  void publishOnAClosedConnection_isDeliveredLocally_countedAndThrownAsUnavailable() throws Exception {
    Connection connection = nodes.connect();
    try (NatsEventBus bus = NatsEventBus.create(connection)) {
      EventRecorder local = EventRecorder.create();
      bus.subscribe(root, local);
      connection.close();

      assertThatThrownBy(() -> bus.publish(root, event("NotSent")))
          .isInstanceOf(EventBusUnavailableException.class)
          .hasMessageContaining("Connection is Closed");
      assertThatThrownBy(() -> bus.subscribe(root + ".other", e -> {}))
          .isInstanceOf(EventBusUnavailableException.class);

      assertThat(local.awaitCount(1).types()).containsExactly("NotSent");
      assertThat(bus.metrics().errors(root, BusMetrics.ErrorKind.PUBLISH)).isEqualTo(1);
      assertThat(bus.metrics().errors(root + ".other", BusMetrics.ErrorKind.SUBSCRIBE)).isEqualTo(1);
      assertThat(bus.metrics().activeSubscriptions(root + ".other")).isZero();
    }
  }
}
