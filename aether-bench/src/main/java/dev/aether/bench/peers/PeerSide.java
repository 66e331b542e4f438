package dev.aether.bench.peers;

import dev.aether.bench.Benchmark;
import dev.aether.bench.Heap;
import dev.aether.bench.Meter;
import dev.aether.bench.RunCost;
import java.util.ArrayList;
import java.util.List;

/**
 * What both sides of the peer workload measure the same way: each timed run's cost ({@link RunCost}), or, in
 * separate untimed runs, the heap a run keeps; and no forced GC before a timed run. A side sends one
 * command in {@link #send} and calls {@link #startMeasuring()} at the end of its set-up and
 * {@link #finishMeasuring()} in its tear-down. Not thread-safe: the suite's thread only.
 */
abstract class PeerSide implements Benchmark {

  private final List<RunCost> costs = new ArrayList<>();
  private final List<Long> kept = new ArrayList<>();
  private boolean metered = true;
  private boolean measuringKept;
  private long before;
  private RunCost cost;
  private long runEnd;

  /**
   * Sends the {@code i}-th command of a run, asynchronously; its reply must end in {@link Workload.Window#done}.
   *
   * @param i the command's number in the run, 0-based
   * @param window the run's window of outstanding commands
   */
  abstract void send(int i, Workload.Window window);

  /** Sends the workload's commands, at most {@value Workload#OUTSTANDING} outstanding, and waits for every reply. */
  @Override
  public final long run() {
    Meter meter = Meter.start();
    Workload.Window window = new Workload.Window();
    for (int i = 0; i < Workload.COMMANDS; i++) {
      window.acquire();
      send(i, window);
    }
    window.awaitAll();
    cost = meter.stop();
    runEnd = System.nanoTime();
    return Workload.COMMANDS;
  }

  /** Ends a set-up: when measuring the heap kept, reads the heap used after full GCs (untimed). */
  final void startMeasuring() {
    before = measuringKept ? Heap.usedAfterGc() : 0;
  }

  /** Starts a tear-down: records the run's cost, or the heap it kept once its timers have passed (untimed). */
  final void finishMeasuring() {
    if (!metered) {
      return;
    }
    if (measuringKept) {
      Workload.awaitTimers(runEnd);
      kept.add(Heap.usedAfterGc() - before);
    } else {
      costs.add(cost);
    }
  }

  /** @return each timed run's costs, in run order (warm-up runs first) */
  final List<RunCost> costs() {
    return costs;
  }

  /** @return the heap kept by each run measured with {@link #measuringKept(boolean)} on, in bytes */
  final List<Long> kept() {
    return kept;
  }

  /**
   * Turns the per-run records on or off: the suite's untimed pre-warm runs record nothing.
   *
   * @param metered whether runs record their costs or kept heap
   */
  final void metered(boolean metered) {
    this.metered = metered;
  }

  /**
   * Turns the heap measurement on or off. On, a run forces full GCs before and after (untimed) and records the
   * heap it kept instead of its costs; off, nothing forces a collection, so that timed runs collect the earlier
   * runs' garbage as a long-running process does.
   *
   * @param on whether runs measure the heap they keep
   */
  final void measuringKept(boolean on) {
    this.measuringKept = on;
  }

  @Override
  public final boolean collectBeforeRun() {
    return false;
  }
}
