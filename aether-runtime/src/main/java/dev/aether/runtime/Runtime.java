package dev.aether.runtime;

import dev.aether.bus.EventBus;
import dev.aether.bus.EventStoredFeed;
import dev.aether.bus.Namespaces;
import dev.aether.support.Checks;
import dev.aether.runtime.spi.Behavior;
import dev.aether.store.EventStore;
import dev.aether.store.ReadModelStore;
import dev.aether.store.EventStored;
import dev.aether.store.SnapshotStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * The in-process host of virtual actors: it routes each {@link RuntimeMessage} to its actor's
 * {@link VirtualMachine}, activating the actor on demand (snapshot + replay), lets the actor's
 * {@linkplain Behavior behaviour} decide, stores the events with optimistic concurrency and replies.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>One message at a time per actor, in arrival order; many actors in parallel on virtual threads.
 *       Commands queued for one actor are decided in order and stored in one commit (group commit, at most
 *       {@link RuntimeConfig#groupCommitLimit()}); each reply completes after that commit.</li>
 *   <li>A command id the actor already applied returns its first outcome and stores nothing, also after
 *       passivation and restart (within {@link RuntimeConfig#idempotencyWindow()} recent ids).</li>
 *   <li>On a version conflict the actor catches up from the store and decides again, up to
 *       {@link RuntimeConfig#conflictRetries()} times, then answers {@link RejectionReason#CONFLICT}.</li>
 *   <li>The future of {@link #sendMessage} never completes exceptionally: every outcome is a
 *       {@link CommandResult}.</li>
 * </ul>
 *
 * <h2>Two faces</h2>
 * A runtime is a {@link CommandGateway} (the data face: {@link #sendMessage}, all that policies, the HTTP API
 * and clients need) and a {@link RuntimeManagement} (behaviours, models, VMs, drain, placement). Pass it on as
 * the narrower interface that the receiver needs. The name {@code Runtime} is the seed's; it shadows
 * {@code java.lang.Runtime} only in a file that imports it, where {@code java.lang.Runtime.getRuntime()} is
 * still reachable by its full name.
 *
 * <p>Create one with {@link #builder()}, register behaviours, {@link #start()} it, and {@link #close()} it to
 * stop every actor (each writes its snapshot). Thread-safe.
 */
public interface Runtime extends CommandGateway, RuntimeManagement, AutoCloseable {

  /** @return a builder; {@link Builder#eventStore} is required */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the runtime: from now on messages are accepted and idle actors are passivated. Idempotent.
   *
   * @throws IllegalStateException when the runtime was closed
   */
  void start();

  /** @return whether the runtime is started and not closed */
  boolean isRunning();

  /**
   * Stops accepting messages, stops every VM after its queued messages (each writes its snapshot), waits for
   * them up to the command timeout, and releases the threads the runtime created. Idempotent.
   *
   * <p>After the wait, no write of this runtime begins any more: a batch still being decided (a handler that
   * outlived the wait) stores nothing, a snapshot not yet written is not written; every reply still open is
   * answered {@code TIMEOUT} (so is such a batch's: its handler is still running when the replies are answered),
   * then the runtime's own threads are interrupted (a given executor is neither shut down nor interrupted). A
   * write whose call to the store had begun before is
   * waited for (up to the command timeout again) until the store has it: once this returns, nothing reaches the
   * store but the commits handed to it before, whose outcome their callers do not know ({@code TIMEOUT}; an
   * asynchronous store may acknowledge one later). Resending such a command with the same command id to a new
   * runtime is safe: it is answered as a duplicate if the commit landed.
   *
   * <p>Call it from a thread of your own: from a non-async callback of a reply, which may run on the actor's
   * thread, it waits for that very actor until the command timeout, then goes on without its stop snapshot.
   */
  @Override
  void close();

  /**
   * Builds a {@link Runtime}. Not thread-safe.
   */
  final class Builder {
    EventStore eventStore;
    SnapshotStore snapshotStore;
    boolean snapshotStoreSet;
    RuntimeConfig config = RuntimeConfig.defaults();
    Clock clock = Clock.systemUTC();
    Scheduler scheduler;
    ExecutorService executor;
    final List<Behavior<?>> behaviors = new ArrayList<>();
    EventBus feedBus;
    String feedNamespace;
    CommandGateway reactionGateway;
    ReadModelStore readModelStore;
    ActorPlacement placement = ActorPlacement.EVERYWHERE;
    MeterRegistry meterRegistry;

    Builder() {}

    /**
     * Sets the event store (required).
     *
     * @param store the store
     * @return this builder
     */
    public Builder eventStore(EventStore store) {
      this.eventStore = Checks.notNull(store, "eventStore");
      return this;
    }

    /**
     * Sets the snapshot store. By default the event store is used when it is also a {@link SnapshotStore}
     * (as {@link dev.aether.store.InMemoryEventStore} is); otherwise no snapshots are written.
     *
     * @param store the store
     * @return this builder
     */
    public Builder snapshotStore(SnapshotStore store) {
      this.snapshotStore = Checks.notNull(store, "snapshotStore");
      this.snapshotStoreSet = true;
      return this;
    }

    /**
     * Turns snapshots off, even when the event store is also a snapshot store.
     *
     * @return this builder
     */
    public Builder withoutSnapshots() {
      this.snapshotStore = null;
      this.snapshotStoreSet = true;
      return this;
    }

    /**
     * Sets the configuration (default {@link RuntimeConfig#defaults()}).
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder config(RuntimeConfig config) {
      this.config = Checks.notNull(config, "config");
      return this;
    }

    /**
     * Sets the clock used for event and snapshot timestamps and idle times (default UTC system clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Checks.notNull(clock, "clock");
      return this;
    }

    /**
     * Sets the scheduler for timeouts and the passivation sweep (default: one daemon thread named
     * {@code aether-runtime-timer}, shut down by {@link Runtime#close()}). A given scheduler is not closed.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Checks.notNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets the executor that runs the actors' mailboxes (default: a new virtual thread per task, named
     * {@code aether-vm-<n>}, shut down by {@link Runtime#close()}). Its tasks are reused mailbox workers, each
     * running ready actors one batch at a time, and snapshot writes. A given executor is not shut down.
     *
     * @param executor the executor; it should start a new (virtual) thread per task (a worker that blocks in
     *     the store is then replaced by a spare one, so a blocked actor does not hold up the others)
     * @return this builder
     */
    public Builder executor(ExecutorService executor) {
      this.executor = Checks.notNull(executor, "executor");
      return this;
    }

    /**
     * Feeds the runtime the {@link EventStored} notices of a store namespace published on a bus by
     * {@link EventStoredFeed#publisher} (on this node and on others), so that an active actor catches up with
     * another writer's events before its next decision instead of after a conflict. The runtime subscribes
     * when built and unsubscribes when closed; the bus stays the caller's. Without a feed, other writers are
     * still noticed, through the conflict of the next append.
     *
     * @param bus the bus the notices travel on
     * @param storeNamespace the namespace the stores' publishers were given (see
     *     {@link EventStoredFeed#namespaceOf})
     * @return this builder
     * @throws dev.aether.InvalidInputException naming {@code bus} or {@code namespace} when refused
     */
    public Builder eventStoredFeed(EventBus bus, String storeNamespace) {
      this.feedBus = Checks.notNull(bus, "bus");
      this.feedNamespace = Namespaces.validateNamespace(storeNamespace);
      return this;
    }

    /**
     * Sets where the model's policies send their commands (default: this runtime). A cluster node sets its
     * distributed gateway, so that a policy's command reaches the node that owns its target actor.
     *
     * @param gateway the gateway
     * @return this builder
     */
    public Builder reactionGateway(CommandGateway gateway) {
      this.reactionGateway = Checks.notNull(gateway, "reactionGateway");
      return this;
    }

    /**
     * Sets where the read models of the models this runtime loads keep their rows and checkpoints (default: in
     * memory, kept as long as the runtime).
     *
     * @param store the store
     * @return this builder
     */
    public Builder readModelStore(ReadModelStore store) {
      this.readModelStore = Checks.notNull(store, "readModelStore");
      return this;
    }

    /**
     * Sets the placement seam (default {@link ActorPlacement#EVERYWHERE}; also settable later with
     * {@link RuntimeManagement#setPlacement}).
     *
     * @param placement the placement
     * @return this builder
     */
    public Builder placement(ActorPlacement placement) {
      this.placement = Checks.notNull(placement, "placement");
      return this;
    }

    /**
     * Publishes the runtime's meters ({@code aether.runtime.*}: active VMs, activations, commands by outcome
     * and reason, command latency, group-commit size, mailbox depth, conflicts, snapshots, passivations; see
     * the module README, "Metrics") to a registry. By default none are kept, at no cost to the hot path.
     * {@link Runtime#close()} removes the active-VM gauge; the other meters stay in the registry.
     *
     * @param registry the registry; the caller keeps owning it
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Checks.notNull(registry, "meterRegistry");
      return this;
    }

    /**
     * Registers a behaviour (same as {@link Runtime#register} after building).
     *
     * @param behavior the behaviour
     * @return this builder
     */
    public Builder behavior(Behavior<?> behavior) {
      behaviors.add(Checks.notNull(behavior, "behavior"));
      return this;
    }

    /**
     * Builds the runtime; it accepts messages once {@linkplain Runtime#start() started}.
     *
     * @return the runtime
     * @throws dev.aether.InvalidInputException when the event store is missing, two behaviours share an
     *     aggregate type, or a behaviour breaks its contract (as {@link Runtime#register} says)
     * @throws dev.aether.bus.EventBusClosedException when the {@linkplain #eventStoredFeed feed}'s bus is
     *     closed
     * @throws dev.aether.bus.EventBusUnavailableException when the feed's bus cannot register the
     *     subscription
     */
    public Runtime build() {
      Checks.notNull(eventStore, "eventStore");
      return LocalRuntime.create(this);
    }
  }
}
