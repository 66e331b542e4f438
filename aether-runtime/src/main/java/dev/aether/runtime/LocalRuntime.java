package dev.aether.runtime;

import dev.aether.InvalidInputException;
import dev.aether.bus.EventStoredFeed;
import dev.aether.bus.Subscription;
import dev.aether.support.Checks;
import dev.aether.runtime.spi.DomainModel;
import dev.aether.runtime.spi.ModelPlan;
import java.util.Collection;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.MailboxItem.QueuedCommand;
import dev.aether.runtime.spi.Behavior;
import dev.aether.store.EventStored;
import dev.aether.store.InMemoryReadModelStore;
import dev.aether.store.SnapshotStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process {@link Runtime}: behaviours by aggregate type, the VM registry, command routing with
 * timeouts, the passivation sweep, and the optional subscription to an EventStored feed (made when built,
 * ended by {@link #close()}).
 *
 * <p>Thread-safe. {@code state} moves NEW to RUNNING to CLOSED; the behaviour map is concurrent; the sweep is
 * one self-rescheduling task, so it never overlaps itself.
 */
final class LocalRuntime implements Runtime {

  private static final Logger LOG = LoggerFactory.getLogger(LocalRuntime.class);
  private static final int NEW = 0;
  private static final int RUNNING = 1;
  private static final int CLOSED = 2;

  private final RuntimeServices rt;
  private final ConcurrentMap<String, AggregateContext<?>> aggregates = new ConcurrentHashMap<>();
  private final AtomicInteger state = new AtomicInteger(NEW);
  private final ExecutorService ownedExecutor;
  private final SystemScheduler ownedScheduler;
  private final ModelSupport models;
  private final CommandGateway reactionGateway;
  private volatile Scheduler.Cancellable sweep;
  private volatile Subscription feed;

  private LocalRuntime(RuntimeServices rt, ExecutorService ownedExecutor, SystemScheduler ownedScheduler,
      ModelSupport models, CommandGateway reactionGateway) {
    this.rt = rt;
    this.models = models;
    this.reactionGateway = reactionGateway;
    this.ownedExecutor = ownedExecutor;
    this.ownedScheduler = ownedScheduler;
  }

  static LocalRuntime create(Runtime.Builder b) {
    ExecutorService ownedExecutor = b.executor == null
        ? Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("aether-vm-", 0).factory()) : null;
    SystemScheduler ownedScheduler = b.scheduler == null ? new SystemScheduler() : null;
    Optional<SnapshotStore> snapshots = b.snapshotStoreSet ? Optional.ofNullable(b.snapshotStore)
        : Optional.ofNullable(b.eventStore instanceof SnapshotStore s ? s : null);
    RuntimeServices rt = new RuntimeServices(b.eventStore, snapshots, b.config, b.clock,
        b.executor == null ? ownedExecutor : b.executor, b.scheduler == null ? ownedScheduler : b.scheduler,
        new ActorRegistry(b.clock), b.meterRegistry, b.placement);
    LocalRuntime runtime = new LocalRuntime(rt, ownedExecutor, ownedScheduler,
        new ModelSupport(b.readModelStore == null ? InMemoryReadModelStore.create() : b.readModelStore),
        b.reactionGateway);
    try {
      b.behaviors.forEach(runtime::register);
      if (b.feedBus != null) {
        runtime.feed = EventStoredFeed.subscribe(b.feedBus, b.feedNamespace, runtime::onEventStored);
      }
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
    return runtime;
  }

  @Override
  public void start() {
    if (state.compareAndSet(NEW, RUNNING)) {
      scheduleSweep();
      models.runtimeStarted();
    } else if (state.get() == CLOSED) {
      throw new IllegalStateException("the runtime is closed");
    }
  }

  @Override
  public boolean isRunning() {
    return state.get() == RUNNING;
  }

  @Override
  public SortedSet<String> aggregateTypes() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(aggregates.keySet()));
  }

  @Override
  public void register(Behavior<?> behavior) {
    Checks.notNull(behavior, "behavior");
    if (state.get() == CLOSED) {
      throw new IllegalStateException("the runtime is closed");
    }
    AggregateContext<?> ctx = new AggregateContext<>(behavior, rt); // checks the behaviour's contract
    String type = behavior.aggregateType();
    if (models.isModelDriven(type)) { // a Java behaviour takes precedence over the model's
      aggregates.put(type, ctx);
      models.javaReplaced(type);
      passivateType(type);
    } else if (aggregates.putIfAbsent(type, ctx) != null) {
      throw new InvalidInputException("behavior", "aggregate type " + type + " already has a behaviour");
    }
  }

  @Override
  public void loadModel(DomainModel model) {
    models.load(Checks.notNull(model, "model"), aggregates, rt, reactionGateway == null ? this : reactionGateway,
        this::passivateType);
  }

  @Override
  public Optional<DomainModel> model() {
    return models.model();
  }

  @Override
  public Optional<ModelPlan> modelPlan() {
    return models.plan();
  }

  private void passivateType(String aggregateType) {
    rt.registry.all().stream().filter(vm -> vm.getKey().aggregateType().equals(aggregateType))
        .forEach(this::passivate);
  }

  @Override
  public CompletableFuture<CommandResult> sendMessage(RuntimeMessage message) {
    long sent = rt.metrics.commandSent();
    return rt.metrics.commandReplied(sent, send(message, false), message);
  }

  @Override
  public CompletableFuture<CommandResult> sendMessageToRelay(RuntimeMessage message) {
    long sent = rt.metrics.commandSent();
    return rt.metrics.commandReplied(sent, send(message, true), message);
  }

  private CompletableFuture<CommandResult> send(RuntimeMessage message, boolean relay) {
    Checks.notNull(message, "message");
    String commandId = message.commandId();
    if (state.get() != RUNNING) {
      return rejected(commandId, RejectionReason.NOT_RUNNING, "the runtime is " + stateName());
    }
    AggregateContext<?> ctx = aggregates.get(message.aggregateType());
    Rejected refused = unknown(ctx, message);
    if (refused == null) {
      refused = models.check(message);
    }
    if (refused != null) {
      return CompletableFuture.completedFuture(refused);
    }
    if (!rt.placement.allows(message.target())) {
      return rejected(commandId, RejectionReason.NOT_OWNER, "actor " + message.target()
          + " is not placed on this node; resend the command to its owner");
    }
    return models.observe(message, route(ctx, message, relay));
  }

  /** @return UNKNOWN_AGGREGATE or UNKNOWN_COMMAND when the behaviour (null: none) does not take the command */
  private Rejected unknown(AggregateContext<?> ctx, RuntimeMessage message) {
    if (ctx == null) {
      return Rejected.of(message.commandId(), RejectionReason.UNKNOWN_AGGREGATE, "no behaviour is registered for"
          + " aggregate type " + message.aggregateType() + "; known: " + new TreeSet<>(aggregates.keySet()));
    }
    if (ctx.refuses(message.command())) {
      Optional<DomainModel> model = models.model(); // the commands a client may send: a model's internal ones left out
      return Rejected.of(message.commandId(), RejectionReason.UNKNOWN_COMMAND, "aggregate type "
          + message.aggregateType() + " has no command " + message.command() + "; known: "
          + new TreeSet<>(ctx.commandNames.stream()
              .filter(name -> model.filter(m -> m.isInternal(message.aggregateType(), name)).isEmpty()).toList()));
    }
    return null;
  }

  private CompletableFuture<CommandResult> route(AggregateContext<?> ctx, RuntimeMessage message, boolean relay) {
    CompletableFuture<CommandResult> reply = new CompletableFuture<>();
    QueuedCommand queued = withTimeout(message, reply, relay);
    if (queued != null) { // null: the deadline had passed, answered, nothing activated
      offer(ctx, queued);
    }
    return reply;
  }

  /**
   * Queues a command in the mailbox of its actor's VM, or answers it.
   *
   * <p>A VM decides with the behaviour it was created with. When the aggregate type's behaviour was replaced
   * since ({@link #loadModel}, {@link #register}), the VM found may still be finishing its mailbox with the old
   * one: the command waits until that VM has stopped and then goes to a VM of the current behaviour, so a
   * command sent after {@code loadModel} returned is never decided by the model it replaced.
   *
   * @param ctx the behaviour the command was checked against
   */
  private void offer(AggregateContext<?> ctx, QueuedCommand queued) {
    RuntimeMessage message = queued.message();
    while (true) {
      ActorVM<?> vm = vmOf(ctx, message.target());
      if (!rt.placement.allows(message.target())) {
        // the actor moved away after the check in sendMessage: its drain may have run before this VM was
        // (re-)created here, so drain it now rather than serve it on the old owner
        drain(List.of(message.target()));
        queued.complete(Rejected.of(message.commandId(), RejectionReason.NOT_OWNER, "actor " + message.target()
            + " was moved from this node while the command was routed; resend the command to its owner"));
        return;
      }
      if (!vm.decidesWith(ctx)) {
        AggregateContext<?> current = aggregates.get(message.aggregateType());
        if (current == ctx) { // the VM runs a replaced behaviour: let it finish, then route again
          passivate(vm).whenComplete((stopped, failure) -> offerAgain(queued));
        } else { // the behaviour was replaced while this command was routed: check it against the current one
          offerAgain(queued);
        }
        return;
      }
      switch (vm.offer(queued, true)) {
        case QUEUED -> {
          return;
        }
        case FULL -> {
          queued.complete(Rejected.of(message.commandId(), RejectionReason.OVERLOADED, "the mailbox of "
              + message.target() + " holds " + rt.config.mailboxCapacity() + " commands"));
          return;
        }
        case CLOSED -> {
          rt.registry.remove(vm);
          if (state.get() != RUNNING) {
            queued.complete(Rejected.of(message.commandId(), RejectionReason.NOT_RUNNING, "the runtime is "
                + stateName()));
            return;
          }
        }
      }
    }
  }

  /** Routes a command again with the aggregate type's current behaviour and checks (after a behaviour change). */
  private void offerAgain(QueuedCommand queued) {
    if (queued.isAbandoned()) {
      return; // timed out meanwhile: not decided
    }
    if (state.get() != RUNNING) {
      queued.complete(Rejected.of(queued.message().commandId(), RejectionReason.NOT_RUNNING, "the runtime is "
          + stateName()));
      return;
    }
    AggregateContext<?> ctx = aggregates.get(queued.message().aggregateType());
    Rejected refused = unknown(ctx, queued.message());
    if (refused == null) {
      refused = models.check(queued.message()); // checked against the model it is now decided by
    }
    if (refused != null) {
      queued.complete(refused);
    } else {
      offer(ctx, queued);
    }
  }

  /**
   * Registers the reply's TIMEOUT at the command timeout or, when the message's deadline comes earlier, at
   * the deadline ({@link dev.aether.support.TimeoutWheel}: no timer object, one clock read).
   *
   * @return the queued command; {@code null} when the deadline has passed already and the reply is answered
   */
  private QueuedCommand withTimeout(RuntimeMessage message, CompletableFuture<CommandResult> reply, boolean relay) {
    Duration timeout = rt.config.commandTimeout();
    Instant deadline = message.deadlineOrNull();
    if (deadline == null) {
      QueuedCommand queued = new QueuedCommand(message, reply, timeout, QueuedCommand.Limit.TIMEOUT, relay);
      rt.timeouts.register(queued, rt.clock.millis() + ceilMillis(timeout));
      return queued;
    }
    Instant now = rt.clock.instant();
    Duration left = Duration.between(now, deadline);
    if (left.compareTo(timeout) >= 0) {
      QueuedCommand queued = new QueuedCommand(message, reply, timeout, QueuedCommand.Limit.TIMEOUT_BEFORE_DEADLINE, relay);
      rt.timeouts.register(queued, now.toEpochMilli() + ceilMillis(timeout));
      return queued;
    }
    if (left.isNegative() || left.isZero()) {
      reply.complete(Rejected.of(message.commandId(), RejectionReason.TIMEOUT, "the message's deadline "
          + deadline + " had passed when it was routed (now " + now + "); it was not decided: nothing was"
          + " stored"));
      return null;
    }
    QueuedCommand queued = new QueuedCommand(message, reply, timeout, QueuedCommand.Limit.DEADLINE, relay);
    rt.timeouts.register(queued, deadline.toEpochMilli() + (deadline.getNano() % 1_000_000 == 0 ? 0 : 1));
    return queued;
  }

  /** @return the duration in milliseconds, rounded up (a timeout never fires early) */
  private static long ceilMillis(Duration d) {
    long millis = d.toMillis();
    return d.minusMillis(millis).isZero() ? millis : millis + 1;
  }

  @Override
  public Map<ActorKey, VirtualMachine> getActiveVMs() {
    return rt.registry.snapshot();
  }

  @Override
  public VMRegistry registry() {
    return rt.registry;
  }

  @Override
  public CompletableFuture<VirtualMachine> createVM(ActorKey key) {
    AggregateContext<?> ctx;
    try {
      ctx = openContext(key);
    } catch (InvalidInputException | IllegalStateException e) {
      return CompletableFuture.failedFuture(e);
    }
    ActorVM<?> vm = vmOf(ctx, key);
    return vm.start().<VirtualMachine>thenApply(ok -> vm).exceptionallyCompose(failure ->
        stoppedMeanwhile(vm, failure)
            ? createVM(key) // activate a new incarnation
            : CompletableFuture.failedFuture(unwrap(failure)));
  }

  /**
   * Whether a request failed because its VM stopped before taking it (passivated, drained) while the runtime
   * runs: then a new incarnation can take it. The stopped VM stays registered until its final snapshot is
   * written; it is removed here (as a command's routing does), else the retry would meet it again, at once and
   * on the same thread, until that write ends.
   */
  private boolean stoppedMeanwhile(ActorVM<?> vm, Throwable failure) {
    if (unwrap(failure) instanceof IllegalStateException && vm.isStopRequested() && state.get() != CLOSED) {
      rt.registry.remove(vm);
      return true;
    }
    return false;
  }

  @Override
  public CompletableFuture<StoredState> readState(ActorKey key) {
    AggregateContext<?> ctx;
    try {
      ctx = openContext(key);
    } catch (InvalidInputException | IllegalStateException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<StoredState> read = new CompletableFuture<>();
    rt.execute(() -> {
      try {
        read.complete(ctx.readState(key));
      } catch (RuntimeException | Error e) {
        read.completeExceptionally(e);
      }
    }, key);
    return read;
  }

  @Override
  public CompletableFuture<StoredState> activeState(ActorKey key) {
    return createVM(key).thenCompose(vm -> vm.readState().exceptionallyCompose(failure ->
        stoppedMeanwhile((ActorVM<?>) vm, failure)
            ? activeState(key) // stopped between its activation and the read: read a new incarnation
            : CompletableFuture.failedFuture(unwrap(failure))));
  }

  /** The context of an actor's aggregate type, while the runtime is not closed. */
  private AggregateContext<?> openContext(ActorKey key) {
    Checks.notNull(key, "key");
    AggregateContext<?> ctx = aggregates.get(key.aggregateType());
    if (ctx == null) {
      throw new InvalidInputException("key.aggregateType",
          "no behaviour is registered for aggregate type " + key.aggregateType());
    }
    if (state.get() == CLOSED) {
      throw new IllegalStateException("the runtime is closed");
    }
    return ctx;
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
  }

  @Override
  public CompletableFuture<Boolean> stopVM(ActorKey key) {
    Checks.notNull(key, "key");
    ActorVM<?> vm = rt.registry.find(key.streamId());
    if (vm == null) {
      return CompletableFuture.completedFuture(false);
    }
    return passivate(vm).thenApply(done -> true);
  }

  @Override
  public CompletableFuture<Void> drain(Collection<ActorKey> keys) {
    Checks.notNull(keys, "keys");
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    rt.lastSnapshots.begin(); // their failed snapshots are said together
    try {
      for (ActorKey key : keys) {
        ActorVM<?> vm = rt.registry.find(Checks.notNull(key, "keys[]").streamId());
        if (vm != null) {
          rt.registry.unlink(vm);
          stops.add(vm.handOff());
        }
      }
    } catch (RuntimeException e) {
      rt.lastSnapshots.end();
      throw e;
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new));
    all.whenComplete((done, failure) -> rt.lastSnapshots.end());
    return all;
  }

  @Override
  public void setPlacement(ActorPlacement placement) {
    rt.placement = Checks.notNull(placement, "placement");
  }

  @Override
  public void setReactionPlacement(ReactionPlacement placement) {
    models.setReactionPlacement(Checks.notNull(placement, "placement"));
  }

  @Override
  public void onEventStored(EventStored notice) {
    if (notice == null) {
      return;
    }
    ActorVM<?> vm = rt.registry.find(notice.streamId());
    if (vm != null) {
      vm.noteStoredVersion(notice.version());
    }
  }

  @Override
  public RuntimeConfig config() {
    return rt.config;
  }

  @Override
  public Optional<String> storeNamespace() {
    return rt.store.namespace();
  }

  @Override
  public void close() {
    if (state.getAndSet(CLOSED) == CLOSED) {
      return;
    }
    Scheduler.Cancellable s = sweep;
    if (s != null) {
      s.cancel();
    }
    models.close();
    Subscription notices = feed;
    if (notices != null) {
      notices.unsubscribe();
    }
    rt.lastSnapshots.begin();
    List<CompletableFuture<Void>> stops = rt.registry.all().stream().map(this::passivate).toList();
    try {
      CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new))
          .get(rt.config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("{} actors did not stop within {}", stops.stream().filter(f -> !f.isDone()).count(),
          rt.config.commandTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      LOG.warn("stopping the actors failed", e);
    }
    closeWrites();
    rt.lastSnapshots.end();
    // what is still pending now gets its TIMEOUT, before the interrupts below: a store call or handler they end
    // early has no outcome to tell (its write, handed over before, may still land)
    rt.timeouts.close();
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow(); // interrupts what still runs on it: a handler that outlived the wait
    }
    if (ownedScheduler != null) {
      ownedScheduler.close();
    }
    rt.metrics.close();
  }

  /**
   * Closes the runtime's {@link WriteGate}: from now on no commit, fence or snapshot of this runtime reaches its
   * stores; waits (up to the command timeout) for the writes already being handed to the store.
   */
  private void closeWrites() {
    try {
      if (!rt.writes.close(rt.config.commandTimeout())) {
        LOG.warn("{} writes to the store were still being handed over {} after the runtime closed",
            rt.writes.inFlight(), rt.config.commandTimeout());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private ActorVM<?> vmOf(AggregateContext<?> ctx, ActorKey key) {
    List<ActorVM<?>> evicted = new ArrayList<>(0);
    ActorVM<?> vm = rt.registry.getOrCreate(key, serial -> new ActorVM<>(key, serial, ctx),
        rt.config.maxActiveVMs(), evicted);
    evicted.forEach(lru -> passivate(lru, Passivation.LRU));
    return vm;
  }

  private CompletableFuture<Void> passivate(ActorVM<?> vm) {
    return passivate(vm, Passivation.STOP);
  }

  private CompletableFuture<Void> passivate(ActorVM<?> vm, Passivation cause) {
    rt.registry.unlink(vm);
    return vm.stop(cause);
  }

  private void scheduleSweep() {
    Duration period = rt.config.idleTimeout().dividedBy(2);
    sweep = rt.scheduler.schedule(this::sweepIdle, period.isZero() ? Duration.ofMillis(1) : period);
  }

  private void sweepIdle() {
    if (state.get() != RUNNING) {
      return;
    }
    try {
      long cutoff = rt.clock.millis() - rt.config.idleTimeout().toMillis();
      rt.registry.takeIdle(cutoff).forEach(vm -> vm.stop(Passivation.IDLE));
    } catch (RuntimeException e) {
      LOG.warn("passivation sweep failed", e);
    } finally {
      if (state.get() == RUNNING) {
        scheduleSweep();
      }
    }
  }

  private String stateName() {
    return switch (state.get()) {
      case NEW -> "not started";
      case RUNNING -> "running";
      default -> "closed";
    };
  }

  private static CompletableFuture<CommandResult> rejected(String commandId, RejectionReason reason,
      String message) {
    return CompletableFuture.completedFuture(Rejected.of(commandId, reason, message));
  }
}
