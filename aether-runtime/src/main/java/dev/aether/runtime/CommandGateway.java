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
   * acknowledgement thread, a NATS client thread) without a hand-off to the actor's thread; read-your-writes
   * still holds (the actor's state, version and idempotency window include the command before its reply
   * completes). When {@code
   * decideHere}, the gateway may also decide the command on the calling thread: when its actor is local, idle
   * and current, the command is decided and its commit sent before this method returns (no thread hand-off at
   * all); anything that may block on the way (a catch-up, a freshness read, a duplicate's events) goes on on the
   * runtime's threads. A caller passes {@code true} when deciding on its own thread is cheaper than a hand-off
   * (a thread of its own per request, or a NATS dispatcher with nothing else waiting) and {@code false} when
   * other work waits for that thread. The outcome is the same either way; callbacks that may block (on a
   * store, on another command) belong on {@link #sendMessage}, as on this thread they would hold up the store's
   * connection.
   *
   * @param message the command
   * @param decideHere whether the command may be decided on the calling thread
   * @return completes with the outcome, as {@link #sendMessage}'s; never exceptionally. The default calls
   *     {@link #sendMessage}
   */
  default CompletableFuture<CommandResult> sendMessageToRelay(RuntimeMessage message, boolean decideHere) {
    return sendMessage(message);
  }
}
