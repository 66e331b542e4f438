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

  /**
   * Sends a command as {@link #sendMessage} does, for a caller that only relays the outcome (a node answering
   * a request, an HTTP handler waiting on its own thread): its non-async callbacks on the reply are short and
   * never block. The reply may then complete on the thread that learns the outcome (the event store's
   * acknowledgement thread, a NATS client thread), without a hand-off to the actor's thread, and the actor's
   * thread does not wait for the acknowledgement; read-your-writes still holds (the actor's state, version and
   * idempotency window include the command before its reply completes). Callbacks that may block (on a store,
   * on another command) belong on {@link #sendMessage}: on that thread they would hold up, or deadlock, the
   * store's connection.
   *
   * @param message the command
   * @return completes with the outcome, as {@link #sendMessage}'s; never exceptionally. The default calls
   *     {@link #sendMessage}
   */
  default CompletableFuture<CommandResult> sendMessageToRelay(RuntimeMessage message) {
    return sendMessage(message);
  }
}
