package dev.aether.runtime.behavior;

import dev.aether.InvalidInputException;
import dev.aether.runtime.FieldError;
import dev.aether.support.Checks;
import java.util.Arrays;
import java.util.List;

/**
 * What a typed command handler of a {@link JavaBehavior} decided: {@link #persist persist} events (records
 * registered with {@link JavaBehavior.Builder#event}), {@link #reject reject} the command for a business rule,
 * refuse its fields ({@link #invalid}), or do {@link #none() nothing}. Immutable values.
 */
public sealed interface Effect {

  /**
   * Accepts the command and stores these events, in order.
   *
   * @param events event records; each one's class must be registered with {@code .event(...)}
   * @return the effect
   */
  static Effect persist(Object... events) {
    return new Persist(Arrays.asList(Checks.notNull(events, "events")));
  }

  /**
   * Accepts the command and stores these events, in order.
   *
   * @param events event records
   * @return the effect
   */
  static Effect persist(List<?> events) {
    return new Persist(events);
  }

  /**
   * Accepts the command without storing anything.
   *
   * @return the effect
   */
  static Effect none() {
    return new Persist(List.of());
  }

  /**
   * Refuses the command because of a business rule; the caller gets
   * {@link dev.aether.runtime.RejectionReason#BUSINESS_RULE} with this message.
   *
   * @param message why, for the caller
   * @return the effect
   */
  static Effect reject(String message) {
    return new Reject(message);
  }

  /**
   * Refuses the command because of its fields, as a payload that breaks the command's declared fields is; the
   * caller gets {@link dev.aether.runtime.RejectionReason#INVALID_PAYLOAD} with these errors (over HTTP: 400,
   * {@code fields} naming each path), for rules the record's types cannot say (an end date before a start date).
   * Name the fields as the runtime names a payload's own errors, {@code payload.<field>}
   * ({@code payload.lines[2].sku}): the path is passed on as written.
   *
   * @param errors the fields and what is wrong with each, at least one
   * @return the effect
   * @throws dev.aether.InvalidInputException naming {@code errors} when null or empty
   */
  static Effect invalid(FieldError... errors) {
    return new Invalid(Arrays.asList(Checks.notNull(errors, "errors")));
  }

  /**
   * Store events.
   *
   * @param events the event records (unmodifiable copy)
   */
  record Persist(List<?> events) implements Effect {

    /** Copies the list; refuses a null list or event, naming it. */
    public Persist {
      Checks.notNull(events, "events");
      for (int i = 0; i < events.size(); i++) {
        Checks.notNull(events.get(i), "events[" + i + "]");
      }
      events = List.copyOf(events);
    }
  }

  /**
   * Refuse the command.
   *
   * @param message why
   */
  record Reject(String message) implements Effect {

    /** Refuses a blank message. */
    public Reject {
      Checks.notBlank(message, "message");
    }
  }

  /**
   * Refuse the command's fields.
   *
   * @param errors the field errors (unmodifiable copy, at least one)
   */
  record Invalid(List<FieldError> errors) implements Effect {

    /** Copies the list; refuses an empty list or a null error, naming it. */
    public Invalid {
      Checks.notNull(errors, "errors");
      if (errors.isEmpty()) {
        throw new InvalidInputException("errors", "must name at least one field");
      }
      for (int i = 0; i < errors.size(); i++) {
        Checks.notNull(errors.get(i), "errors[" + i + "]");
      }
      errors = List.copyOf(errors);
    }
  }
}
