package dev.aether.runtime;

import dev.aether.event.Event;
import dev.aether.runtime.MailboxItem.QueuedCommand;
import dev.aether.store.CommitTooLargeException;
import java.util.ArrayList;
import java.util.List;

/**
 * The decisions of one attempt at a batch of queued commands ({@link BatchDecider}): each command's outcome by
 * batch position, the events to store and the state they lead to; then, while {@link GroupCommit} stores and
 * answers it, which replies are complete. When the store refuses the plan's commit as too large, the plan says
 * how to store it in {@linkplain Part parts} instead ({@link #packed}, {@link #singles}).
 *
 * <p>Used by one batch's mailbox owner at a time; not thread-safe.
 *
 * @param <S> the behaviour's state type
 */
final class BatchPlan<S> {

  final List<QueuedCommand> batch;
  final long baseVersion;
  final List<Outcome> outcomes;
  final List<Event> events = new ArrayList<>();
  final CommandResult[] results;
  /** The state after the events decided so far. */
  S state;
  /** The version after the events decided so far. */
  long version;
  /**
   * Outcomes that rest on the state without an append to fence them: rejections that {@linkplain #restsOnState
   * rest on the state}, no-op acceptances.
   */
  int stateOutcomes;
  /** The batch index up to which replies are complete (exclusive). */
  int completed;
  /** The store's latest version when it was found below the VM's. */
  long storeVersion;

  BatchPlan(List<QueuedCommand> batch, S state, long version) {
    this.batch = batch;
    this.state = state;
    this.version = version;
    this.baseVersion = version;
    this.outcomes = new ArrayList<>(batch.size());
    this.results = new CommandResult[batch.size()];
  }

  String commandId(int i) {
    return batch.get(i).message().commandId();
  }

  /**
   * Whether a behaviour's rejection rests on the actor's state, so that it must not be answered on a state the
   * store did not confirm: a business rule, and a refusal of fields, which a handler may decide on the state
   * too ({@code Effect.invalid}). (An unknown command or a failed behaviour does not.)
   */
  static boolean restsOnState(RejectionReason reason) {
    return reason == RejectionReason.BUSINESS_RULE || reason == RejectionReason.INVALID_PAYLOAD;
  }

  /** How many commands will store events when the plan is committed. */
  int pendingWithEvents() {
    int n = 0;
    for (Outcome outcome : outcomes) {
      if (outcome instanceof Outcome.Pending p && p.toIndex() > p.fromIndex()) {
        n++;
      }
    }
    return n;
  }

  /** One part per command with events. */
  List<Part> singles() {
    List<Part> parts = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      if (outcomes.get(i) instanceof Outcome.Pending p && p.toIndex() > p.fromIndex()) {
        parts.add(new Part(i, i, p.fromIndex(), p.toIndex(), 1, null));
      }
    }
    return parts;
  }

  /**
   * The parts of a commit the store refused as too large: consecutive commands packed while their events'
   * sizes (measured by the store) fit the limit; a command whose own events exceed it ends the list as a
   * refused part.
   */
  List<Part> packed(CommitTooLargeException tooLarge) {
    if (tooLarge.eventSizes().size() != events.size()) {
      return singles(); // the store did not report one size per event: fall back to one commit per command
    }
    List<Part> parts = new ArrayList<>();
    Part current = null;
    long currentSize = 0;
    for (int i = 0; i < outcomes.size(); i++) {
      if (!(outcomes.get(i) instanceof Outcome.Pending p) || p.toIndex() == p.fromIndex()) {
        continue;
      }
      long size = 0;
      for (int e = p.fromIndex(); e < p.toIndex(); e++) {
        size += tooLarge.eventSize(e);
      }
      if (current != null && currentSize + size > tooLarge.limit()) {
        parts.add(current);
        current = null;
      }
      if (size > tooLarge.limit()) {
        parts.add(new Part(i, i, p.fromIndex(), p.toIndex(), 1, tooLargeMessage(i, size, tooLarge)));
        return parts;
      }
      current = current == null ? new Part(i, i, p.fromIndex(), p.toIndex(), 1, null)
          : new Part(current.firstCommand(), i, current.fromEvent(), p.toIndex(), current.commands() + 1, null);
      currentSize += size;
    }
    if (current != null) {
      parts.add(current);
    }
    return parts;
  }

  /** Why the command at {@code command}, whose events take {@code size} bytes, is refused on its own. */
  String tooLargeMessage(int command, long size, CommitTooLargeException tooLarge) {
    return "the events of command " + commandId(command) + " take " + size + " bytes encoded, above the"
        + " store's limit of " + tooLarge.limit() + " bytes per commit (" + tooLarge.limitDetail()
        + "); nothing was stored for it";
  }

  /**
   * Consecutive commands of a plan stored as one commit.
   *
   * @param firstCommand the batch index of its first command with events
   * @param lastCommand the batch index of its last command with events
   * @param fromEvent the plan's index of its first event
   * @param toEvent the plan's index after its last event
   * @param commands how many commands with events it holds
   * @param refusal when the part is one command too large on its own, why it is refused; else {@code null}
   */
  record Part(int firstCommand, int lastCommand, int fromEvent, int toEvent, int commands, String refusal) {}

  /** What one command of the batch comes to. */
  sealed interface Outcome {
    Outcome SKIPPED = new Skipped();

    /** Already answered (timed out, or settled by an earlier part of this batch): not decided. */
    record Skipped() implements Outcome {}

    /** Final without storing anything (a rejection), or settled by a stored part. */
    record Done(CommandResult result) implements Outcome {}

    /**
     * Accepted once the commit succeeds; its events are {@code events[fromIndex, toIndex)}; {@code state} is
     * the actor's state after them.
     */
    record Pending(long firstVersion, long lastVersion, int fromIndex, int toIndex, Object state)
        implements Outcome {}

    /** Applied before (in the actor's window). */
    record Duplicate(CommandWindow.Entry entry) implements Outcome {}

    /** The same command id as an earlier position of this batch. */
    record SameAs(int index) implements Outcome {}
  }
}
