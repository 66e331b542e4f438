package dev.aether.bench.cluster;

import static dev.aether.bench.cluster.Latencies.median;
import static dev.aether.bench.cluster.Latencies.spread;

import dev.aether.bench.Result;
import dev.aether.bench.cluster.NatsLoss.Outcome;
import dev.aether.bench.cluster.RollingRestart.Cycle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The names, description and notes of the fault cases of {@link ClusterSuite} (issue 14, "Benchmarks"): a rolling
 * restart of 3 nodes under load ({@link RollingRestart}) and the loss of one of three NATS servers with replicated
 * streams ({@link NatsLoss}). Stateless.
 */
final class FaultNotes {

  static final String ROLLING = "rolling restart of 3 nodes under " + RollingRestart.RATE + " commands/s";
  static final String NATS_LOSS = "1 of 3 NATS servers killed (the event stream's leader, 3 replicas) under "
      + NatsLoss.RATE + " commands/s";

  private FaultNotes() {}

  static String description() {
    return "- **" + ROLLING + "**: one run = `n1`, `n2`, `n3` in turn leave gracefully (`close()`, shards handed"
        + " over warm) and start again with the same id, the next one once the cluster is settled on all three"
        + " again; open-loop load (" + RollingRestart.RATE + " deposits/s to random ones of " + RollingRestart.ACTORS
        + " actors through a random running node's gateway, transient outcomes resent at once with the same id"
        + " for at most " + FaultLoad.GIVE_UP_SECONDS + " s); " + RollingRestart.RAMP_MS + " ms ramp, "
        + RollingRestart.STEADY_MS + " ms steady before, the window from the first leave until settled after the"
        + " last start + " + RollingRestart.TAIL_MS + " ms. A command fails when its final outcome is not accepted"
        + " (a resend that succeeded is not a failure). Ops/s = restarts of the whole cluster per second.\n"
        + "- **" + NATS_LOSS + "**: one run = a fresh 3-server NATS cluster (2.9.21+, the fixture's"
        + " `AETHER_NATS_SERVER_NEW`), 3 in-JVM nodes connected to all three servers, namespace streams and"
        + " buckets with 3 replicas; " + NatsLoss.RATE + " deposits/s to random ones of " + NatsLoss.ACTORS
        + " actors (same client as above); " + NatsLoss.RAMP_MS + " ms ramp, " + NatsLoss.STEADY_MS
        + " ms steady, `kill -9` of the server leading the event stream (the clock starts once the process is gone),"
        + " load until a command first sent after"
        + " the kill is accepted + " + NatsLoss.TAIL_MS + " ms. Time until writes succeed again = from the kill to"
        + " the final (accepted) outcome of the first such command; lost = acknowledged commands whose command id"
        + " is in no message of the stream, read message by message straight from JetStream after the run.\n";
  }

  static String notes(List<Result> results, RollingRestart rolling, NatsLoss loss) {
    StringBuilder md = new StringBuilder();
    Result rollingResult = find(results, ROLLING);
    if (rollingResult != null) {
      List<Cycle> cycles = last(rolling.cycles(), rollingResult.subject().runs());
      List<Double> before = cycles.stream().map(c -> (double) Latencies.percentile(c.before(), 0.99)).toList();
      List<Double> window = cycles.stream().map(c -> (double) Latencies.percentile(c.window(), 0.99)).toList();
      List<Double> added = new ArrayList<>();
      for (int i = 0; i < cycles.size(); i++) {
        added.add(window.get(i) - before.get(i));
      }
      int failed = cycles.stream().mapToInt(Cycle::failed).sum();
      md.append("\nRolling restart goals (issue 14; per run, median over the measured runs [min - max]):\n\n"
          + "| figure | value | goal | met |\n|---|--:|--:|---|\n");
      md.append(String.format(Locale.ROOT, "| failed commands (all measured runs) | %,d of %,d | 0 | %s |%n", failed,
          cycles.stream().mapToInt(Cycle::sent).sum(), failed == 0 ? "yes" : "**no**"));
      md.append(String.format(Locale.ROOT, "| p99 before | %s | - | - |%n| p99 in the restart window | %s | - | - |%n"
          + "| p99 added by the rolling restart | %s | reported | - |%n", spread(before), spread(window),
          spread(added)));
      md.append(String.format(Locale.ROOT, "| restart window (3 leaves + 3 starts, settled each time) | %s | - | - |%n"
          + "| commands resent by the client after a transient outcome, per run | %s | - | - |%n",
          spread(cycles.stream().map(c -> (double) c.windowNanos()).toList()),
          cycles.stream().map(c -> Integer.toString(c.retried())).toList()));
      cycles.stream().flatMap(c -> c.failures().stream()).limit(3)
          .forEach(f -> md.append("\nA failure: ").append(f).append('\n'));
    }
    Result lossResult = find(results, NATS_LOSS);
    if (lossResult != null) {
      List<Outcome> outcomes = last(loss.outcomes(), lossResult.subject().runs());
      int lost = outcomes.stream().mapToInt(Outcome::lost).sum();
      int failed = outcomes.stream().mapToInt(Outcome::failed).sum();
      List<Double> recovery = outcomes.stream().map(o -> (double) o.recoveryNanos()).toList();
      md.append("\nLoss of one of three NATS servers (issue 14; nats-server ")
          .append(outcomes.isEmpty() ? "?" : outcomes.getFirst().serverVersion())
          .append("; per run, median over the measured runs [min - max]):\n\n"
              + "| figure | value | goal | met |\n|---|--:|--:|---|\n");
      md.append(String.format(Locale.ROOT, "| acknowledged commands lost (all measured runs) | %,d of %,d | 0 | %s |%n",
          lost, outcomes.stream().mapToInt(Outcome::acknowledged).sum(), lost == 0 ? "yes" : "**no**"));
      md.append(String.format(Locale.ROOT, "| time from the kill until writes succeed again | %s | reported | - |%n",
          spread(recovery)));
      md.append(String.format(Locale.ROOT, "| failed commands (all measured runs) | %,d of %,d | - | - |%n", failed,
          outcomes.stream().mapToInt(Outcome::sent).sum()));
      md.append(String.format(Locale.ROOT, "| p99 before the kill | %s | - | - |%n| p99 after the kill | %s | - | - |%n"
          + "| slowest command sent after the kill | %s | - | - |%n",
          spread(outcomes.stream().map(o -> (double) Latencies.percentile(o.before(), 0.99)).toList()),
          spread(outcomes.stream().map(o -> (double) Latencies.percentile(o.after(), 0.99)).toList()),
          spread(outcomes.stream().map(o -> (double) Latencies.percentile(o.after(), 1.0)).toList())));
      md.append(String.format(Locale.ROOT, "| commands resent after a transient outcome, per run | %s | - | - |%n",
          outcomes.stream().map(o -> Integer.toString(o.retried())).toList()));
      outcomes.stream().flatMap(o -> o.failures().stream()).limit(3)
          .forEach(f -> md.append("\nA failure: ").append(f).append('\n'));
      if (!recovery.isEmpty() && Double.isNaN(median(recovery))) {
        md.append("\nNo run measured a recovery.\n");
      }
    }
    return md.toString();
  }

  private static Result find(List<Result> results, String name) {
    return results.stream().filter(r -> r.benchmarkCase().name().equals(name)).findFirst().orElse(null);
  }

  private static <T> List<T> last(List<T> all, int runs) {
    return all.subList(Math.max(0, all.size() - runs), all.size());
  }
}
