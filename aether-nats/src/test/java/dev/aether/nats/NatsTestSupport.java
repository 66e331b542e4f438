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

  static String newActorId() {
    return "it-" + UUID.randomUUID();
  }

  static Event event(String actorId, long version) {
    return Event.builder().eventType("Tested").actorId(actorId).version(version).data(Map.of("v", version)).build();
  }

  static List<Event> events(String actorId, long... versions) {
    return LongStream.of(versions).mapToObj(v -> event(actorId, v)).toList();
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

  /** Sends SIGSTOP (freeze) or SIGCONT (thaw) to the server's process: it keeps its sockets but answers nothing. */
  static void signal(NatsServer server, String signal) {
    String workDir = server.logFile().getParent().toString();
    ProcessHandle process = ProcessHandle.current().descendants()
        .filter(p -> p.info().arguments().map(args -> String.join(" ", args).contains(workDir)).orElse(false))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no process of " + server));
    try {
      int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
      if (exit != 0) {
        throw new IllegalStateException("kill -" + signal + " exited with " + exit);
      }
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
