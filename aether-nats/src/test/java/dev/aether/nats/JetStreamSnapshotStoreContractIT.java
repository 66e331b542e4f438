package dev.aether.nats;

import dev.aether.store.SnapshotStore;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import dev.aether.testkit.store.SnapshotStoreContractTest;
import org.junit.jupiter.api.BeforeAll;

/** Runs the {@link SnapshotStoreContractTest} against {@link JetStreamEventStore} on a real nats-server. */
@NatsTest
class JetStreamSnapshotStoreContractIT extends SnapshotStoreContractTest {

  private static String url;

  @BeforeAll
  static void server(NatsServer server) {
    url = server.url();
  }

  @Override
  protected SnapshotStore createStore() {
    return JetStreamEventStore.connect(JetStreamConfig.builder().servers(url).namespace("snapshots").build());
  }
}
