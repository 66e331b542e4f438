package dev.aether.cluster;

import dev.aether.cluster.ControlJson.Control;
import dev.aether.cluster.ControlJson.StateRequest;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.StoredState;
import dev.aether.store.StoreUnavailableException;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A thin client's state reads: straight to the owner of the actor's shard (the {@code state} control request a
 * node sends, {@code MOVED} followed at most {@code maxHops} times). When the owner does not answer with the
 * state (no responders, the attempt timeout, a failure there, a node of an earlier version), the read names it
 * unresponsive, so that the node asked reads the store instead of asking it again, and asks the map's other
 * members one at a time on their control subjects, then (none in the map, none of them answered) any node
 * ({@code <p>.<ns>.state}), which answers the outcome in its own terms, asked again ({@link AnyNode}) while no
 * node runs, a node does not answer, or one answers that the store is unavailable, within the read's deadline.
 * Asking the members by name first keeps a paused owner from taking the read's attempts again: the queue group
 * behind the any-node subject still counts it as a member. A failure the owner names that retrying cannot fix
 * (an unknown aggregate type, a history that cannot be read) is the outcome.
 *
 * <p>Thread-safe. The returned futures complete on virtual threads ({@link HandedOffFuture}).
 */
final class ClientStateReads {

  private final Connection connection;
  private final ClusterNames names;
  private final MapView maps;
  private final AnyNode anyNode;
  private final int maxHops;
  private final long timeoutMillis;
  private final long attemptMillis;

  /**
   * @param anyNode asks any node, when no owner answers
   * @param timeout the whole read's budget
   * @param attemptTimeout how long a request to the owner waits before the read goes through any node
   */
  ClientStateReads(Connection connection, ClusterNames names, MapView maps, AnyNode anyNode, int maxHops,
      Duration timeout, Duration attemptTimeout) {
    this.connection = connection;
    this.names = names;
    this.maps = maps;
    this.anyNode = anyNode;
    this.maxHops = maxHops;
    this.timeoutMillis = timeout.toMillis();
    this.attemptMillis = attemptTimeout.toMillis();
  }

  /** One read: the actor, its deadline ({@link System#nanoTime()}), its outcome. */
  private record Read(ActorKey key, long deadline, CompletableFuture<StoredState> result) {

    long leftMillis() {
      return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    }

    StateRequest asked(String unresponsive) {
      return new StateRequest(key.aggregateType(), key.actorId(), unresponsive);
    }
  }

  CompletableFuture<StoredState> read(ActorKey key) {
    Read read = new Read(key, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis),
        new HandedOffFuture<>());
    ShardMap map = maps.map();
    toOwner(read, map == null ? null : map.ownerId(map.shards().shardOf(key.streamId())), 0);
    return read.result();
  }

  private void toOwner(Read read, String owner, int hop) {
    if (read.result().isDone()) { // failed by the client's close meanwhile
      return;
    }
    if (owner == null || hop > maxHops) {
      toAnyNode(read, null);
      return;
    }
    byte[] request = ControlJson.write(Control.state(read.asked(null)));
    long timeout = Math.min(attemptMillis, read.leftMillis());
    AnyNode.send(connection, names.nodeControl(owner), request, timeout, (reply, failure) -> {
      String status = failure == null ? Wire.header(reply, Wire.STATUS) : null;
      if (Wire.MOVED.equals(status)) {
        toOwner(read, Wire.header(reply, Wire.OWNER), hop + 1);
      } else if (failure == null && (status == null || isFinal(reply, status))) {
        read.result().complete(StateReplies.read(read.key(), reply)); // what it throws fails the read
      } else {
        toOthers(read, owner); // another node reads the store instead of asking this owner again
      }
    }, read.result());
  }

  /** Asks the map's members but the unresponsive owner, in random order, then any node. */
  private void toOthers(Read read, String unresponsive) {
    ShardMap map = maps.map();
    List<String> others = new ArrayList<>(map == null ? List.of() : map.members());
    others.remove(unresponsive);
    Collections.shuffle(others);
    toMember(read, unresponsive, others.iterator());
  }

  /**
   * Asks the next member by name, naming the owner unresponsive (a member that does not own the shard reads
   * through the owner the map names now, or the store); any answer but a final one, or none within the attempt
   * timeout, goes on with the next member, and after the last with any node.
   */
  private void toMember(Read read, String unresponsive, Iterator<String> members) {
    if (read.result().isDone()) {
      return;
    }
    long timeout = Math.min(attemptMillis, read.leftMillis());
    if (!members.hasNext() || timeout < 1) {
      toAnyNode(read, unresponsive);
      return;
    }
    byte[] request = ControlJson.write(Control.state(read.asked(unresponsive)));
    AnyNode.send(connection, names.nodeControl(members.next()), request, timeout, (reply, failure) -> {
      String status = failure == null ? Wire.header(reply, Wire.STATUS) : null;
      if (failure == null && (status == null || isFinal(reply, status))) {
        read.result().complete(StateReplies.read(read.key(), reply)); // what it throws fails the read
      } else {
        toMember(read, unresponsive, members); // mute, paused, MOVED (an earlier version), the store unavailable
      }
    }, read.result());
  }

  /**
   * Whether an owner's failure is the read's outcome: one retrying cannot fix (a reason named: a node of an
   * earlier version answers {@code FAILED} without one), or an aggregate type its runtime does not know.
   */
  private static boolean isFinal(Message reply, String status) {
    return Wire.FAILED.equals(status) && Wire.header(reply, Wire.REASON) != null
        || Wire.BAD_REQUEST.equals(status) && "key.aggregateType".equals(Wire.header(reply, Wire.ERROR_FIELD));
  }

  private void toAnyNode(Read read, String unresponsive) {
    byte[] request = ControlJson.write(read.asked(unresponsive));
    CompletableFuture<Message> asked = anyNode.ask(names.anyNodeStates(), request, "the read of " + read.key(),
        read.deadline(), reply -> Wire.UNAVAILABLE.equals(Wire.header(reply, Wire.STATUS))
            ? new StoreUnavailableException("reading " + read.key() + ": "
                + new String(reply.getData(), StandardCharsets.UTF_8), null)
            : null);
    read.result().whenComplete((state, failure) -> asked.cancel(false)); // a read failed by close(): ask no more
    asked.whenComplete((reply, failure) -> {
      try {
        if (failure != null) {
          read.result().completeExceptionally(failure);
        } else {
          read.result().complete(StateReplies.read(read.key(), reply));
        }
      } catch (RuntimeException e) {
        read.result().completeExceptionally(e);
      }
    });
  }
}
