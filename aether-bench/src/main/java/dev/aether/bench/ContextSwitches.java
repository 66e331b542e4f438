package dev.aether.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counts a process's context switches: the sum over its live threads of {@code voluntary_ctxt_switches} and
 * {@code nonvoluntary_ctxt_switches} from {@code /proc/<pid>/task/<tid>/status} (so only known on Linux). A
 * thread that parks and is woken again counts one; a thread that ended is no longer counted, so take deltas over
 * regions in which the process's platform threads live on (a virtual thread is no kernel thread: its parks count
 * only when its carrier parks). Stateless and thread-safe.
 */
public final class ContextSwitches {

  private ContextSwitches() {}

  /**
   * @param pid the process
   * @return the context switches of its live threads so far, or -1 when unknown (no such process, not Linux)
   */
  public static long of(long pid) {
    if (pid < 0) {
      return -1;
    }
    long total = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        total += ofThread(task.resolve("status"));
      }
      return total;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** A thread's switches; 0 for a thread that ended while it was read. */
  private static long ofThread(Path status) {
    try {
      long switches = 0;
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
          switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
        }
      }
      return switches;
    } catch (IOException e) {
      return 0;
    }
  }
}
