package dev.aether.nats;

import dev.aether.store.EventStore;
import dev.aether.store.EventStoredListener;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import dev.aether.testkit.store.EventStoreContractTest;
import org.junit.jupiter.api.BeforeAll;

/**
 * Runs the {@link EventStoreContractTest} against a {@link JetStreamEventStore} whose namespace is spread
 * over several partition streams, with a namespace that needs escaping.
 */
@NatsTest
class JetStreamPartitionedContractIT extends EventStoreContractTest {

  private static String url;

  @BeforeAll
  static void server(NatsServer server) {
    url = server.url();
  }

  @Override
  protected EventStore createStore(EventStoredListener listener) {
    return JetStreamEventStore.connect(JetStreamConfig.builder()
        .servers(url)
        .namespace("tenant_1.orders")
        .partitions(3)
        .build(), listener);
  }
}
