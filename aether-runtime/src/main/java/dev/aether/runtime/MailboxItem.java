package dev.aether.runtime;

import dev.aether.event.Event;
import java.util.concurrent.CompletableFuture;

/** One item of a VM's mailbox: a command, or a control request queued behind the commands. */
sealed interface MailboxItem {

  /**
   * A command and its reply.
   *
   * @param message the command
   * @param reply completed with the outcome
   * @param timer the command's timeout, cancelled once the reply is complete
   */
  record QueuedCommand(RuntimeMessage message, CompletableFuture<CommandResult> reply,
      Scheduler.Cancellable timer) implements MailboxItem {

    /**
     * Completes the reply (unless it timed out already) and cancels the timeout.
     *
     * @param result the outcome
     */
    void complete(CommandResult result) {
      reply.complete(result);
      timer.cancel();
    }

    /** @return whether the reply is complete already (timed out): the command need not be decided */
    boolean isAbandoned() {
      return reply.isDone();
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
}
