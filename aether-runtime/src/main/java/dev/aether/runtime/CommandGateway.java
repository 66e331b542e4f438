package dev.aether.runtime;

import java.util.concurrent.CompletableFuture;

/**
 * The data face of a runtime: where commands go. The local {@link Runtime} implements it by deciding on
 * its own actors; a distributed runtime implements it by routing each command to the node that owns its
 * actor. Policies, the HTTP API and clients depend on this interface only, never on the local runtime, so
 * that the same code works on one node and in a cluster.
 *
 * <p>Implementations are thread-safe.
 */
@FunctionalInterface
public interface CommandGateway {

  /**
   * Sends a command to its actor.
   *
   * @param message the command
   * @return completes with the outcome once it is known, at the latest at the message's deadline or after the
   *     implementation's command timeout (then {@link RejectionReason#TIMEOUT}); never exceptionally: every
   *     outcome, also a failure to deliver, is a {@link CommandResult}. Non-async callbacks may run on the
   *     actor's thread: keep them short
   */
  CompletableFuture<CommandResult> sendMessage(RuntimeMessage message);
}
