package dev.aether.runtime;

import dev.aether.bus.EventBus;
import dev.aether.bus.EventStoredFeed;
import dev.aether.bus.Namespaces;
import dev.aether.internal.Checks;
import dev.aether.model.InvalidModelException;
import dev.aether.model.Model;
import dev.aether.runtime.spi.Behavior;
import dev.aether.store.EventStore;
import dev.aether.store.EventStored;
import dev.aether.store.SnapshotStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * <p>Create one with {@link #builder()}, register behaviours, {@link #start()} it, and {@link #close()} it to
 * stop every actor (each writes its snapshot). Thread-safe.
 */
public interface Runtime extends AutoCloseable {

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
   * Registers the behaviour of one aggregate type. Allowed before and after {@link #start()}.
   *
   * @param behavior the behaviour
   * @throws dev.aether.InvalidInputException naming {@code behavior} when its aggregate type already has one
   */
  void register(Behavior<?> behavior);

  /**
   * Loads an EventStorming model: validates it and keeps it as the runtime's model. With a
   * {@linkplain dev.aether.runtime.spi.ModelEngine model engine} ({@code aether-model} on the class path, or
   * {@link Builder#modelEngine}) the engine compiles it: every aggregate without a Java behaviour runs as a
   * model-driven behaviour, every command is checked against the model before it reaches an actor, and
   * policies and read models react to accepted commands. Loading another model (a new version) replaces the
   * previous plan; actors of model-driven aggregates are passivated and reactivate under the new behaviour.
   * Without an engine, every aggregate of the model needs a registered behaviour (and a behaviour that lists
   * its commands must handle every command of the model). Register Java behaviours before loading.
   *
   * @param model the model
   * @throws InvalidModelException listing every problem with its path, for example
   *     {@code aggregates.Account: no behaviour registered}; the previous model stays loaded
   */
  void loadModel(Model model);

  /** @return the last model loaded */
  Optional<Model> model();

  /** @return the model engine's plan for the last model loaded, when an engine compiled it */
  Optional<dev.aether.runtime.spi.ModelPlan> modelPlan();

  /**
   * Sends a command to its actor.
   *
   * @param message the command
   * @return completes with the outcome once it is known, at the latest after
   *     {@link RuntimeConfig#commandTimeout()} (then {@link RejectionReason#TIMEOUT}); never exceptionally.
   *     Non-async callbacks run on the actor's thread: keep them short.
   */
  CompletableFuture<CommandResult> sendMessage(RuntimeMessage message);

  /** @return a copy of the active VMs by actor */
  Map<ActorKey, VirtualMachine> getActiveVMs();

  /** @return the live registry of active VMs */
  VMRegistry registry();

  /**
   * Activates an actor without sending it a command (for example to warm it up), or returns its active VM.
   *
   * @param key the actor
   * @return completes with the active VM; exceptionally with {@link dev.aether.InvalidInputException} for an
   *     unknown aggregate type, or with the activation's failure
   */
  CompletableFuture<VirtualMachine> createVM(ActorKey key);

  /**
   * Stops an actor's VM once its mailbox is empty, writing a snapshot when its version moved.
   *
   * @param key the actor
   * @return completes with {@code true} once stopped, or at once with {@code false} when it was not active
   */
  CompletableFuture<Boolean> stopVM(ActorKey key);

  /**
   * Tells the runtime that an event was stored, possibly by another writer (another node, a migration). An
   * active actor behind the stored version catches up from the store before its next decision. Cheap and
   * non-blocking: wire it to the store's {@link dev.aether.store.EventStoredListener} or to an event bus
   * ({@link Builder#eventStoredFeed}). A notice at or below the actor's version (such as the notice of the
   * actor's own commit) changes nothing.
   *
   * @param notice the stored event's notice; its actor id is the {@linkplain ActorKey#streamId() stream id}
   */
  void onEventStored(EventStored notice);

  /** @return the configuration */
  RuntimeConfig config();

  /**
   * Stops accepting messages, stops every VM after its queued messages (each writes its snapshot), waits for
   * them up to the command timeout, and releases the threads the runtime created. Idempotent.
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
    dev.aether.runtime.spi.ModelEngine modelEngine;

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
     * Sets the executor that runs the actors' mailboxes (default: one virtual thread per busy actor, named
     * {@code aether-vm-<n>}, shut down by {@link Runtime#close()}). A given executor is not shut down.
     *
     * @param executor the executor; it should start a new (virtual) thread per task
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
     * Sets the engine that compiles models in {@link Runtime#loadModel} (default: the first
     * {@link dev.aether.runtime.spi.ModelEngine} found by {@link java.util.ServiceLoader}, if any).
     *
     * @param engine the engine
     * @return this builder
     */
    public Builder modelEngine(dev.aether.runtime.spi.ModelEngine engine) {
      this.modelEngine = Checks.notNull(engine, "modelEngine");
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
     * @throws dev.aether.InvalidInputException when the event store is missing or two behaviours share an
     *     aggregate type
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
