package dev.aether.nats;

import dev.aether.store.EventStore;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import dev.aether.testkit.store.EventFeedContractTest;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import java.io.IOException;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Runs the {@link EventFeedContractTest} against {@link JetStreamEventStore} on a real nats-server, one
 * partition, a fresh namespace per test; the second writer is another store on its own connection.
 */
@NatsTest
class JetStreamEventFeedContractIT extends EventFeedContractTest {

  private static String url;
  private static Connection raw;
  private String namespace;

  @BeforeAll
  static void server(NatsServer server) {
    url = server.url();
    raw = NatsTestSupport.rawConnection(server);
  }

  @AfterAll
  static void closeRaw() {
    NatsTestSupport.closeQuietly(raw);
  }

  /** The number of partition streams of the namespace. */
  protected int partitions() {
    return 1;
  }

  @Override
  protected EventStore createStore() {
    namespace = "feed-" + UUID.randomUUID().toString().substring(0, 8);
    return connect();
  }

  @Override
  protected EventStore createSecondWriter() {
    return connect();
  }

  /** Publishes the bytes straight to the stream's subject, without the store's headers. */
  @Override
  protected OptionalLong writeUndecodableRecord(String streamId, byte[] bytes) {
    String subject = ((JetStreamEventStore) store()).layout().address(streamId).subject();
    try {
      return OptionalLong.of(raw.jetStream().publish(subject, bytes).getSeqno());
    } catch (IOException | JetStreamApiException e) {
      throw new IllegalStateException("publishing the undecodable record failed", e);
    }
  }

  private JetStreamEventStore connect() {
    return JetStreamEventStore.connect(JetStreamConfig.builder().servers(url).namespace(namespace)
        .partitions(partitions()).build());
  }
}
