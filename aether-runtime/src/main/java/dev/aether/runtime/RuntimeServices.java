package dev.aether.runtime;

import dev.aether.store.EventStore;
import dev.aether.store.SnapshotStore;
import dev.aether.support.TimeoutWheel;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every VM of one runtime shares: stores, configuration, time, threads, the activation limit and the
 * registry, the metrics, the placement. A holder whose members are thread-safe; all final but the placement,
 * which the cluster sets once the node joins (a volatile read per batch).
 */
final class RuntimeServices {

  private static final Logger LOG = LoggerFactory.getLogger(RuntimeServices.class);

  final EventStore store;
  final Optional<SnapshotStore> snapshots;
  final RuntimeConfig config;
  final Clock clock;
  final Executor executor;
  /** Runs the mailboxes on {@code executor}. */
  final DrainDispatcher dispatcher;
  final Scheduler scheduler;
  /** The pending replies' timeouts, turned by {@code scheduler}. */
  final TimeoutWheel timeouts;
  final Semaphore activations;
  final ActorRegistry registry;
  final RuntimeMetrics metrics;
  /** The registry given to the builder, or null: for what the runtime hosts (a model's reactions). */
  final MeterRegistry meterRegistry;
  /** Lets writes to the stores begin only while the runtime is open; closed by {@link Runtime#close()}. */
  final WriteGate writes = new WriteGate();
  /** Says once per actor that its state is too large for a snapshot. */
  final SnapshotSizeLog snapshotSizes = new SnapshotSizeLog();
  /** Says in one line which actors stopped without their last snapshot while many stopped together. */
  final LastSnapshotLog lastSnapshots = new LastSnapshotLog();
  /** Says once that an actor's history does not replay, and when it does again. */
  final ReplayFailureLog replayFailures = new ReplayFailureLog();
  /**
   * Whether an actor runs on this node: checked when a command is routed to its actor, and again before each
   * decision (a batch, and each decision again after a conflict), so that a node that lost an actor's shard
   * without draining it (paused past its lease, or cut off from the cluster) does not decide the commands
   * still queued.
   */
  volatile ActorPlacement placement;

  RuntimeServices(EventStore store, Optional<SnapshotStore> snapshots, RuntimeConfig config, Clock clock,
      Executor executor, Scheduler scheduler, ActorRegistry registry, MeterRegistry meterRegistry,
      ActorPlacement placement) {
    this.store = store;
    this.snapshots = snapshots;
    this.config = config;
    this.clock = clock;
    this.executor = executor;
    this.dispatcher = new DrainDispatcher(executor);
    this.scheduler = scheduler;
    this.timeouts = new TimeoutWheel(clock, scheduler::schedule);
    this.activations = new Semaphore(config.maxConcurrentActivations());
    this.registry = registry;
    this.metrics = RuntimeMetrics.of(meterRegistry, registry);
    this.meterRegistry = meterRegistry;
    this.placement = placement;
  }

  /**
   * Runs a VM's task on the executor; when the executor refuses it (shut down while the runtime closes), on
   * the calling thread, so that no reply and no mailbox is left behind.
   *
   * @param task the task
   * @param key the actor, for the warning
   */
  void execute(Runnable task, ActorKey key) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      LOG.warn("executor refused work for {}; running it on the caller's thread", key);
      task.run();
    }
  }
}
