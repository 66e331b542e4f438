package dev.aether.runtime.behavior;

import dev.aether.support.Checks;
import java.util.List;

/**
 * What a typed command handler of a {@link JavaBehavior} decided: {@link #persist persist} events (records
 * registered with {@link JavaBehavior.Builder#event}), {@link #reject reject} the command, or do
 * {@link #none() nothing}.
 */
public sealed interface Effect {

  /**
   * Accepts the command and stores these events, in order.
   *
   * @param events event records; each one's class must be registered with {@code .event(...)}
   * @return the effect
   */
  static Effect persist(Object... events) {
    return new Persist(List.of(events));
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
   * Store events.
   *
   * @param events the event records (unmodifiable copy)
   */
  record Persist(List<?> events) implements Effect {

    /** Copies the list; refuses nulls. */
    public Persist {
      events = List.copyOf(Checks.notNull(events, "events"));
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
}
