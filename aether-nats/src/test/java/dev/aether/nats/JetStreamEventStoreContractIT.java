package dev.aether.nats;

import dev.aether.store.EventStore;
import dev.aether.store.EventStoredListener;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import dev.aether.testkit.store.EventStoreContractTest;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import java.io.IOException;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Runs the {@link EventStoreContractTest} against {@link JetStreamEventStore} on a real nats-server. */
@NatsTest
class JetStreamEventStoreContractIT extends EventStoreContractTest {

  private static String url;
  private static Connection raw;

  @BeforeAll
  static void server(NatsServer server) throws Exception {
    url = server.url();
    raw = NatsTestSupport.rawConnection(server);
  }

  @AfterAll
  static void closeRaw() {
    NatsTestSupport.closeQuietly(raw);
  }

  /** Publishes the bytes straight to the actor's subject, without the store's headers. */
  @Override
  protected OptionalLong writeUndecodableRecord(String streamId, byte[] bytes) {
    String subject = ((JetStreamEventStore) store()).layout().address(streamId).subject();
    try {
      return OptionalLong.of(raw.jetStream().publish(subject, bytes).getSeqno());
    } catch (IOException | JetStreamApiException e) {
      throw new IllegalStateException("publishing the undecodable record failed", e);
    }
  }

  @Override
  protected EventStore createStore(EventStoredListener listener) {
    return JetStreamEventStore.connect(JetStreamConfig.builder()
        .servers(url)
        .namespace("contract")
        .build(), listener);
  }
}
