package dev.aether.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CompletableFuture;

/**
 * What a runtime measures, as hooks called where things happen; the per-aggregate ones are in
 * {@link AggregateMetrics}. Without a {@link MeterRegistry} the runtime uses {@link #NONE}, whose methods do
 * nothing (no clock read, no allocation), so the hot path pays a field read and an inlined empty call.
 *
 * <p>The meters ({@link MicrometerRuntimeMetrics}; documented in the module README, "Metrics"). Tag
 * {@code aggregate} is the aggregate type; never an actor id:
 * <ul>
 *   <li>{@value #VMS_ACTIVE} (gauge): VMs in the registry;</li>
 *   <li>{@value #ACTIVATIONS} (timer; tags {@code aggregate}, {@code outcome} = success|failure): activations,
 *       snapshot load and replay;</li>
 *   <li>{@value #COMMANDS} (counter; tags {@code aggregate}, {@code outcome} = accepted|rejected|duplicate,
 *       {@code reason}): replies to {@code sendMessage};</li>
 *   <li>{@value #COMMAND_LATENCY} (timer; tags {@code aggregate}, {@code outcome}): from
 *       {@code sendMessage} to its reply;</li>
 *   <li>{@value #GROUP_COMMIT_SIZE} (distribution summary; {@code aggregate}): commands per group commit;</li>
 *   <li>{@value #MAILBOX_DEPTH} (distribution summary; {@code aggregate}): mailbox depth when a batch is
 *       taken;</li>
 *   <li>{@value #CONFLICTS} (counter; {@code aggregate}): version conflicts on appends;</li>
 *   <li>{@value #SNAPSHOTS} (counter; {@code aggregate}): snapshots written;</li>
 *   <li>{@value #PASSIVATIONS} (counter; tags {@code aggregate}, {@code cause} = idle|lru|stop|drain).</li>
 * </ul>
 *
 * <p>Implementations are thread-safe.
 */
interface RuntimeMetrics {

  /** Gauge: the VMs in the registry (active, activating or stopping). */
  String VMS_ACTIVE = "aether.runtime.vms.active";
  /** Timer: activations and their duration. */
  String ACTIVATIONS = "aether.runtime.activations";
  /** Counter: replies by outcome and reason. */
  String COMMANDS = "aether.runtime.commands";
  /** Timer: from {@code sendMessage} to the reply. */
  String COMMAND_LATENCY = "aether.runtime.command.latency";
  /** Distribution summary: commands decided in one group commit. */
  String GROUP_COMMIT_SIZE = "aether.runtime.group.commit.size";
  /** Distribution summary: the mailbox depth when a batch is taken. */
  String MAILBOX_DEPTH = "aether.runtime.mailbox.depth";
  /** Counter: version conflicts the store reported on appends. */
  String CONFLICTS = "aether.runtime.conflicts";
  /** Counter: snapshots the snapshot store accepted. */
  String SNAPSHOTS = "aether.runtime.snapshots.written";
  /** Counter: VMs passivated, by cause. */
  String PASSIVATIONS = "aether.runtime.passivations";

  /** Measures nothing. */
  RuntimeMetrics NONE = new RuntimeMetrics() {};

  /**
   * The metrics of a runtime.
   *
   * @param registry where to register the meters, or {@code null} for none
   * @param vms the runtime's VMs, read by the active-VM gauge
   * @return {@link #NONE} without a registry
   */
  static RuntimeMetrics of(MeterRegistry registry, VMRegistry vms) {
    return registry == null ? NONE : new MicrometerRuntimeMetrics(registry, vms);
  }

  /**
   * The meters of one aggregate type, made once when its behaviour is registered.
   *
   * @param aggregateType a registered aggregate type
   * @return its meters
   */
  default AggregateMetrics aggregate(String aggregateType) {
    return AggregateMetrics.NONE;
  }

  /**
   * Marks a command sent.
   *
   * @return the time to pass to {@link #commandReplied}, in {@link System#nanoTime()} units (0 when not measured)
   */
  default long commandSent() {
    return 0;
  }

  /**
   * Records a command's outcome and latency when its reply completes.
   *
   * @param sent what {@link #commandSent()} returned
   * @param reply the reply
   * @param message the command
   * @return the future to give the caller: {@code reply} itself, or when it is not complete yet a future
   *     completed with the same result once the meters have recorded it (so a caller that sees the reply
   *     also sees it counted)
   */
  default CompletableFuture<CommandResult> commandReplied(long sent, CompletableFuture<CommandResult> reply,
      RuntimeMessage message) {
    return reply;
  }

  /** Removes the meters that read the runtime's live state (the active-VM gauge), when the runtime closes. */
  default void close() {}
}
