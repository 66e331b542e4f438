package dev.aether.bench;

import dev.aether.testkit.nats.NatsServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The CPU a nats-server started by a suite used since construction, read from {@code /proc/<pid>/stat} (so
 * only known on Linux). Suites report it next to the CPU used outside their JVM, which includes it.
 */
public final class ServerCpu {

  private final long serverPid;
  private final long startNanos = System.nanoTime();
  private final long startTicks;

  /**
   * Starts measuring now.
   *
   * @param server the server the suite started (found among this JVM's child processes)
   */
  public ServerCpu(NatsServer server) {
    this.serverPid = serverPid(server);
    this.startTicks = ticks();
  }

  /** @return the server's share of all cores since construction, as a fact line, or {@code unknown} */
  public String describe() {
    long ticks = ticks();
    if (ticks < 0 || startTicks < 0) {
      return "unknown";
    }
    double seconds = (ticks - startTicks) / 100.0;
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    int cores = Runtime.getRuntime().availableProcessors();
    return String.format(Locale.ROOT, "%.0f%% of %d cores (counted in the CPU used outside this JVM)",
        100 * seconds / (elapsed * cores), cores);
  }

  /** utime + stime of the server process, in clock ticks (USER_HZ, 100 on Linux), or -1. */
  private long ticks() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(serverPid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long serverPid(NatsServer server) {
    String workDir = server.logFile().getParent().toString();
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().arguments().map(args -> String.join(" ", args).contains(workDir)).orElse(false))
        .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
  }
}
