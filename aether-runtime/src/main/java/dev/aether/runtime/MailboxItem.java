package dev.aether.runtime;

import dev.aether.event.Event;
import dev.aether.support.TimeoutWheel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** One item of a VM's mailbox: a command, or a control request queued behind the commands. */
sealed interface MailboxItem {

  /**
   * A command and its reply; also the reply's entry in the runtime's {@link TimeoutWheel} (no timer object
   * per command). The TIMEOUT message is built only when the timeout fires.
   */
  final class QueuedCommand extends TimeoutWheel.Entry implements MailboxItem {

    /** Why the timeout fires: the command timeout alone, the command timeout before a deadline, the deadline. */
    enum Limit { TIMEOUT, TIMEOUT_BEFORE_DEADLINE, DEADLINE }

    private final RuntimeMessage message;
    private final CompletableFuture<CommandResult> reply;
    private final Duration timeout;
    private final Limit limit;
    private final boolean relay;

    /**
     * @param message the command
     * @param reply completed with the outcome
     * @param timeout the command timeout
     * @param limit which limit the timeout is, for its message
     * @param relay whether the reply's callbacks only relay it and never block ({@link CommandGateway#sendMessageToRelay}),
     *     so it may complete on the store's acknowledgement thread
     */
    QueuedCommand(RuntimeMessage message, CompletableFuture<CommandResult> reply, Duration timeout, Limit limit,
        boolean relay) {
      this.relay = relay;
      this.message = message;
      this.reply = reply;
      this.timeout = timeout;
      this.limit = limit;
    }

    /** @return the command */
    RuntimeMessage message() {
      return message;
    }

    /** @return whether the reply may complete on the store's acknowledgement thread */
    boolean relay() {
      return relay;
    }

    /** @return the reply */
    CompletableFuture<CommandResult> reply() {
      return reply;
    }

    /**
     * Completes the reply and withdraws its timeout, unless the timeout fired first: then the reply is its
     * TIMEOUT, even while the wheel is still completing it ({@link #claim()}).
     *
     * @param result the outcome
     */
    void complete(CommandResult result) {
      if (claim()) {
        reply.complete(result);
      }
    }

    /** @return whether the reply is complete already (timed out): the command need not be decided */
    boolean isAbandoned() {
      return reply.isDone();
    }

    @Override
    protected void expire() {
      String text = switch (limit) {
        case TIMEOUT -> "no outcome within " + timeout + "; the command may still be applied: resend it with the"
            + " same commandId to learn its outcome";
        case TIMEOUT_BEFORE_DEADLINE -> "no outcome within " + timeout + " (before the message's deadline "
            + message.deadlineOrNull() + "); the command may still be applied: resend it with the same commandId"
            + " to learn its outcome";
        // only what expired: the deadline is the sender's (a client sets it from its own command timeout), this
        // runtime's command timeout had not passed and says nothing about it
        case DEADLINE -> "no outcome by the message's deadline " + message.deadlineOrNull() + "; the command may"
            + " still be applied if it was being decided: resend it with the same commandId to learn its outcome";
      };
      reply.complete(CommandResult.Rejected.of(message.commandId(), RejectionReason.TIMEOUT, text));
    }

    @Override
    protected void expireOnClose() {
      reply.complete(CommandResult.Rejected.of(message.commandId(), RejectionReason.TIMEOUT, "the runtime closed"
          + " before the command had an outcome; the command may still be applied: resend it with the same"
          + " commandId (to a running runtime) to learn its outcome"));
    }
  }

  /**
   * Activate the VM.
   *
   * @param done completed once active
   */
  record Start(CompletableFuture<Void> done) implements MailboxItem {}

  /**
   * Apply an already stored event.
   *
   * @param event the event
   * @param done completed with whether it was applied
   */
  record Apply(Event event, CompletableFuture<Boolean> done) implements MailboxItem {}

  /**
   * Read the state, current with the store.
   *
   * @param done completed with the state and its version
   */
  record Read(CompletableFuture<StoredState> done) implements MailboxItem {}
}
