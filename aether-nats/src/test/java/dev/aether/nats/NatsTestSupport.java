package dev.aether.nats;

import static org.awaitility.Awaitility.await;

import dev.aether.event.Event;
import dev.aether.testkit.nats.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import java.util.stream.Stream;

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

  /**
   * Freezes the server with SIGSTOP, so that it keeps its sockets but answers nothing, and waits until every
   * thread of its process has stopped: {@code kill} returns before they do, and on a busy machine the server
   * may still answer a publish sent right after.
   */
  static void freeze(NatsServer server) {
    ProcessHandle process = serverProcess(server);
    signal(process, "STOP");
    try {
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(2))
          .until(() -> allThreadsStopped(process.pid()));
    } catch (RuntimeException | Error e) {
      signal(process, "CONT");
      throw e;
    }
  }

  /** Resumes a server frozen by {@link #freeze}. */
  static void thaw(NatsServer server) {
    signal(serverProcess(server), "CONT");
  }

  private static ProcessHandle serverProcess(NatsServer server) {
    String workDir = server.logFile().getParent().toString();
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().arguments().map(args -> String.join(" ", args).contains(workDir)).orElse(false))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no process of " + server));
  }

  private static void signal(ProcessHandle process, String signal) {
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

  /** True when every thread of the process is stopped (or gone), from the state field of /proc/.../stat. */
  private static boolean allThreadsStopped(long pid) throws IOException {
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (NoSuchFileException gone) {
          continue;
        }
        char state = stat.charAt(stat.lastIndexOf(')') + 2);
        if (state != 'T' && state != 't' && state != 'Z' && state != 'X') {
          return false;
        }
      }
      return true;
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
