package dev.aether.nats.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.bus.EventStoredFeed;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.nats.NatsConnector;
import dev.aether.nats.bus.NatsEventBus;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.Runtime;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.nats.client.Connection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * aether-runtime README's EventStored feed snippet, as written there (the server's URL and the names aside): the
 * store's configuration names the server its connection uses, and the connection keeps the feed's pull statuses
 * quiet (regression: the snippet built its config without servers, so {@code store.config().servers()} reported
 * {@code nats://127.0.0.1:4222}, and used {@code Nats.connect}, whose default listener logs every idle pull).
 */
@NatsTest
class RuntimeReadmeFeedSnippetIT {

  @Test
  void theSnippet_runsAStoreWhoseConfigNamesItsConnectionsServer_onAQuietConnection(NatsServer server)
      throws Exception {
    JetStreamConfig config = JetStreamConfig.builder().servers(server.url()).namespace("shop").build();
    try (Connection connection = NatsConnector.connect(config, "shop-node-1")) {
      NatsEventBus bus = NatsEventBus.create(connection);
      try (JetStreamEventStore store = JetStreamEventStore.create(connection, config,
              EventStoredFeed.publisher(bus, "shop"));
          Runtime runtime = Runtime.builder().eventStore(store).behavior(Bank.behavior())
              .eventStoredFeed(bus, "shop").build()) {
        runtime.start();

        assertThat(runtime.sendMessage(Bank.open("acc-42")).get(10, TimeUnit.SECONDS))
            .isInstanceOf(CommandResult.Accepted.class);
        assertThat(store.config().servers()).containsExactly(server.url());
        assertThat(connection.getConnectedUrl()).isEqualTo(server.url());
        assertThat(connection.getOptions().getErrorListener().getClass().getSimpleName())
            .as("the listener that logs pull statuses at DEBUG").isEqualTo("Slf4jErrorListener");
      } finally {
        bus.close();
      }
    }
  }
}
