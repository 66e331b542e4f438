package dev.aether.runtime.spi;

import dev.aether.support.Checks;
import dev.aether.runtime.FieldError;
import dev.aether.runtime.RejectionReason;
import java.util.List;
import java.util.Set;

/**
 * What a {@link Behavior} decided for one command: {@link Emit} events (possibly none) or {@link Reject} the
 * command.
 */
public sealed interface Decision {

  /** The reasons a behaviour may give for a rejection. */
  Set<RejectionReason> BEHAVIOR_REASONS = Set.of(
      RejectionReason.UNKNOWN_COMMAND, RejectionReason.INVALID_PAYLOAD, RejectionReason.BUSINESS_RULE);

  /**
   * Accepts the command with these events.
   *
   * @param events the events to store, in order; none is allowed (the command is accepted, nothing is stored)
   * @return the decision
   */
  static Decision emit(List<NewEvent> events) {
    return new Emit(events);
  }

  /**
   * Accepts the command with these events.
   *
   * @param events the events to store, in order
   * @return the decision
   */
  static Decision emit(NewEvent... events) {
    return new Emit(List.of(events));
  }

  /**
   * Refuses the command because of a business rule, for example insufficient funds.
   *
   * @param message why, for the caller
   * @return the decision
   */
  static Decision reject(String message) {
    return new Reject(RejectionReason.BUSINESS_RULE, message, List.of());
  }

  /**
   * Refuses a command this behaviour does not handle.
   *
   * @param message why, naming the command
   * @return the decision
   */
  static Decision unknownCommand(String message) {
    return new Reject(RejectionReason.UNKNOWN_COMMAND, message, List.of());
  }

  /**
   * Refuses a payload that does not fit the command.
   *
   * @param errors one entry per refused field; at least one
   * @return the decision
   */
  static Decision invalidPayload(List<FieldError> errors) {
    String message = "invalid payload: " + String.join("; ", errors.stream().map(FieldError::toString).toList());
    return new Reject(RejectionReason.INVALID_PAYLOAD, message, errors);
  }

  /**
   * Accept with events.
   *
   * @param events the events, in order (unmodifiable copy; may be empty)
   */
  record Emit(List<NewEvent> events) implements Decision {

    /** Copies the list; refuses nulls. */
    public Emit {
      events = List.copyOf(Checks.notNull(events, "events"));
    }
  }

  /**
   * Refuse the command.
   *
   * @param reason one of {@link #BEHAVIOR_REASONS}
   * @param message why, for the caller
   * @param fieldErrors the refused payload fields (unmodifiable copy)
   */
  record Reject(RejectionReason reason, String message, List<FieldError> fieldErrors) implements Decision {

    /** Checks the reason and copies the errors. */
    public Reject {
      Checks.notNull(reason, "reason");
      if (!BEHAVIOR_REASONS.contains(reason)) {
        throw new dev.aether.InvalidInputException("reason", "a behaviour may only reject with "
            + BEHAVIOR_REASONS + ", was " + reason);
      }
      Checks.notBlank(message, "message");
      fieldErrors = List.copyOf(fieldErrors);
    }
  }
}
