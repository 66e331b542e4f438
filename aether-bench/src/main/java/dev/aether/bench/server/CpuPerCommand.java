package dev.aether.bench.server;

import dev.aether.bench.ContextSwitches;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * CPU time per command, per benchmark and run: this JVM's (clients and node together, from the process CPU
 * time) and the embedded nats-server's (utime + stime from {@code /proc/<pid>/stat}, so only known on Linux).
 * Since both sides of a case share one JVM and one nats-server, the difference between them is what the HTTP
 * path costs (the JVM's figure includes the HTTP clients). The same for the context switches of both
 * processes' threads ({@link ContextSwitches}). Thread-safe.
 */
final class CpuPerCommand {

  /**
   * One run's CPU: nanoseconds per command in this JVM and in the nats-server (NaN when unknown), their
   * threads' context switches per command (NaN when unknown), and the runtime's commands per group commit.
   */
  record Run(double jvm, double nats, double jvmSwitches, double natsSwitches, double perCommit) {}

  /**
   * A reading at the start of a run; {@code commits} is the runtime's {count, sum} of group commit sizes.
   */
  record Start(long jvmNanos, long natsTicks, long jvmSwitches, long natsSwitches, long[] commits) {}

  private static final double NANOS_PER_TICK = 1e9 / 100; // USER_HZ is 100 on Linux
  private final Map<String, List<Run>> runs = new ConcurrentHashMap<>();
  private final long natsPid;
  private final Supplier<long[]> groupCommits;

  /**
   * Finds the nats-server among this JVM's child processes (the node's embedded one).
   *
   * @param groupCommits reads the runtime's {count, sum} of group commit sizes (outside the CPU measured)
   */
  CpuPerCommand(Supplier<long[]> groupCommits) {
    this.groupCommits = groupCommits;
    natsPid = ProcessHandle.current().descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("nats-server")).orElse(false))
        .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
  }

  Start start() {
    long[] commits = groupCommits.get();
    return new Start(jvmNanos(), natsTicks(), ContextSwitches.of(ProcessHandle.current().pid()),
        ContextSwitches.of(natsPid), commits);
  }

  /** Keeps a run's CPU per command since {@code start}. */
  void record(String benchmark, Start start, int commands) {
    long jvm = jvmNanos();
    long nats = natsTicks();
    long jvmSwitches = ContextSwitches.of(ProcessHandle.current().pid());
    long natsSwitches = ContextSwitches.of(natsPid);
    long[] commits = groupCommits.get();
    long count = commits[0] - start.commits()[0];
    runs.computeIfAbsent(benchmark, k -> java.util.Collections.synchronizedList(new ArrayList<>()))
        .add(new Run(jvm < 0 || start.jvmNanos() < 0 ? Double.NaN : (double) (jvm - start.jvmNanos()) / commands,
            nats < 0 || start.natsTicks() < 0 ? Double.NaN : (nats - start.natsTicks()) * NANOS_PER_TICK / commands,
            perCommand(jvmSwitches, start.jvmSwitches(), commands),
            perCommand(natsSwitches, start.natsSwitches(), commands),
            count > 0 ? (double) (commits[1] - start.commits()[1]) / count : Double.NaN));
  }

  /** @return the measured runs' (the last {@code count}) figures */
  List<Run> perRun(String benchmark, int count) {
    List<Run> all = runs.getOrDefault(benchmark, List.of());
    return List.copyOf(all.subList(Math.max(0, all.size() - count), all.size()));
  }

  private static double perCommand(long now, long then, int commands) {
    return now < 0 || then < 0 ? Double.NaN : (double) (now - then) / commands;
  }

  private static long jvmNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : -1;
  }

  private long natsTicks() {
    if (natsPid < 0) {
      return -1;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(natsPid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
