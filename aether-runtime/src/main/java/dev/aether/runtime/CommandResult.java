package dev.aether.runtime;

import dev.aether.event.Event;
import dev.aether.support.Checks;
import java.util.List;

/**
 * The outcome of one command sent with {@link Runtime#sendMessage}: {@link Accepted} or {@link Rejected}.
 *
 * <p>Domain outcomes and infrastructure failures alike are results: the future returned by
 * {@code sendMessage} never completes exceptionally. Match on the type:
 * <pre>{@code
 * switch (result) {
 *   case CommandResult.Accepted a -> log.info("now at v{}", a.newVersion());
 *   case CommandResult.Rejected r when r.isTransient() -> retryLater();
 *   case CommandResult.Rejected r -> log.warn("refused: {}", r.message());
 * }
 * }</pre>
 */
public sealed interface CommandResult {

  /** @return the id of the command this result answers */
  String commandId();

  /** @return whether the command was accepted */
  default boolean isAccepted() {
    return this instanceof Accepted;
  }

  /**
   * The command was applied: its events (possibly none) are stored and the actor's state includes them.
   *
   * @param commandId the command's id
   * @param newVersion the actor's version right after this command's events (for a command without
   *     events, the version it was decided at)
   * @param events the stored events this command produced, in version order (unmodifiable)
   * @param duplicate whether this is the remembered outcome of an earlier command with the same id (nothing
   *     was stored this time); also for a command the caller sent once, when a cluster gateway or client resent it
   *     itself (its first attempt was stored, its answer lost): a count of the caller's own resends it is not
   */
  record Accepted(String commandId, long newVersion, List<Event> events, boolean duplicate)
      implements CommandResult {

    /** Copies the events and checks the values. */
    public Accepted {
      Checks.notBlank(commandId, "commandId");
      Checks.notNegative(newVersion, "newVersion");
      events = List.copyOf(events);
    }
  }

  /**
   * The command was not applied.
   *
   * @param commandId the command's id
   * @param reason why
   * @param message a human-readable explanation
   * @param fieldErrors the refused payload fields, for {@link RejectionReason#INVALID_PAYLOAD} (unmodifiable)
   */
  record Rejected(String commandId, RejectionReason reason, String message, List<FieldError> fieldErrors)
      implements CommandResult {

    /** Copies the field errors and checks the values. */
    public Rejected {
      Checks.notBlank(commandId, "commandId");
      Checks.notNull(reason, "reason");
      Checks.notNull(message, "message");
      fieldErrors = List.copyOf(fieldErrors);
    }

    /**
     * Creates a rejection without field errors.
     *
     * @param commandId the command's id
     * @param reason why
     * @param message the explanation
     * @return the rejection
     */
    public static Rejected of(String commandId, RejectionReason reason, String message) {
      return new Rejected(commandId, reason, message, List.of());
    }

    /** @return whether resending the same command may succeed ({@link RejectionReason#isTransient()}) */
    public boolean isTransient() {
      return reason.isTransient();
    }
  }
}
