package dev.aether.cluster;

import dev.aether.cluster.ControlJson.Control;
import dev.aether.cluster.ControlJson.StateRequest;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.StoredState;
import dev.aether.support.Checks;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an actor's state where it lives: through its VM on the owner of its shard (this node's runtime, or a
 * control request to the owner's {@code node.<id>.ctl}), which answers from memory after one read of the store
 * (the VM catches up with anything stored since), so a read costs one request to the owner and one to the store
 * instead of a fold of the actor's events here, and the actor stays warm for its next command. An owner that
 * no longer owns the shard answers {@code MOVED}, followed at most {@code maxHops} times; when no owner answers
 * (none in the map, no responders, the attempt timeout, a failure there, a node of an earlier version that does
 * not know the request) the state is folded from the store here ({@link Runtime#readState}), so a read
 * answers whenever the store does. Either way the state includes every command acknowledged before the read.
 *
 * <p>Thread-safe. The returned futures complete on virtual threads ({@link HandedOffFuture}), never on a NATS
 * client's thread.
 */
final class StateReads {

  private static final Logger LOG = LoggerFactory.getLogger(StateReads.class);

  private final Connection connection;
  private final ClusterNames names;
  private final MapView maps;
  private final String self;
  private final IntPredicate owns;
  private final Runtime runtime;
  private final int maxHops;
  private final long attemptTimeoutMs;

  /**
   * @param owns whether this node serves a shard now
   * @param attemptTimeout how long one request to an owner waits before the store is read here instead
   */
  StateReads(Connection connection, ClusterNames names, MapView maps, String self, IntPredicate owns,
      Runtime runtime, int maxHops, Duration attemptTimeout) {
    this.connection = connection;
    this.names = names;
    this.maps = maps;
    this.self = self;
    this.owns = owns;
    this.runtime = runtime;
    this.maxHops = maxHops;
    this.attemptTimeoutMs = attemptTimeout.toMillis();
  }

  /**
   * Reads an actor's state, as {@link DistributedRuntime#readState} describes, not asking {@code unresponsive}
   * (null: none) when the map names it the owner (a client could not get the state from it): the store is read
   * here instead.
   *
   * @param key the actor
   * @return completes with the state and its version, or exceptionally as {@link Runtime#readState}
   */
  CompletableFuture<StoredState> read(ActorKey key, String unresponsive) {
    Checks.notNull(key, "key");
    CompletableFuture<StoredState> result = new HandedOffFuture<>();
    ShardMap map = maps.map();
    String owner = map == null ? null : map.ownerId(map.shards().shardOf(key.streamId()));
    if (owner != null && !owner.equals(self) && owner.equals(unresponsive)) {
      foldInstead(key, owner, "the asker could not reach it", result);
    } else {
      attempt(key, owner, 0, result);
    }
    return result;
  }

  private void attempt(ActorKey key, String owner, int hop, CompletableFuture<StoredState> result) {
    if (owner == null || hop > maxHops) {
      fold(key, result);
    } else if (owner.equals(self)) {
      ShardMap map = maps.map();
      int shard = map == null ? -1 : map.shards().shardOf(key.streamId());
      if (map != null && owns.test(shard)) {
        relay(readOwned(runtime, key, () -> owns.test(shard)), result);
      } else {
        fold(key, result); // named in a map, but not serving it now (a stale lease, a lost connection)
      }
    } else {
      byte[] request = ControlJson.write(Control.state(new StateRequest(key.aggregateType(), key.actorId())));
      // the answer's JSON is read on a virtual thread, off the connection's reply thread
      AnyNode.send(connection, names.nodeControl(owner), request, attemptTimeoutMs,
          (reply, failure) -> fromOwner(key, owner, hop, reply, failure, result), result);
    }
  }

  private void fromOwner(ActorKey key, String owner, int hop, Message reply, Throwable failure,
      CompletableFuture<StoredState> result) {
    if (failure != null) {
      foldInstead(key, owner, failure, result);
      return;
    }
    String status = Wire.header(reply, Wire.STATUS);
    if (Wire.MOVED.equals(status)) {
      attempt(key, Wire.header(reply, Wire.OWNER), hop + 1, result);
    } else if (status != null) {
      foldInstead(key, owner, status + " " + new String(reply.getData(), StandardCharsets.UTF_8), result);
    } else {
      try {
        result.complete(StateReplies.read(key, reply));
      } catch (RuntimeException e) { // an answer that cannot be read: the store can
        foldInstead(key, owner, e, result);
      }
    }
  }

  /** The owner did not answer with the state (why): the store is read here. */
  private void foldInstead(ActorKey key, String owner, Object why, CompletableFuture<StoredState> result) {
    LOG.debug("cluster: reading {} on {}: {}; reading the store", key, owner, why);
    fold(key, result);
  }

  /**
   * Reads an actor of a shard this node owns through its VM here. A read that began just before the shard moved
   * away (its drain ran before this activation) drains the VM it made, as a command's routing does, since no map
   * change would.
   *
   * @param stillOwned whether this node still owns the actor's shard
   */
  static CompletableFuture<StoredState> readOwned(Runtime runtime, ActorKey key, BooleanSupplier stillOwned) {
    return runtime.activeState(key).whenComplete((read, failure) -> {
      if (!stillOwned.getAsBoolean()) {
        runtime.drain(List.of(key));
      }
    });
  }

  private void fold(ActorKey key, CompletableFuture<StoredState> result) {
    relay(runtime.readState(key), result);
  }

  private static void relay(CompletableFuture<StoredState> read, CompletableFuture<StoredState> result) {
    read.whenComplete((state, failure) -> {
      if (failure != null) {
        result.completeExceptionally(failure instanceof CompletionException c && c.getCause() != null
            ? c.getCause() : failure);
      } else {
        result.complete(state);
      }
    });
  }
}
