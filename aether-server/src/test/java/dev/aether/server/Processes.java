package dev.aether.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;

/** Finds a nats-server child of this JVM and signals it (the embedded server killed). */
final class Processes {

  private Processes() {}

  /** The nats-server child process whose arguments mention a path under {@code dir}. */
  static ProcessHandle natsServerUnder(Path dir) {
    String marker = dir.toAbsolutePath().toString();
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("nats-server")).orElse(false))
        .filter(p -> p.info().arguments().map(a -> Arrays.stream(a).anyMatch(s -> s.startsWith(marker)))
            .orElse(false))
        .findFirst().orElseThrow(() -> new AssertionError("no nats-server child under " + marker));
  }

  static void signal(ProcessHandle process, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new AssertionError("kill -" + signal + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
