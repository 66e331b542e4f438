package dev.aether.runtime;

import dev.aether.event.Event;
import dev.aether.runtime.BatchPlan.Outcome;
import dev.aether.runtime.BatchPlan.Part;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.MailboxItem.QueuedCommand;
import dev.aether.AetherException;
import dev.aether.TransientAetherException;
import dev.aether.store.CommitTooLargeException;
import dev.aether.store.ReplayResult;
import dev.aether.store.VersionConflictException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Has a batch of queued commands of one active actor decided in order ({@link BatchDecider}), stores all their
 * events in one commit and completes each reply after the commit.
 *
 * <p>Each command is decided against the state left by the ones before it; a rejected command does not stop the others.
 * A command id seen before (in the actor's window or earlier in the batch) is answered with its first outcome. On a
 * version conflict the actor catches up from the store and the whole batch is decided again, up to {@code
 * conflictRetries} times; when they are used up, the actor is marked stale, so the next batch catches up before
 * deciding (otherwise, with {@code conflictRetries = 0}, an actor behind another writer would conflict forever). A
 * batch with nothing to store but an outcome that depends on the state (a business rejection or a refusal of fields, an
 * acceptance without events) checks the store's latest version first, unless it was just caught up, and, when another
 * writer moved the actor, catches up and decides again once, whatever {@code conflictRetries} is: so no such outcome
 * rests on a stale state, and a command id that another writer already applied is answered as a duplicate instead of
 * being decided again on the old state. Under a placement that {@linkplain ActorPlacement#fencesOutcomes() fences
 * outcomes} (a cluster), an actor that has neither written nor fenced since it last read its history fences it instead
 * (which checks freshness too), so that no write another node decided earlier lands after the outcome; and a commit
 * refused at the actor's own version (another node's fence) answers {@link RejectionReason#NOT_OWNER} rather than
 * deciding again. A failed write marks the actor stale, so the next batch catches up first (an unknown outcome may have
 * stored the events; their command ids then make a resent command a duplicate). Before deciding again (after a
 * conflict, a stale freshness check or a partly stored batch) it asks the runtime's placement once more: when the
 * actor's shard moved away meanwhile, the commands not settled yet are answered {@link RejectionReason#NOT_OWNER}
 * instead.
 *
 * <p>The one commit of a batch goes through {@link dev.aether.store.EventStore#appendAsync} and the caller's
 * thread waits for it. When every command of the batch only has its reply relayed ({@link
 * CommandGateway#sendMessageToRelay}) and no reply needs a read of the store (a duplicate's events), nobody waits:
 * {@link #run} answers {@link Progress#WAITING} and the thread that completes the append (the store's
 * acknowledgement thread) moves the actor past the commit and then completes the replies, so whoever sees a
 * reply sees the committed state; a snapshot due, and every failure of that append (handled as below), go on
 * on the runtime's executor. Then {@code settled} ends the mailbox turn.
 *
 * <p>A command never gets another command's error. A commit the store refuses as too large
 * ({@link CommitTooLargeException}) is split at command boundaries, using the per-event sizes the store
 * measured while encoding (no encoding here): the parts are appended in order, each command's reply completes
 * after its part, and only a command whose own events exceed the limit is refused ({@link
 * RejectionReason#TOO_LARGE}, naming its size and the limit); the commands after it are decided again on the
 * state without it. Any other non-transient failure of a commit of several commands switches the batch to
 * one commit per command, so the failure stays with the command that causes it. A transient failure (the
 * store unreachable, an unknown outcome) is shared by the commands of the failed commit and by the batch's
 * rejections that rest on the state: they were decided on a state the store did not confirm (after events of earlier
 * commands that were not stored, or on a stale base), so they are not final. So is a failed freshness read.
 *
 * <p>A VM ahead of its store (a conflict or a freshness check reporting a latest version below the VM's:
 * events lost by a stream limit, a snapshot ahead of the events) is never trusted: the actor's state is
 * discarded and rebuilt from the store's events alone (WARN naming the actor and both versions), and the
 * batch is decided again.
 *
 * <p>Committing (whole or in parts) and answering stay in this class: they share the plan's order of replies;
 * deciding is {@link BatchDecider}'s, the plan and its parts {@link BatchPlan}'s.
 *
 * <p>Used by one mailbox owner at a time (the thread running the turn, then the one its acknowledgement
 * continues on); not thread-safe.
 *
 * @param <S> the behaviour's state type
 */
final class GroupCommit<S> {

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

  private final ActorState<S> actor;
  private final ActorKey key;
  private final List<QueuedCommand> batch;
  private final Runnable settled;
  private final BatchDecider<S> decider;
  /** Set after a non-transient failure of a commit of several commands: from then on one commit per command. */
  private boolean isolate;
  /** The attempt being made, from 1. */
  private int round;
  /** Conflicts met so far (they count against {@code conflictRetries}). */
  private int conflicts;
  /** Whether the state was read from the store for this batch (activated or caught up). */
  private boolean caughtUp;

  /**
   * @param settled runs once every reply is complete when {@link #run} answered {@link Progress#WAITING}; it
   *     ends the batch's mailbox turn
   */
  GroupCommit(ActorState<S> actor, ActorKey key, List<QueuedCommand> batch, Runnable settled) {
    this.actor = actor;
    this.key = key;
    this.batch = batch;
    this.settled = settled;
    this.decider = new BatchDecider<>(actor, key, batch);
  }

  /** What to do after an attempt. */
  private enum Next {
    /** Every reply is complete. */
    DONE,
    /** Another writer stored events: catch up and decide again (counts against {@code conflictRetries}). */
    CONFLICT,
    /** Another writer stored events (freshness check): catch up and decide again once. */
    BEHIND,
    /** The store holds less than the VM: rebuild the state from the store and decide again. */
    AHEAD,
    /** Part of the batch is settled and the state is current: decide the rest again. */
    REDECIDE,
    /** The commit is sent and its acknowledgement will go on with the batch. */
    WAITING
  }

  /** How far {@link #run} got. */
  enum Progress {
    /** Every reply is complete. */
    DONE,
    /**
     * The batch waits for its commit's acknowledgement; what is left runs from it (on the acknowledging thread
     * when the commit is stored, on the runtime's executor otherwise), and then {@code settled} runs.
     */
    WAITING
  }

  /**
   * Decides the batch and goes on until every reply is complete or its commit is waited for.
   *
   * @param fresh whether the actor's state was just read from the store (activated or caught up), so an
   *     outcome without events needs no freshness check
   * @return how far it got; after {@link Progress#WAITING}, {@code settled} runs once every reply is complete
   */
  Progress run(boolean fresh) {
    caughtUp = fresh;
    round = 1;
    BatchPlan<S> plan = decider.decideAll();
    return proceed(plan, attempt(plan));
  }

  /** One attempt of a decided plan: answers it, checks its freshness, or stores it. */
  private Next attempt(BatchPlan<S> plan) {
    if (!plan.events.isEmpty()) {
      return store(plan);
    }
    Next next;
    if (plan.stateOutcomes == 0) {
      next = Next.DONE;
    } else if (!actor.fenced && actor.ctx.rt.placement.fencesOutcomes()) {
      next = fence(plan);
    } else {
      next = caughtUp ? Next.DONE : freshness(plan);
    }
    if (next == Next.DONE) {
      finish(plan);
    }
    return next;
  }

  /**
   * Fences the actor's history at the plan's base version before its outcomes that store nothing are answered
   * ({@link ActorPlacement#fencesOutcomes()}): a write another process decided earlier can no longer land after
   * them. The fence also checks freshness: it is refused when the actor moved.
   */
  private Next fence(BatchPlan<S> plan) {
    if (!actor.ctx.rt.writes.enter()) {
      return closed(plan);
    }
    try {
      actor.ctx.rt.store.fence(actor.streamId, plan.baseVersion);
      actor.fenced = true;
      return Next.DONE;
    } catch (VersionConflictException conflict) {
      actor.ctx.meters.conflict();
      if (conflict.currentVersion() < plan.baseVersion) {
        plan.storeVersion = conflict.currentVersion();
        return Next.AHEAD;
      }
      return Next.BEHIND;
    } catch (RuntimeException e) {
      // the command stored nothing whatever became of the fence (an unknown outcome included): not OUTCOME_UNKNOWN
      actor.stale = true;
      RejectionReason reason = e instanceof TransientAetherException ? RejectionReason.STORE_UNAVAILABLE
          : ActorFailure.reasonOf(e);
      failPending(plan, reason, "actor " + key + ": the outcome could not be confirmed (fencing the actor's"
          + " history against earlier writers failed: " + ActorFailure.describe(e) + "); nothing was stored,"
          + " resend with the same command id");
      return Next.DONE;
    } finally {
      actor.ctx.rt.writes.exit();
    }
  }

  /**
   * The runtime closed before the plan's write was handed to the store ({@link WriteGate}): nothing is written,
   * and the commands not settled yet are answered {@link RejectionReason#NOT_RUNNING} (their callers had
   * {@code TIMEOUT} from the close already, unless a part of the batch was settled before).
   */
  private Next closed(BatchPlan<S> plan) {
    actor.stale = true;
    failPending(plan, RejectionReason.NOT_RUNNING, "the runtime closed before the events of actor " + key
        + " were stored; nothing was stored for this command");
    return Next.DONE;
  }

  /** Goes on from an attempt's result, deciding again as it says, until the replies are complete or waited for. */
  private Progress proceed(BatchPlan<S> attempted, Next result) {
    BatchPlan<S> plan = attempted;
    Next next = result;
    int maxRounds = batch.size() + actor.ctx.rt.config.conflictRetries() + 4;
    while (true) {
      switch (next) {
        case DONE -> {
          return Progress.DONE;
        }
        case WAITING -> {
          return Progress.WAITING;
        }
        default -> { }
      }
      if (round >= maxRounds) {
        actor.stale = true;
        failPending(plan, RejectionReason.STORE_FAILED, "actor " + key + ": no stable outcome after " + round
            + " attempts (the store kept refusing or moving); nothing more was stored");
        return Progress.DONE;
      }
      switch (next) {
        case CONFLICT, BEHIND -> {
          if (next == Next.CONFLICT) {
            conflicts++;
          }
          if (!recover(plan, false)) {
            return Progress.DONE;
          }
          caughtUp = true;
        }
        case AHEAD -> {
          if (!recover(plan, true)) {
            return Progress.DONE;
          }
          caughtUp = true;
        }
        case REDECIDE, DONE, WAITING -> { }
      }
      if (!actor.ctx.rt.placement.allows(key)) {
        // the shard moved away while this batch waited on the store: deciding again here could apply a
        // command that its new owner has answered already
        actor.stale = true;
        failPending(plan, RejectionReason.NOT_OWNER, "actor " + key + " moved away from this node while the"
            + " command was decided; nothing was stored for it: resend it to its owner");
        return Progress.DONE;
      }
      round++;
      plan = decider.decideAll();
      next = attempt(plan);
    }
  }

  /**
   * Appends the plan's events and completes the batch, unless the append conflicts and may be retried. When
   * every reply may complete on the acknowledging thread, the append is not waited for: it goes on in {@link
   * #acknowledged}.
   *
   * @return what to do next
   */
  private Next store(BatchPlan<S> plan) {
    if (isolate && plan.pendingWithEvents() > 1) {
      return storeInParts(plan, plan.singles());
    }
    if (!actor.ctx.rt.writes.enter()) {
      return closed(plan);
    }
    CompletableFuture<Long> stored;
    try {
      stored = actor.ctx.rt.store.appendAsync(actor.streamId, plan.baseVersion, plan.events);
    } catch (RuntimeException failure) {
      stored = CompletableFuture.failedFuture(failure); // a store that throws instead of failing the future
    } finally {
      actor.ctx.rt.writes.exit(); // handed over: its acknowledgement may come after a close
    }
    if (answersOnAcknowledgement(plan)) {
      stored.whenComplete((version, failure) -> acknowledged(plan, failure));
      return Next.WAITING;
    }
    Throwable failed = awaitAppend(stored);
    if (failed != null) {
      return failedAppend(plan, unchecked(failed));
    }
    commitAndAnswer(plan);
    actor.snapshotIfDue();
    return Next.DONE;
  }

  /**
   * The batch's commit was answered: stored, the VM moves past it and the replies complete right here (on the
   * acknowledging thread: whoever sees a reply sees the committed state); failed, the failure is resolved on the
   * runtime's executor (it may catch up from the store and decide again). Then {@code settled} runs.
   */
  private void acknowledged(BatchPlan<S> plan, Throwable failure) {
    if (failure != null) {
      Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
      execute(() -> settle(() -> proceed(plan, failedAppend(plan, unchecked(cause)))));
      return;
    }
    settle(() -> {
      commitAndAnswer(plan);
      if (actor.snapshotDue()) {
        execute(() -> settle(() -> {
          actor.snapshotIfDue(); // encodes the state: not on the acknowledging thread
          return Progress.DONE;
        }));
        return Progress.WAITING;
      }
      return Progress.DONE;
    });
  }

  /** Runs what is left of a batch that waited for its commit; once every reply is complete, runs {@code settled}. */
  private void settle(Supplier<Progress> rest) {
    Progress progress;
    try {
      progress = rest.get();
    } catch (RuntimeException | Error e) {
      failBatch(key, batch, e);
      progress = Progress.DONE;
    }
    if (progress == Progress.DONE) {
      settled.run();
    }
  }

  private void execute(Runnable task) {
    actor.ctx.rt.execute(task, key);
  }

  /**
   * Answers every command of a batch not answered yet with an unexpected failure (a failure of the store or
   * of a behaviour that escaped the batch's own handling): logged unless it is an {@link ActorFailure}.
   *
   * @param key the actor
   * @param batch the batch
   * @param e the failure
   */
  static void failBatch(ActorKey key, List<QueuedCommand> batch, Throwable e) {
    if (!(e instanceof ActorFailure)) {
      LOG.error("unexpected failure in the VM of {}", key, e);
    }
    RejectionReason reason = ActorFailure.reasonOf(e);
    String message = ActorFailure.describe(e);
    batch.forEach(c -> c.complete(CommandResult.Rejected.of(c.message().commandId(), reason, message)));
  }

  /** After the plan's one commit is stored: the VM moves past it, then every reply of the batch completes. */
  private void commitAndAnswer(BatchPlan<S> plan) {
    actor.commit(plan.state, plan.version, plan.events.getLast().id());
    finish(plan);
  }

  /**
   * Whether the batch's replies may complete on the store's acknowledgement thread: every command's caller
   * only relays its reply ({@link CommandGateway#sendMessageToRelay}), and no reply needs a read of the store (a
   * duplicate's events), which must not run on that thread.
   */
  private boolean answersOnAcknowledgement(BatchPlan<S> plan) {
    for (int i = 0; i < batch.size(); i++) {
      if (!batch.get(i).relay() || plan.outcomes.get(i) instanceof Outcome.Duplicate) {
        return false;
      }
    }
    return true;
  }

  /** Waits for an append; @return its failure without the future's wrapper, or {@code null} when stored */
  private static Throwable awaitAppend(CompletableFuture<Long> appended) {
    try {
      appended.join();
      return null;
    } catch (CompletionException e) {
      return e.getCause() != null ? e.getCause() : e;
    } catch (CancellationException e) {
      return e;
    }
  }

  private static RuntimeException unchecked(Throwable failure) {
    if (failure instanceof RuntimeException r) {
      return r;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    return new IllegalStateException("the event store failed with a checked exception: " + failure, failure);
  }

  /** The plan's one commit failed: resolve as the failure says (conflict, too large, isolate, or fail). */
  private Next failedAppend(BatchPlan<S> plan, RuntimeException failure) {
    if (failure instanceof VersionConflictException conflict) {
      return conflicted(plan, conflict);
    }
    if (failure instanceof CommitTooLargeException tooLarge) {
      return storeInParts(plan, plan.packed(tooLarge));
    }
    if (!isTransient(failure)) {
      isolate = true; // it may be one command's fault: find out which, one commit per command
      List<Part> singles = plan.singles();
      if (singles.size() > 1) {
        return storeInParts(plan, singles);
      }
      int only = singles.getFirst().firstCommand();
      refuse(plan, only, ActorFailure.reasonOf(failure), "storing the events of command " + plan.commandId(only)
          + " failed: " + ActorFailure.describe(failure));
      return Next.REDECIDE; // the commands after it were decided on its events: decide them again without
    }
    actor.stale = true;
    failPending(plan, ActorFailure.reasonOf(failure), "storing the events failed: "
        + ActorFailure.describe(failure));
    return Next.DONE;
  }

  /**
   * Appends the plan's commands in several commits, in order. Stops at a command refused on its own (too
   * large, or a non-transient failure of its own commit): the commands before it are settled, it is
   * rejected, and the rest is decided again on the state without it.
   */
  private Next storeInParts(BatchPlan<S> plan, List<Part> parts) {
    for (Part part : parts) {
      if (part.refusal() != null) {
        refuse(plan, part.firstCommand(), RejectionReason.TOO_LARGE, part.refusal());
        return Next.REDECIDE;
      }
      if (!actor.ctx.rt.writes.enter()) {
        return closed(plan);
      }
      try {
        actor.ctx.rt.store.append(actor.streamId, actor.version,
            plan.events.subList(part.fromEvent(), part.toEvent()));
      } catch (VersionConflictException conflict) {
        return conflicted(plan, conflict);
      } catch (CommitTooLargeException tooLarge) {
        if (part.commands() == 1) {
          refuse(plan, part.firstCommand(), RejectionReason.TOO_LARGE, plan.tooLargeMessage(part.firstCommand(),
              tooLarge.size(), tooLarge));
        }
        return Next.REDECIDE; // several commands: the limit shrank meanwhile; plan the parts again
      } catch (RuntimeException failure) {
        if (isTransient(failure)) {
          actor.stale = true;
          failPending(plan, ActorFailure.reasonOf(failure), "storing the events failed: "
              + ActorFailure.describe(failure));
          return Next.DONE;
        }
        isolate = true;
        if (part.commands() == 1) {
          refuse(plan, part.firstCommand(), ActorFailure.reasonOf(failure), "storing the events of command "
              + plan.commandId(part.firstCommand()) + " failed: " + ActorFailure.describe(failure));
        }
        return Next.REDECIDE;
      } finally {
        actor.ctx.rt.writes.exit();
      }
      commitPart(plan, part);
    }
    finish(plan);
    actor.snapshotIfDue();
    return Next.DONE;
  }

  /** Moves the actor past a stored part and answers the commands up to its last one. */
  @SuppressWarnings("unchecked") // the plan's own states
  private void commitPart(BatchPlan<S> plan, Part part) {
    Outcome.Pending last = (Outcome.Pending) plan.outcomes.get(part.lastCommand());
    actor.commit((S) last.state(), last.lastVersion(), plan.events.get(part.toEvent() - 1).id());
    completeUpTo(plan, part.lastCommand());
  }

  private Next conflicted(BatchPlan<S> plan, VersionConflictException conflict) {
    actor.ctx.meters.conflict();
    if (conflict.currentVersion() < actor.version) {
      plan.storeVersion = conflict.currentVersion();
      return Next.AHEAD;
    }
    if (conflict.currentVersion() == actor.version && actor.ctx.rt.placement.fencesOutcomes()) {
      // refused at the version this VM has: the history was fenced since this VM read it, by another node that
      // answered commands of this actor meanwhile (EventStore.fence). Deciding again here would make this node a
      // second owner of the actor; its owner decides (NOT_OWNER: the sender follows the map; should that still
      // name this node, the resend finds the actor stale and reads the history first)
      actor.stale = true;
      failPending(plan, RejectionReason.NOT_OWNER, "actor " + key + " was answered by another node since this"
          + " node read it (the other node fenced its history); nothing was stored: resend it to its owner");
      return Next.DONE;
    }
    if (conflicts < actor.ctx.rt.config.conflictRetries()) {
      return Next.CONFLICT;
    }
    actor.stale = true; // behind another writer: catch up before the next decision, not after its conflict
    failPending(plan, RejectionReason.CONFLICT, conflictMessage(conflict, conflicts + 1));
    return Next.DONE;
  }

  private static boolean isTransient(RuntimeException failure) {
    return failure instanceof AetherException aether && aether.isTransient();
  }

  /**
   * Compares the store's latest version with the plan's base: an outcome without events (a business
   * rejection, an acceptance that stores nothing, or the answer to a command id this actor has not seen yet
   * although another writer applied it) must not rest on a stale state, nor on a state the store does not
   * have; commands with events are protected by the append's expected version instead.
   */
  private Next freshness(BatchPlan<S> plan) {
    long latest;
    try {
      latest = actor.ctx.rt.store.getLatestVersion(actor.streamId);
    } catch (RuntimeException e) {
      // cannot tell: another writer may have applied these very commands (a resend after an unknown outcome)
      // or changed the state they were refused on, so the outcomes must not stand on the state we have
      actor.stale = true;
      failPending(plan, ActorFailure.reasonOf(e), "actor " + key + ": the outcome could not be confirmed on the"
          + " latest stored state (reading the store's latest version failed: " + ActorFailure.describe(e)
          + "); nothing was stored, resend with the same command id");
      return Next.DONE;
    }
    if (latest < plan.baseVersion) {
      plan.storeVersion = latest;
      return Next.AHEAD;
    }
    return latest > plan.baseVersion ? Next.BEHIND : Next.DONE;
  }

  /**
   * Catches up from the store, or, when the VM is ahead of it, rebuilds the state from the store alone.
   *
   * @return whether the batch can be decided again; otherwise its pending commands were rejected
   */
  private boolean recover(BatchPlan<S> plan, boolean ahead) {
    try {
      if (ahead) {
        actor.rebuildFromStore(plan.storeVersion);
      } else {
        actor.catchUp();
      }
      return true;
    } catch (ActorFailure failure) {
      actor.stale = true;
      failPending(plan, failure.reason, failure.getMessage());
      return false;
    }
  }

  private String conflictMessage(VersionConflictException conflict, int conflicts) {
    String expected = conflict.expectedVersion().isPresent()
        ? ", expected v" + conflict.expectedVersion().getAsLong() : "";
    return "actor " + key + " was changed by another writer (store at v" + conflict.currentVersion() + expected
        + ") " + conflicts + " time(s); gave up";
  }

  /**
   * Rejects with one shared cause every outcome of the plan not answered yet that rests on its state: the
   * commands not yet stored, and the rejections that {@linkplain BatchPlan#restsOnState rest on the state},
   * decided on a state that is now unconfirmed (the events of earlier commands of the batch that were not
   * stored, or a base the store did not confirm). The other outcomes stand (a duplicate, an unknown command).
   * Completes every reply.
   */
  private void failPending(BatchPlan<S> plan, RejectionReason reason, String message) {
    for (int i = plan.completed; i < batch.size(); i++) {
      Outcome outcome = plan.outcomes.get(i);
      boolean restsOnState = outcome instanceof Outcome.Pending
          || outcome instanceof Outcome.Done(Rejected r) && BatchPlan.restsOnState(r.reason());
      if (restsOnState) {
        plan.outcomes.set(i, new Outcome.Done(Rejected.of(plan.commandId(i), reason, message)));
      }
    }
    finish(plan);
  }

  /** Answers the commands before {@code index}, then rejects the command at {@code index} on its own. */
  private void refuse(BatchPlan<S> plan, int index, RejectionReason reason, String message) {
    completeUpTo(plan, index - 1);
    Rejected rejected = Rejected.of(plan.commandId(index), reason, message);
    plan.outcomes.set(index, new Outcome.Done(rejected));
    completeUpTo(plan, index);
  }

  private void finish(BatchPlan<S> plan) {
    completeUpTo(plan, batch.size() - 1);
  }

  /** Completes the replies of the commands up to {@code lastIndex} not completed yet, in batch order. */
  private void completeUpTo(BatchPlan<S> plan, int lastIndex) {
    for (int i = plan.completed; i <= lastIndex; i++) {
      plan.results[i] = resultOf(plan, i);
      if (plan.results[i] != null) {
        batch.get(i).complete(plan.results[i]);
      }
    }
    plan.completed = Math.max(plan.completed, lastIndex + 1);
  }

  private CommandResult resultOf(BatchPlan<S> plan, int i) {
    String commandId = plan.commandId(i);
    return switch (plan.outcomes.get(i)) {
      case Outcome.Done d -> d.result();
      case Outcome.Pending p -> {
        actor.remember(commandId, p.firstVersion(), p.lastVersion());
        yield new Accepted(commandId, p.lastVersion(), plan.events.subList(p.fromIndex(), p.toIndex()), false);
      }
      case Outcome.Duplicate d -> duplicate(commandId, d.entry());
      case Outcome.SameAs s -> asDuplicate(plan.results[s.index()]);
      case Outcome.Skipped k -> null;
    };
  }

  /**
   * The first outcome of a command id applied before, with its events read back from the store. Events the
   * store cannot decode, or no longer holds, are never dropped silently: the command is then rejected as
   * {@link RejectionReason#STORE_FAILED} naming the actor and the position; as
   * {@link RejectionReason#OUTCOME_UNKNOWN} (applied, but its outcome cannot be read back now: resend) when the
   * store's read ends before them, as a replica that is behind answers.
   */
  private CommandResult duplicate(String commandId, CommandWindow.Entry entry) {
    if (!entry.hasEvents()) {
      return new Accepted(commandId, entry.lastVersion(), List.of(), true);
    }
    String what = "command " + commandId + " was applied before (v" + entry.firstVersion() + "..v"
        + entry.lastVersion() + " of " + actor.streamId + "), but its events ";
    ReplayResult replay;
    try {
      replay = actor.ctx.rt.store.getEventsWithErrors(actor.streamId, entry.firstVersion(), entry.lastVersion());
    } catch (RuntimeException e) {
      return Rejected.of(commandId, ActorFailure.reasonOf(e), what + "cannot be read: " + ActorFailure.describe(e));
    }
    if (replay.hasErrors()) {
      ActorState.logUndecodable(actor.streamId, replay);
      return Rejected.of(commandId, RejectionReason.STORE_FAILED, what + "cannot all be decoded: "
          + replay.errors().getFirst().message());
    }
    List<Event> events = replay.events();
    if (events.isEmpty() || events.getLast().version() < entry.lastVersion()) {
      // the read ends before versions this actor has stored: a replica answering reads that is behind (a
      // server of a NATS cluster catching up after an outage), or a history truncated by hand
      return Rejected.of(commandId, RejectionReason.OUTCOME_UNKNOWN, what + "are not in what the store reads"
          + " now (up to v" + (events.isEmpty() ? entry.firstVersion() - 1 : events.getLast().version()) + "):"
          + " a replica catching up answers reads (or the history was cut); resend with the same command id");
    }
    if (events.getFirst().version() != entry.firstVersion() || events.getLast().version() != entry.lastVersion()) {
      return Rejected.of(commandId, RejectionReason.STORE_FAILED, what + "are no longer all in the store");
    }
    return new Accepted(commandId, entry.lastVersion(), events, true);
  }

  private static CommandResult asDuplicate(CommandResult first) {
    if (first instanceof Accepted a) {
      return new Accepted(a.commandId(), a.newVersion(), a.events(), true);
    }
    return first;
  }
}
