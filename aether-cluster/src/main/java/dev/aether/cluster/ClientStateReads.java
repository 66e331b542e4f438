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
import java.util.function.BiConsumer;

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
   * @param anyNode asks any node, when neither the owner nor another member answers
   * @param timeout the whole read's budget
   * @param attemptTimeout how long a request to the owner, or to another member, waits before the next node is
   *     asked
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
    ask(read, owner, null, (reply, failure) -> {
      if (failure == null && Wire.MOVED.equals(Wire.header(reply, Wire.STATUS))) {
        toOwner(read, Wire.header(reply, Wire.OWNER), hop + 1);
      } else if (!settled(read, reply, failure)) {
        toOthers(read, owner); // another node reads the store instead of asking this owner again
      }
    });
  }

  /** Asks the map's members but the unresponsive owner, in random order, then any node. */
  private void toOthers(Read read, String unresponsive) {
    ShardMap map = maps.map();
    List<String> others = new ArrayList<>(map == null ? List.of() : map.members());
    others.remove(unresponsive);
    Collections.shuffle(others);
    toMember(read, unresponsive, others.iterator(), null);
  }

  /**
   * Asks the next member by name, naming the owner unresponsive (a member that does not own the shard reads
   * through the owner the map names now, or the store); any answer but the read's outcome, or none within the
   * attempt timeout, goes on with the next member, and after the last with any node. When the read's time runs
   * out here, it fails with what the last member's attempt met ({@code last}).
   */
  private void toMember(Read read, String unresponsive, Iterator<String> members, RuntimeException last) {
    if (read.result().isDone()) {
      return;
    }
    if (read.leftMillis() < 1 && last != null) {
      read.result().completeExceptionally(last);
    } else if (!members.hasNext() || read.leftMillis() < 1) {
      toAnyNode(read, unresponsive);
    } else {
      String member = members.next();
      ask(read, member, unresponsive, (reply, failure) -> {
        if (!settled(read, reply, failure)) { // mute, paused, MOVED (an earlier version), the store unavailable
          toMember(read, unresponsive, members, missed(read, member, reply, failure));
        }
      });
    }
  }

  /** One {@code state} control request to a node, waiting the attempt timeout or what is left of the read's. */
  private void ask(Read read, String node, String unresponsive, BiConsumer<Message, Throwable> then) {
    byte[] request = ControlJson.write(Control.state(read.asked(unresponsive)));
    AnyNode.send(connection, names.nodeControl(node), request, Math.min(attemptMillis, read.leftMillis()), then,
        read.result());
  }

  /**
   * Completes the read when a node's answer is its outcome: the state, or a failure retrying cannot fix (a reason
   * named: a node of an earlier version answers {@code FAILED} without one; an aggregate type the node's runtime
   * does not know).
   *
   * @return false when another node is to be asked (no answer, or any other status)
   */
  private static boolean settled(Read read, Message reply, Throwable failure) {
    String status = failure == null ? Wire.header(reply, Wire.STATUS) : null;
    boolean outcome = failure == null && (status == null
        || Wire.FAILED.equals(status) && Wire.header(reply, Wire.REASON) != null
        || Wire.BAD_REQUEST.equals(status) && "key.aggregateType".equals(Wire.header(reply, Wire.ERROR_FIELD)));
    if (outcome) {
      read.result().complete(StateReplies.read(read.key(), reply)); // what it throws fails the read
    }
    return outcome;
  }

  /** What a member's attempt met, as the read's failure should its time run out. */
  private static RuntimeException missed(Read read, String member, Message reply, Throwable failure) {
    return failure == null && Wire.UNAVAILABLE.equals(Wire.header(reply, Wire.STATUS)) ? unavailable(read, reply)
        : new ClusterUnavailableException("no node of the cluster answered the read of " + read.key() + " in time"
            + " (the last asked, " + member + ": " + (failure != null ? failure : Wire.header(reply, Wire.STATUS))
            + ")", failure);
  }

  private static StoreUnavailableException unavailable(Read read, Message reply) {
    return new StoreUnavailableException("reading " + read.key() + ": "
        + new String(reply.getData(), StandardCharsets.UTF_8), null);
  }

  private void toAnyNode(Read read, String unresponsive) {
    byte[] request = ControlJson.write(read.asked(unresponsive));
    anyNode.ask(names.anyNodeStates(), request, "the read of " + read.key(), read.deadline(),
            reply -> Wire.UNAVAILABLE.equals(Wire.header(reply, Wire.STATUS)) ? unavailable(read, reply) : null,
            read.result()) // a read failed by close() asks no more
        .whenComplete((reply, failure) -> {
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
