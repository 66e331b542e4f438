package dev.aether.runtime;

import dev.aether.event.Event;
import dev.aether.event.EventMetadata;
import dev.aether.event.PayloadLimitException;
import dev.aether.runtime.BatchPlan.Outcome;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.MailboxItem.QueuedCommand;
import dev.aether.runtime.spi.Command;
import dev.aether.runtime.spi.Decision;
import dev.aether.runtime.spi.NewEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides the commands of one actor's batch in order, each against the state the ones before it leave, into a
 * {@link BatchPlan}; stores and answers nothing ({@link GroupCommit} does). A command id seen before, in the
 * actor's window or earlier in the batch, is not decided again but answered as its first outcome; a command
 * already answered (timed out) is skipped; a behaviour that throws, returns no decision or cannot apply its
 * own events rejects only its command ({@link RejectionReason#BEHAVIOR_FAILED}); an event beyond the payload
 * limits rejects it {@link RejectionReason#TOO_LARGE}.
 *
 * <p>Used by one batch's mailbox owner at a time; not thread-safe.
 *
 * @param <S> the behaviour's state type
 */
final class BatchDecider<S> {

  private final ActorState<S> actor;
  private final ActorKey key;
  private final List<QueuedCommand> batch;

  BatchDecider(ActorState<S> actor, ActorKey key, List<QueuedCommand> batch) {
    this.actor = actor;
    this.key = key;
    this.batch = batch;
  }

  /** Decides the whole batch on the actor's current state. */
  BatchPlan<S> decideAll() {
    BatchPlan<S> plan = new BatchPlan<>(batch, actor.state, actor.version);
    SeenIds seen = batch.size() > 1 ? new SeenIds(batch) : null;
    for (QueuedCommand envelope : batch) {
      plan.outcomes.add(outcomeOf(envelope, plan, seen));
    }
    return plan;
  }

  private Outcome outcomeOf(QueuedCommand envelope, BatchPlan<S> plan, SeenIds seen) {
    if (envelope.isAbandoned()) {
      return Outcome.SKIPPED;
    }
    String commandId = envelope.message().commandId();
    int earlier = seen == null ? -1 : seen.putIfAbsent(commandId, plan.outcomes.size());
    if (earlier >= 0) {
      return new Outcome.SameAs(earlier);
    }
    CommandWindow.Entry remembered = actor.recall(commandId);
    if (remembered != null) {
      return new Outcome.Duplicate(remembered);
    }
    return decide(envelope.message(), plan);
  }

  private Outcome decide(RuntimeMessage message, BatchPlan<S> plan) {
    Decision decision;
    try {
      decision = actor.ctx.behavior.decide(plan.state, toCommand(message));
    } catch (RuntimeException | Error e) {
      return failed(message, "the behaviour threw while deciding " + message.command() + ": "
          + ActorFailure.describe(e));
    }
    return switch (decision) {
      case Decision.Reject r -> {
        if (BatchPlan.restsOnState(r.reason())) {
          plan.stateOutcomes++;
        }
        yield new Outcome.Done(new Rejected(message.commandId(), r.reason(), r.message(), r.fieldErrors()));
      }
      case Decision.Emit e -> emit(message, e.events(), plan);
      case null -> failed(message, "the behaviour returned no decision for " + message.command());
    };
  }

  private Outcome emit(RuntimeMessage message, List<NewEvent> newEvents, BatchPlan<S> plan) {
    S state = plan.state;
    long version = plan.version;
    List<Event> events = new ArrayList<>(newEvents.size());
    try {
      for (NewEvent newEvent : newEvents) {
        Event event;
        try {
          event = toEvent(message, newEvent, ++version);
        } catch (PayloadLimitException e) { // the size of what the command asks for, not a broken behaviour
          return new Outcome.Done(Rejected.of(message.commandId(), RejectionReason.TOO_LARGE, "an event of "
              + message.command() + " exceeds a payload limit, nothing was stored: " + e.getMessage()));
        }
        state = actor.ctx.behavior.evolve(state, event);
        events.add(event);
      }
    } catch (RuntimeException | Error e) {
      return failed(message, "the behaviour's events for " + message.command() + " cannot be applied: "
          + ActorFailure.describe(e));
    }
    if (events.isEmpty()) {
      plan.stateOutcomes++; // accepted without events: nothing fences it against a stale state
    }
    int fromIndex = plan.events.size();
    plan.events.addAll(events);
    Outcome.Pending pending = new Outcome.Pending(plan.version + 1, version, fromIndex, plan.events.size(), state);
    plan.state = state;
    plan.version = version;
    return pending;
  }

  /**
   * The event of a decision: the message's metadata as given (an explicit causation, correlation, user or
   * trace id reaches the event unchanged); only what the message lacks is filled in: the causation and the
   * correlation id default to the command id.
   */
  private Event toEvent(RuntimeMessage message, NewEvent newEvent, long version) {
    Event.Builder b = Event.builder()
        .eventType(newEvent.eventType())
        .streamId(actor.streamId)
        .commandId(message.commandId())
        .version(version)
        .data(newEvent.data())
        .metadata(message.metadata())
        .timestamp(actor.ctx.rt.clock.instant());
    if (!message.metadata().containsKey(EventMetadata.CAUSATION_ID)) {
      b.causationId(message.commandId());
    }
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
   * The command ids decided so far in one attempt, by batch position: an open-addressing table of positions
   * (one int array, no boxing, no entry objects; the ids' hash codes are cached by {@code String}), replacing a
   * {@code HashMap<String, Integer>} per attempt. Only for batches of two or more commands.
   */
  private static final class SeenIds {
    private final List<QueuedCommand> batch;
    private final int[] table;

    SeenIds(List<QueuedCommand> batch) {
      this.batch = batch;
      table = new int[Integer.highestOneBit(batch.size() * 2 - 1) << 1]; // a power of two >= 2 * commands
    }

    /** @return the position of an earlier command with this id, or -1 after remembering {@code position} */
    int putIfAbsent(String commandId, int position) {
      int mask = table.length - 1;
      int h = commandId.hashCode();
      for (int i = (h ^ (h >>> 16)) & mask; ; i = (i + 1) & mask) {
        int stored = table[i];
        if (stored == 0) {
          table[i] = position + 1;
          return -1;
        }
        if (batch.get(stored - 1).message().commandId().equals(commandId)) {
          return stored - 1;
        }
      }
    }
  }
}
