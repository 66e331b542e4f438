package dev.aether.nats;

import dev.aether.event.Event;
import dev.aether.testkit.nats.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;

/** Small helpers shared by the integration tests. */
final class NatsTestSupport {

  private NatsTestSupport() {}

  static JetStreamConfig.Builder config(NatsServer server, String namespace) {
    return JetStreamConfig.builder().servers(server.url()).namespace(namespace);
  }

  static String newStreamId() {
    return "it-" + UUID.randomUUID();
  }

  static Event event(String streamId, long version) {
    return Event.builder().eventType("Tested").streamId(streamId).version(version).data(Map.of("v", version)).build();
  }

  static List<Event> events(String streamId, long... versions) {
    return LongStream.of(versions).mapToObj(v -> event(streamId, v)).toList();
  }

  static List<Long> versions(List<Event> events) {
    return events.stream().map(Event::version).toList();
  }

  /** A plain client connection, for writing to streams behind the store's back. */
  static Connection rawConnection(NatsServer server) {
    try {
      return Nats.connect(new Options.Builder().server(server.url()).connectionTimeout(Duration.ofSeconds(2))
          .errorListener(new Slf4jErrorListener()).build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
