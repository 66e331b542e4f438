package dev.aether.cluster;

import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandGateway;
import dev.aether.runtime.RejectionReason;
import dev.aether.support.Checks;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.StoredState;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The command gateway of a cluster node: a command for an actor of a shard this node owns goes to the local
 * runtime; any other goes, as one NATS request, to the owner in the newest shard map, which answers
 * {@code MOVED} when it no longer owns the shard (followed at most {@link ClusterConfig#maxHops()} times). No
 * responders, a timeout or a shard without owner read the map again and retry with the same command id,
 * backing off from 10 ms, within the message's deadline (or the runtime's command timeout). Policies, the HTTP
 * API and applications send through it and need not know where an actor lives; {@link #readState} reads an
 * actor's state on its owner the same way. Obtained from
 * {@link ClusterNode#gateway()}.
 *
 * <p>Thread-safe.
 */
public final class DistributedRuntime implements CommandGateway {

  private final String nodeId;
  private volatile CommandGateway router;
  private volatile StateReads reads;
  /** Why the node does not run, as a {@code NOT_RUNNING} answer says it. */
  private volatile String notRunning = "is not running";

  DistributedRuntime(String nodeId) {
    this.nodeId = nodeId;
  }

  /**
   * Connects the gateway to its router and state reads once the node's runtime exists (the runtime is built
   * with it), or disconnects it ({@code null}s) when the node stops.
   */
  void bind(CommandGateway router, StateReads reads) {
    this.router = router;
    this.reads = reads;
  }

  /** Disconnects the gateway when the node stops: from now on it answers that the node stopped, and why. */
  void unbind(String why) {
    this.notRunning = "is not running: it stopped (" + why + ")";
    bind(null, null);
  }

  /**
   * Reads an actor's state where it lives: the owner of its shard (this node, or one NATS request to it) reads
   * it through the actor's VM, activated there if needed and caught up with the store first (one read), so the
   * answer includes every command acknowledged before the read, by any node; the actor is then warm for its
   * next command. An owner that no longer owns the shard answers {@code MOVED} (followed at most
   * {@link ClusterConfig#maxHops()} times); when no owner answers in time (none in the map, a node crashed or
   * paused, a node of an earlier version) the state is folded from the store on this node instead
   * ({@link dev.aether.runtime.RuntimeManagement#readState}): slower, as current. Callbacks run on a virtual
   * thread, never on a NATS client's thread.
   *
   * @param key the actor
   * @return completes with the state and its version; exceptionally with an {@link IllegalStateException} when
   *     the node is not running, with {@link dev.aether.InvalidInputException} naming {@code key.aggregateType}
   *     for an aggregate type this node's runtime does not know, or with the store's failure (a
   *     {@link dev.aether.TransientAetherException} when it is unavailable, an
   *     {@link dev.aether.runtime.ActorFailedException} when a stored record cannot be decoded or applied)
   * @throws dev.aether.InvalidInputException naming {@code key} when null
   */
  public CompletableFuture<StoredState> readState(ActorKey key) {
    return readState(Checks.notNull(key, "key"), null);
  }

  /**
   * {@link #readState(ActorKey)} for a client that could not get the state from {@code unresponsive}: when the
   * map still names that node the owner, the store is read here instead of asking it again.
   */
  CompletableFuture<StoredState> readState(ActorKey key, String unresponsive) {
    StateReads bound = reads;
    if (bound == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("the cluster node " + nodeId + " "
          + notRunning));
    }
    return bound.read(key, unresponsive);
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
          RejectionReason.NOT_RUNNING, "the cluster node " + nodeId + " " + notRunning + "; nothing applied"));
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
