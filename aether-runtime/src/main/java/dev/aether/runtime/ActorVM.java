package dev.aether.runtime;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.support.Checks;
import dev.aether.support.JsonValues;
import dev.aether.runtime.MailboxItem.Apply;
import dev.aether.runtime.MailboxItem.QueuedCommand;
import dev.aether.runtime.MailboxItem.Read;
import dev.aether.runtime.MailboxItem.Start;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The VM of one actor: a lock-free mailbox drained one turn at a time by the runtime's {@link DrainDispatcher},
 * plus the actor's {@link ActorState}.
 *
 * <h2>Mailbox protocol</h2>
 * {@code pending} counts the mailbox items offered and not yet processed, or is {@link #CLOSED}. A sender
 * increments it (refused when closed or full) <em>before</em> queueing; the sender that moves it from 0
 * schedules the VM on the {@link DrainDispatcher}, whose workers run it one turn (one batch) at a time until
 * a turn brings {@code pending} back to 0. So at most one turn runs at a time, it owns the actor's state, and
 * the counter's atomic updates give each turn a happens-before edge to the previous one. A turn that finds the
 * queue empty while {@code pending} still counts an item (its sender is between the two steps) does not spin:
 * it sets {@code senderOwes}, looks at the queue once more and, when still empty, releases the VM; the sender,
 * after queueing, sees the flag and schedules the VM itself (one CAS decides which of the two goes on).
 * Stopping is one CAS from 0 to {@code CLOSED}: it succeeds only while nothing is queued or being processed,
 * and once closed no sender can get in (it retries on a new VM).
 *
 * <p>A turn may end off its worker: a batch whose replies are all relayed ({@link
 * CommandGateway#sendMessageToRelay}) does not wait for its commit's acknowledgement ({@link
 * GroupCommit.Progress#WAITING}); the acknowledgement finishes the batch and ends the turn (releases its items,
 * then schedules the VM when more are queued), and the worker goes on with other VMs meanwhile. {@code pending}
 * still counts the turn's items until the turn ends, so no other turn starts meanwhile and a stop waits for it.
 *
 * <h2>Memory</h2>
 * An idle VM holds no thread and no lock: this object, its state holder, an empty queue and the actor's
 * recent command ids. The LRU links ({@code lruPrev}, {@code lruNext}, {@code linked}, {@code lastUsed}) are
 * guarded by the registry's lock.
 *
 * @param <S> the behaviour's state type
 */
final class ActorVM<S> implements VirtualMachine {

  private static final int CLOSED = Integer.MIN_VALUE;
  private static final VarHandle PENDING;
  private static final VarHandle STOPPED;
  private static final VarHandle KNOWN_VERSION;
  private static final VarHandle SENDER_OWES;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      PENDING = lookup.findVarHandle(ActorVM.class, "pending", int.class);
      STOPPED = lookup.findVarHandle(ActorVM.class, "stopped", CompletableFuture.class);
      KNOWN_VERSION = lookup.findVarHandle(ActorVM.class, "knownVersion", long.class);
      SENDER_OWES = lookup.findVarHandle(ActorVM.class, "senderOwes", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** What {@link #offer} did. */
  enum Offer { QUEUED, CLOSED, FULL }

  private final ActorKey key;
  private final long serial;
  private final ActorState<S> actor;
  private final ConcurrentLinkedQueue<MailboxItem> queue = new ConcurrentLinkedQueue<>();
  private volatile int pending;
  /** Set by a drain that found the queue empty while {@code pending} counted an item: its sender drains. */
  private volatile boolean senderOwes;
  private volatile long knownVersion;
  private volatile boolean stopRequested;
  private volatile boolean draining;
  private volatile CompletableFuture<Void> stopped;

  ActorVM<?> lruPrev;
  ActorVM<?> lruNext;
  boolean linked;
  long lastUsed;

  ActorVM(ActorKey key, long serial, AggregateContext<S> ctx) {
    this.key = key;
    this.serial = serial;
    this.actor = new ActorState<>(ctx, key.streamId());
  }

  @Override
  public String getId() {
    return actor.streamId + "#" + serial;
  }

  @Override
  public String getActorId() {
    return key.actorId();
  }

  @Override
  public ActorKey getKey() {
    return key;
  }

  @Override
  public Map<String, Object> getState() {
    return JsonValues.copyObject(actor.ctx.behavior.stateToJson(actor.state), "state");
  }

  @Override
  public long getVersion() {
    return actor.version;
  }

  @Override
  public boolean isActive() {
    return actor.active && pending != CLOSED;
  }

  @Override
  public CompletableFuture<Void> start() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (offer(new Start(done), false) == Offer.CLOSED) {
      done.completeExceptionally(new IllegalStateException("VM " + getId() + " is stopped"));
    }
    return done;
  }

  @Override
  public CompletableFuture<Boolean> processEvent(Event event) {
    Checks.notNull(event, "event");
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    if (offer(new Apply(event, done), false) == Offer.CLOSED) {
      done.completeExceptionally(new IllegalStateException("VM " + getId() + " is stopped"));
    }
    return done;
  }

  @Override
  public CompletableFuture<StoredState> readState() {
    CompletableFuture<StoredState> done = new CompletableFuture<>();
    if (offer(new Read(done), false) == Offer.CLOSED) {
      done.completeExceptionally(new IllegalStateException("VM " + getId() + " is stopped"));
    }
    return done;
  }

  @Override
  public CompletableFuture<Void> stop() {
    return stop(Passivation.STOP);
  }

  /**
   * Stops the VM as {@link #stop()} does; the first stop request counts a passivation with its cause.
   *
   * @param cause why the VM stops
   * @return completes once stopped
   */
  CompletableFuture<Void> stop(Passivation cause) {
    CompletableFuture<Void> done = stopFuture(cause);
    stopRequested = true;
    if (PENDING.compareAndSet(this, 0, CLOSED)) {
      execute(this::finishStop);
    }
    return done;
  }

  /**
   * Stops the VM for a handoff: the batch being decided now is committed, every command still queued (or
   * queued before the VM closes) is answered {@link RejectionReason#NOT_OWNER} without being decided, then the
   * VM writes its snapshot and stops.
   *
   * @return completes once stopped
   */
  CompletableFuture<Void> handOff() {
    draining = true;
    return stop(Passivation.DRAIN);
  }

  /**
   * @param ctx a behaviour
   * @return whether this VM decides with that behaviour (a VM keeps the one it was created with)
   */
  boolean decidesWith(AggregateContext<?> ctx) {
    return actor.ctx == ctx;
  }

  /** @return whether a stop was requested (the VM will not take new LRU slots) */
  boolean isStopRequested() {
    return stopRequested;
  }

  /**
   * Notes that the store holds a version of this actor, so the VM catches up before its next decision when
   * it is behind.
   *
   * @param storedVersion a stored version
   */
  void noteStoredVersion(long storedVersion) {
    long known = knownVersion;
    while (storedVersion > known && !KNOWN_VERSION.weakCompareAndSet(this, known, storedVersion)) {
      known = knownVersion;
    }
  }

  /**
   * Queues a mailbox item.
   *
   * @param item the command or control request
   * @param bounded whether the mailbox capacity applies (commands)
   * @return whether it was queued, or why not
   */
  Offer offer(MailboxItem item, boolean bounded) {
    int before = count(bounded);
    if (before < 0) {
      return before == REFUSED_CLOSED ? Offer.CLOSED : Offer.FULL;
    }
    enqueue(item, before);
    return Offer.QUEUED;
  }

  private static final int REFUSED_CLOSED = -1;
  private static final int REFUSED_FULL = -2;

  /**
   * The sender's first step: counts an item in {@code pending}.
   *
   * @param bounded whether the mailbox capacity applies
   * @return the count before, or {@link #REFUSED_CLOSED} / {@link #REFUSED_FULL}
   */
  int count(boolean bounded) {
    int capacity = actor.ctx.rt.config.mailboxCapacity();
    int before;
    do {
      before = pending;
      if (before == CLOSED) {
        return REFUSED_CLOSED;
      }
      if (bounded && before >= capacity) {
        return REFUSED_FULL;
      }
    } while (!PENDING.compareAndSet(this, before, before + 1));
    return before;
  }

  /**
   * The sender's second step: queues the counted item, and starts a drain when the mailbox was empty or a
   * drain handed it over while the item was counted but not queued.
   *
   * @param item the item counted by {@link #count}
   * @param before what {@link #count} returned
   */
  void enqueue(MailboxItem item, int before) {
    queue.offer(item);
    if (before == 0 || (senderOwes && SENDER_OWES.compareAndSet(this, true, false))) {
      actor.ctx.rt.dispatcher.schedule(this);
    }
  }

  /**
   * Runs one turn of the mailbox (one batch, or one control item) on the calling worker.
   *
   * @return whether the mailbox has more work (the caller runs another turn, now or later); otherwise the
   *     mailbox is released (empty, stopped, or handed to a sender still queueing)
   */
  boolean runTurn() {
    MailboxItem first = queue.poll();
    if (first == null && (first = awaitSender()) == null) {
      return false; // the sender still to queue its counted item schedules the VM
    }
    int taken = processNext(first);
    return taken != DETACHED && release(taken, true);
  }

  /**
   * Ends a turn: releases the items it took, and stops the VM when a stop was requested and nothing is left.
   *
   * @param taken the items the turn took
   * @param mayBlock whether the stop may run on this thread (it writes a snapshot); otherwise on the executor
   * @return whether the mailbox has more work (the caller runs or schedules another turn)
   */
  private boolean release(int taken, boolean mayBlock) {
    int left = (int) PENDING.getAndAdd(this, -taken) - taken;
    if (left > 0) {
      return true;
    }
    if (stopRequested && PENDING.compareAndSet(this, 0, CLOSED)) {
      if (mayBlock) {
        finishStop();
      } else {
        execute(this::finishStop);
      }
    }
    return false;
  }

  /** Ends a turn that went on off its worker (from its commit's acknowledgement). */
  private void endDetachedTurn(int taken) {
    if (release(taken, false)) {
      actor.ctx.rt.dispatcher.schedule(this);
    }
  }

  /**
   * The queue is empty although {@code pending} counts an item: a sender is between counting and queueing.
   * Instead of spinning, the drain hands the mailbox to that sender (Dekker: the drain sets the flag, then
   * looks at the queue; the sender queues, then looks at the flag), or takes the item if it arrived meanwhile.
   *
   * @return the item, or {@code null} when the sender now owes the drain
   */
  private MailboxItem awaitSender() {
    senderOwes = true;
    if (queue.peek() == null || !SENDER_OWES.compareAndSet(this, true, false)) {
      return null;
    }
    return queue.poll();
  }

  /** What {@link #processNext} answers for a turn that goes on off its worker and ends itself. */
  private static final int DETACHED = -1;

  /**
   * Processes the next item, with the commands queued behind it when it is a command.
   *
   * @return the items taken, or {@link #DETACHED}
   */
  private int processNext(MailboxItem first) {
    if (!(first instanceof QueuedCommand command)) {
      processControl(first);
      return 1;
    }
    if (draining || !actor.ctx.rt.placement.allows(key)) {
      // not decided here: a drain's queue, or a node that lost the actor's shard without a drain (paused past
      // its lease, cut off from the cluster): the new owner may have answered these commands already, and a
      // write of ours would only be fenced by the store if the new owner wrote too
      if (!draining) {
        actor.stale = true; // another node may write before this one serves the actor again
      }
      command.complete(CommandResult.Rejected.of(command.message().commandId(), RejectionReason.NOT_OWNER,
          "actor " + key + " moved away from this node while the command was queued; resend it to its owner"));
      return 1;
    }
    List<QueuedCommand> batch = new ArrayList<>();
    batch.add(command);
    int limit = actor.ctx.rt.config.groupCommitLimit();
    while (batch.size() < limit && queue.peek() instanceof QueuedCommand next) {
      batch.add(next);
      queue.poll();
    }
    int taken = batch.size();
    actor.ctx.meters.batchTaken(taken, pending);
    if (answerExpired(batch) && !processCommands(batch, taken)) {
      return DETACHED;
    }
    return taken;
  }

  /**
   * Answers TIMEOUT to the commands of the batch whose deadline has passed, without deciding them, and removes
   * them. Reads the clock once, and only when a command of the batch has a deadline.
   *
   * @return whether commands are left to decide
   */
  private boolean answerExpired(List<QueuedCommand> batch) {
    Instant now = null;
    for (int i = batch.size() - 1; i >= 0; i--) {
      QueuedCommand command = batch.get(i);
      Instant deadline = command.message().deadlineOrNull();
      if (deadline == null) {
        continue;
      }
      if (now == null) {
        now = actor.ctx.rt.clock.instant();
      }
      if (!now.isBefore(deadline)) {
        command.complete(CommandResult.Rejected.of(command.message().commandId(), RejectionReason.TIMEOUT,
            "the message's deadline " + deadline + " passed while the command was queued; it was not decided:"
            + " nothing was stored"));
        batch.remove(i);
      }
    }
    return !batch.isEmpty();
  }

  /**
   * Decides and commits a batch.
   *
   * @param taken the items of the turn (ended with them when the batch goes on off this thread)
   * @return whether every reply is complete; otherwise the batch waits for its commit's acknowledgement, which
   *     ends the turn
   */
  private boolean processCommands(List<QueuedCommand> batch, int taken) {
    actor.ctx.rt.registry.touch(this);
    try {
      boolean fresh = ensureActive();
      long known = knownVersion;
      if (actor.stale || known > actor.version) {
        actor.catchUp();
        fresh = true;
        if (known > actor.version) {
          // a notice claimed more than the store holds: forget it, or every batch would read the store again
          KNOWN_VERSION.compareAndSet(this, known, actor.version);
        }
      }
      GroupCommit<S> commit = new GroupCommit<>(actor, key, batch, () -> endDetachedTurn(taken));
      return commit.run(fresh) == GroupCommit.Progress.DONE;
    } catch (RuntimeException | Error e) {
      // also Errors (a StackOverflowError in a behaviour): an escaping throwable would end the drain without
      // releasing the mailbox, and the actor would answer TIMEOUT for ever
      GroupCommit.failBatch(key, batch, e);
      return true;
    }
  }

  private void processControl(MailboxItem item) {
    try {
      switch (item) {
        case Start s -> {
          ensureActive();
          s.done().complete(null);
        }
        case Apply a -> a.done().complete(applyStored(a.event()));
        case Read r -> r.done().complete(readCurrent());
        case QueuedCommand c -> throw new IllegalStateException("commands are batched");
      }
    } catch (RuntimeException | Error e) {
      Throwable reported = e instanceof ActorFailure f ? f.toPublic() : e;
      switch (item) {
        case Start s -> s.done().completeExceptionally(reported);
        case Apply a -> a.done().completeExceptionally(reported);
        case Read r -> r.done().completeExceptionally(reported);
        case QueuedCommand c -> throw e;
      }
    }
  }

  /**
   * The state after every event the store holds now: activated if needed; else the store's latest version is
   * asked (one read, which leaves the writer's position and fences as they are) and, when another writer
   * stored more, the VM catches up as its next decision would: in its turn, with no commit in flight.
   */
  private StoredState readCurrent() {
    actor.ctx.rt.registry.touch(this);
    if (!ensureActive() && (actor.stale || actor.ctx.rt.store.getLatestVersion(actor.streamId) > actor.version)) {
      actor.catchUp();
    }
    return new StoredState(key, JsonValues.copyObject(actor.ctx.behavior.stateToJson(actor.state), "state"),
        actor.version);
  }

  /**
   * Applies an event the store holds: it must be the store's first event after the VM's version, with the
   * same id (one read of the store), so a VM never claims a version the store does not have.
   */
  private boolean applyStored(Event event) {
    if (!event.streamId().equals(actor.streamId)) {
      throw new InvalidInputException("event.streamId", "must be \"" + actor.streamId + "\", was \""
          + event.streamId() + "\"");
    }
    ensureActive();
    long version = actor.version;
    if (event.version() <= version) {
      return false;
    }
    List<Event> stored = actor.readFrom(version + 1);
    Event next = stored.isEmpty() ? null : stored.getFirst();
    long nextVersion = next == null ? -1 : next.version();
    if (next == null || next.version() > event.version()) {
      throw new UnexpectedEventException(actor.streamId, version, event.version(), nextVersion, "event.version",
          "the store holds no event v" + event.version() + " (processEvent applies stored events only)");
    }
    if (next.version() < event.version()) {
      throw new UnexpectedEventException(actor.streamId, version, event.version(), nextVersion, "event.version",
          "the event does not follow the VM's version (apply v" + nextVersion + " first)");
    }
    if (!next.id().equals(event.id())) {
      throw new UnexpectedEventException(actor.streamId, version, event.version(), nextVersion, "event.id",
          "the store holds another event at v" + nextVersion + " (" + next.id() + ", not " + event.id() + ")");
    }
    actor.apply(next);
    actor.snapshotIfDue();
    return true;
  }

  /** @return whether the actor was activated now (so its state was just read from the store) */
  private boolean ensureActive() {
    if (actor.active) {
      return false;
    }
    actor.activate();
    return true;
  }

  private void finishStop() {
    try {
      actor.snapshot();
    } finally {
      actor.ctx.rt.registry.remove(this);
      stopFuture(null).complete(null);
    }
  }

  /** @param cause counted when this call creates the future (the first stop request); null: not counted */
  private CompletableFuture<Void> stopFuture(Passivation cause) {
    CompletableFuture<Void> existing = stopped;
    if (existing != null) {
      return existing;
    }
    CompletableFuture<Void> created = new CompletableFuture<>();
    Object witness = STOPPED.compareAndExchange(this, null, created);
    if (witness == null && cause != null) {
      actor.ctx.meters.passivated(cause);
    }
    return witness == null ? created : stopped;
  }

  private void execute(Runnable task) {
    actor.ctx.rt.execute(task, key);
  }

  @Override
  public String toString() {
    return "VirtualMachine[" + getId() + " v" + actor.version + (actor.active ? "" : " inactive") + "]";
  }
}
