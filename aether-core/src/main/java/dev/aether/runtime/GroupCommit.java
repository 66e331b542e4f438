package dev.aether.runtime;

import dev.aether.event.Event;
import dev.aether.event.EventMetadata;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.Envelope.CommandEnvelope;
import dev.aether.runtime.spi.Command;
import dev.aether.runtime.spi.Decision;
import dev.aether.runtime.spi.NewEvent;
import dev.aether.store.VersionConflictException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides a batch of queued commands of one active actor in order, stores all their events in one commit and
 * completes each reply after the commit.
 *
 * <p>Each command is decided against the state left by the ones before it; a rejected command does not stop
 * the others. A command id seen before (in the actor's window or earlier in the batch) is answered with its
 * first outcome. On a version conflict the actor catches up from the store and the whole batch is decided
 * again, up to {@code conflictRetries} times; when they are used up, the actor is marked stale, so the next
 * batch catches up before deciding (otherwise, with {@code conflictRetries = 0}, an actor behind another
 * writer would conflict forever). A batch with nothing to store but an outcome that depends on the state (a
 * business rejection, an acceptance without events) checks the store's latest version first, unless it was
 * just caught up, and, when another writer moved the actor, catches up and decides again once, whatever
 * {@code conflictRetries} is: so no such outcome rests on a stale state, and a command id that another writer
 * already applied is answered as a duplicate instead of being decided again on the old state. A failed write
 * marks the actor stale, so the next batch catches up first (an unknown outcome may have stored the events;
 * their command ids then make a resent command a duplicate).
 *
 * <p>Used by one mailbox owner at a time; not thread-safe.
 *
 * @param <S> the behaviour's state type
 */
final class GroupCommit<S> {

  private final ActorState<S> actor;
  private final ActorKey key;
  private final List<CommandEnvelope> batch;

  GroupCommit(ActorState<S> actor, ActorKey key, List<CommandEnvelope> batch) {
    this.actor = actor;
    this.key = key;
    this.batch = batch;
  }

  /**
   * Runs the batch to completion: every reply is complete afterwards.
   *
   * @param fresh whether the actor's state was just read from the store (activated or caught up), so an
   *     outcome without events needs no freshness check
   */
  void run(boolean fresh) {
    int conflicts = 0;
    boolean caughtUp = fresh;
    while (true) {
      Plan<S> plan = decideAll();
      if (plan.events.isEmpty() && (plan.stateOutcomes == 0 || caughtUp || !isBehind(plan))) {
        finish(plan);
        return;
      }
      if (!plan.events.isEmpty()) {
        if (store(plan, conflicts)) {
          return;
        }
        conflicts++;
      }
      if (!catchUp(plan)) {
        return;
      }
      caughtUp = true;
    }
  }

  /**
   * Appends the plan's events and completes the batch, unless the append conflicts and may be retried.
   *
   * @return {@code false} after a conflict within the retries (catch up and decide again), else {@code true}
   */
  private boolean store(Plan<S> plan, int conflictsBefore) {
    try {
      actor.ctx.rt.store.append(actor.streamId, plan.baseVersion, plan.events);
    } catch (VersionConflictException conflict) {
      if (conflictsBefore < actor.ctx.rt.config.conflictRetries()) {
        return false;
      }
      actor.stale = true; // behind another writer: catch up before the next decision, not after its conflict
      failPending(plan, RejectionReason.CONFLICT, conflictMessage(conflict, conflictsBefore + 1));
      return true;
    } catch (RuntimeException failure) {
      actor.stale = true;
      failPending(plan, ActorFailure.reasonOf(failure), "storing the events failed: "
          + ActorFailure.describe(failure));
      return true;
    }
    actor.commit(plan.state, plan.version);
    finish(plan);
    actor.snapshotIfDue();
    return true;
  }

  private Plan<S> decideAll() {
    Plan<S> plan = new Plan<>(actor.state, actor.version, batch.size());
    Map<String, Integer> seen = new HashMap<>();
    for (CommandEnvelope envelope : batch) {
      plan.outcomes.add(outcomeOf(envelope, plan, seen));
    }
    return plan;
  }

  private Outcome outcomeOf(CommandEnvelope envelope, Plan<S> plan, Map<String, Integer> seen) {
    if (envelope.isAbandoned()) {
      return Outcome.SKIPPED;
    }
    String commandId = envelope.message().commandId();
    Integer earlier = seen.putIfAbsent(commandId, plan.outcomes.size());
    if (earlier != null) {
      return new Outcome.SameAs(earlier);
    }
    CommandWindow.Entry remembered = actor.recall(commandId);
    if (remembered != null) {
      return new Outcome.Duplicate(remembered);
    }
    return decide(envelope.message(), plan);
  }

  private Outcome decide(RuntimeMessage message, Plan<S> plan) {
    Decision decision;
    try {
      decision = actor.ctx.behavior.decide(plan.state, toCommand(message));
    } catch (RuntimeException | StackOverflowError e) {
      return failed(message, "the behaviour threw while deciding " + message.command() + ": "
          + ActorFailure.describe(e));
    }
    return switch (decision) {
      case Decision.Reject r -> {
        if (r.reason() == RejectionReason.BUSINESS_RULE) {
          plan.stateOutcomes++;
        }
        yield new Outcome.Done(new Rejected(message.commandId(), r.reason(), r.message(), r.fieldErrors()));
      }
      case Decision.Emit e -> emit(message, e.events(), plan);
      case null -> failed(message, "the behaviour returned no decision for " + message.command());
    };
  }

  private Outcome emit(RuntimeMessage message, List<NewEvent> newEvents, Plan<S> plan) {
    S state = plan.state;
    long version = plan.version;
    List<Event> events = new ArrayList<>(newEvents.size());
    try {
      for (NewEvent newEvent : newEvents) {
        Event event = toEvent(message, newEvent, ++version);
        state = actor.ctx.behavior.evolve(state, event);
        events.add(event);
      }
    } catch (RuntimeException | StackOverflowError e) {
      return failed(message, "the behaviour's events for " + message.command() + " cannot be applied: "
          + ActorFailure.describe(e));
    }
    if (events.isEmpty()) {
      plan.stateOutcomes++; // accepted without events: nothing fences it against a stale state
    }
    int fromIndex = plan.events.size();
    plan.events.addAll(events);
    Outcome.Pending pending = new Outcome.Pending(plan.version + 1, version, fromIndex, plan.events.size());
    plan.state = state;
    plan.version = version;
    return pending;
  }

  private Event toEvent(RuntimeMessage message, NewEvent newEvent, long version) {
    Event.Builder b = Event.builder()
        .eventType(newEvent.eventType())
        .actorId(actor.streamId)
        .commandId(message.commandId())
        .version(version)
        .data(newEvent.data())
        .metadata(message.metadata())
        .causationId(message.commandId())
        .timestamp(actor.ctx.rt.clock.instant());
    if (!message.metadata().containsKey(EventMetadata.CORRELATION_ID)) {
      b.correlationId(message.commandId());
    }
    return b.build();
  }

  private Command toCommand(RuntimeMessage m) {
    return new Command(key, m.command(), m.payload(), m.commandId(), m.metadata());
  }

  private static Outcome failed(RuntimeMessage message, String why) {
    return new Outcome.Done(Rejected.of(message.commandId(), RejectionReason.BEHAVIOR_FAILED, why));
  }

  /**
   * Tells whether another writer stored events after the plan's base version: an outcome without events (a
   * business rejection, an acceptance that stores nothing, or the answer to a command id this actor has not
   * seen yet although another writer applied it) must not rest on a stale state; commands with events are
   * protected by the append's expected version instead.
   */
  private boolean isBehind(Plan<S> plan) {
    try {
      return actor.ctx.rt.store.getLatestVersion(actor.streamId) > plan.baseVersion;
    } catch (RuntimeException e) {
      return false; // cannot tell: the rejection stands on the state we have
    }
  }

  private boolean catchUp(Plan<S> plan) {
    try {
      actor.catchUp();
      return true;
    } catch (ActorFailure failure) {
      actor.stale = true;
      failPending(plan, failure.reason, failure.getMessage());
      return false;
    }
  }

  private String conflictMessage(VersionConflictException conflict, int conflicts) {
    return "actor " + key + " was changed by another writer (store at v" + conflict.currentVersion()
        + ", expected v" + (conflict.attemptedVersion() - 1) + ") " + conflicts + " time(s); gave up";
  }

  private void failPending(Plan<S> plan, RejectionReason reason, String message) {
    for (int i = 0; i < batch.size(); i++) {
      if (plan.outcomes.get(i) instanceof Outcome.Pending) {
        plan.outcomes.set(i, new Outcome.Done(Rejected.of(commandId(i), reason, message)));
      }
    }
    complete(plan, false);
  }

  private void finish(Plan<S> plan) {
    complete(plan, true);
  }

  private void complete(Plan<S> plan, boolean committed) {
    CommandResult[] results = new CommandResult[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      results[i] = resultOf(plan, i, results, committed);
      if (results[i] != null) {
        batch.get(i).complete(results[i]);
      }
    }
  }

  private CommandResult resultOf(Plan<S> plan, int i, CommandResult[] earlier, boolean committed) {
    String commandId = commandId(i);
    return switch (plan.outcomes.get(i)) {
      case Outcome.Done d -> d.result();
      case Outcome.Pending p -> {
        actor.remember(commandId, p.firstVersion(), p.lastVersion());
        yield new Accepted(commandId, p.lastVersion(), plan.events.subList(p.fromIndex(), p.toIndex()), false);
      }
      case Outcome.Duplicate d -> duplicate(commandId, d.entry());
      case Outcome.SameAs s -> asDuplicate(earlier[s.index()], committed);
      case Outcome.Skipped k -> null;
    };
  }

  private CommandResult duplicate(String commandId, CommandWindow.Entry entry) {
    if (!entry.hasEvents()) {
      return new Accepted(commandId, entry.lastVersion(), List.of(), true);
    }
    try {
      List<Event> events = actor.ctx.rt.store.getEvents(actor.streamId, entry.firstVersion()).stream()
          .filter(e -> e.version() <= entry.lastVersion()).toList();
      return new Accepted(commandId, entry.lastVersion(), events, true);
    } catch (RuntimeException e) {
      return Rejected.of(commandId, ActorFailure.reasonOf(e), "command " + commandId
          + " was applied before, but its events cannot be read: " + ActorFailure.describe(e));
    }
  }

  private static CommandResult asDuplicate(CommandResult first, boolean committed) {
    if (first instanceof Accepted a && committed) {
      return new Accepted(a.commandId(), a.newVersion(), a.events(), true);
    }
    return first;
  }

  private String commandId(int i) {
    return batch.get(i).message().commandId();
  }

  /** The decisions of one attempt: outcomes by batch position, the events to store, the resulting state. */
  private static final class Plan<S> {
    final long baseVersion;
    final List<Outcome> outcomes;
    final List<Event> events = new ArrayList<>();
    S state;
    long version;
    /** Outcomes that rest on the state without an append to fence them: business rejections, no-op acceptances. */
    int stateOutcomes;

    Plan(S state, long version, int size) {
      this.state = state;
      this.version = version;
      this.baseVersion = version;
      this.outcomes = new ArrayList<>(size);
    }
  }

  /** What one command of the batch comes to. */
  private sealed interface Outcome {
    Outcome SKIPPED = new Skipped();

    /** Already answered (timed out): not decided. */
    record Skipped() implements Outcome {}

    /** Final without storing anything (a rejection). */
    record Done(CommandResult result) implements Outcome {}

    /** Accepted once the commit succeeds; its events are {@code events[fromIndex, toIndex)}. */
    record Pending(long firstVersion, long lastVersion, int fromIndex, int toIndex) implements Outcome {}

    /** Applied before (in the actor's window). */
    record Duplicate(CommandWindow.Entry entry) implements Outcome {}

    /** The same command id as an earlier position of this batch. */
    record SameAs(int index) implements Outcome {}
  }
}
