package dev.aether.cluster;

import dev.aether.runtime.CommandGateway;
import dev.aether.runtime.RejectionReason;
import dev.aether.support.Checks;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.RuntimeMessage;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The command gateway of a cluster node: a command for an actor of a shard this node owns goes to the local
 * runtime; any other goes, as one NATS request, to the owner in the newest shard map, which answers
 * {@code MOVED} when it no longer owns the shard (followed at most {@link ClusterConfig#maxHops()} times). No
 * responders, a timeout or a shard without owner read the map again and retry with the same command id,
 * backing off from 10 ms, within the message's deadline (or the runtime's command timeout). Policies, the HTTP
 * API and applications send through it and need not know where an actor lives. Obtained from
 * {@link ClusterNode#gateway()}.
 *
 * <p>Thread-safe.
 */
public final class DistributedRuntime implements CommandGateway {

  private final String nodeId;
  private volatile CommandGateway router;

  DistributedRuntime(String nodeId) {
    this.nodeId = nodeId;
  }

  /**
   * Connects the gateway to its router once the node's runtime exists (the runtime is built with it), or
   * disconnects it ({@code null}) when the node stops.
   */
  void bind(CommandGateway router) {
    this.router = router;
  }

  /**
   * Sends a command to its actor, wherever it lives.
   *
   * @param message the command
   * @return completes with the owner's outcome; never exceptionally: a command that reaches no owner by its
   *     deadline is {@link dev.aether.runtime.RejectionReason#TIMEOUT}, saying whether an attempt may have
   *     been applied; one sent before the node started or after it stopped is {@code NOT_RUNNING}
   * @throws dev.aether.InvalidInputException naming {@code message} when null
   */
  @Override
  public CompletableFuture<CommandResult> sendMessage(RuntimeMessage message) {
    return send(message, router -> router.sendMessage(message));
  }

  /**
   * Sends a command as {@link #sendMessage} does, for a caller that only relays the outcome; a command for an
   * actor of this node goes to its runtime's {@code sendMessageToRelay} (see {@link
   * CommandGateway#sendMessageToRelay}).
   *
   * @param message the command
   * @return completes with the owner's outcome, as {@link #sendMessage}'s
   * @throws dev.aether.InvalidInputException naming {@code message} when null
   */
  @Override
  public CompletableFuture<CommandResult> sendMessageToRelay(RuntimeMessage message) {
    return send(message, router -> router.sendMessageToRelay(message));
  }

  private CompletableFuture<CommandResult> send(RuntimeMessage message,
      Function<CommandGateway, CompletableFuture<CommandResult>> how) {
    Checks.notNull(message, "message");
    CommandGateway bound = router;
    if (bound == null) {
      return CompletableFuture.completedFuture(CommandResult.Rejected.of(message.commandId(),
          RejectionReason.NOT_RUNNING, "the cluster node " + nodeId + " is not running"));
    }
    return how.apply(bound);
  }

  /**
   * The node this gateway belongs to.
   *
   * @return its node id
   */
  public String nodeId() {
    return nodeId;
  }

  @Override
  public String toString() {
    return "DistributedRuntime[node=" + nodeId + "]";
  }
}
