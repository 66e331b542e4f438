package dev.aether.bench.runtime;

import static dev.aether.bench.runtime.NatsRig.fmt;

import dev.aether.bench.RunCost;
import dev.aether.bench.Stats;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The lines of {@link RuntimeSuite}'s notes on the in-memory throughput and latency cases: what their measured
 * runs cost (collections, CPU, allocation) and the latency percentiles. Also printed alone when {@code --only}
 * measured some cases only. Stateless.
 */
final class InMemoryNotes {

  private InMemoryNotes() {}

  /**
   * @param percentiles the measured latency runs' {p50, p99} in nanoseconds
   * @return {p50, p99} in microseconds: the medians over the runs of each run's percentile
   */
  static double[] latencyMicros(List<long[]> percentiles) {
    return new double[] {Stats.median(percentiles.stream().map(l -> (double) l[0]).toList()) / 1e3,
        Stats.median(percentiles.stream().map(l -> (double) l[1]).toList()) / 1e3};
  }

  /**
   * @param runs the measured throughput runs' costs
   * @return a markdown bullet: CPU and bytes allocated per command, collections and their time, JIT time
   */
  static String throughput(List<RunCost> runs) {
    long commands = InMemoryThroughput.COMMANDS;
    return "- In-memory throughput, per measured run of " + fmt("%,d", commands) + " commands, median (min - max):"
        + " process CPU " + Stats.medianMinMax("%.1f us", values(runs, c -> c.cpuMicrosPer(commands))) + " and "
        + Stats.medianMinMax("%,.0f B", values(runs, c -> c.allocatedPer(commands)))
        + " allocated per command (all threads), " + Stats.medianMinMax("%.0f", values(runs, RunCost::collections))
        + " garbage collections taking " + Stats.medianMinMax("%,.0f ms", values(runs, RunCost::gcMillis))
        + " (the collectors' own count), JIT compilation " + Stats.medianMinMax("%,.0f ms",
        values(runs, RunCost::jitMillis)) + "; all inside the timed region (the harness's full GC before a run"
        + " only clears the previous run's garbage)."
        + (Stats.median(values(runs, RunCost::collections)) < 1 ? " **The median run had no collection: runs are"
        + " too short for this allocation rate, so the throughput leaves GC out.**" : "") + "\n";
  }

  /**
   * @param percentiles the measured latency runs' {p50, p99} in nanoseconds
   * @param runs the measured latency runs' costs
   * @return a markdown bullet: how the percentiles are taken and the collections that fell in the runs
   */
  static String latency(List<long[]> percentiles, List<RunCost> runs) {
    double[] micros = latencyMicros(percentiles);
    return fmt("- In-memory latency p50 / p99 %.1f us / %.1f us: the medians over the measured runs of each"
        + " run's percentiles (%,d commands per run, each sent when the previous reply arrived); ", micros[0],
        micros[1], InMemory.SEQUENTIAL)
        + Stats.medianMinMax("%.0f", values(runs, RunCost::collections)) + " collections taking "
        + Stats.medianMinMax("%,.0f ms", values(runs, RunCost::gcMillis))
        + " per run fell inside the runs (a pause adds to the latency of the commands it hits).\n";
  }

  private static List<Double> values(List<RunCost> costs, ToDoubleFunction<RunCost> value) {
    return costs.stream().map(value::applyAsDouble).toList();
  }
}
