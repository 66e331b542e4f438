package dev.aether.cluster;

import dev.aether.cluster.ControlJson.Control;
import dev.aether.cluster.ControlJson.StateRequest;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.StoredState;
import dev.aether.store.StoreUnavailableException;
import dev.aether.support.TimeoutWheel;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A thin client's state reads: straight to the owner of the actor's shard (the {@code state} control request a
 * node sends, {@code MOVED} followed at most {@code maxHops} times), and when no owner answers with the state
 * (none in the map, no responders, the attempt timeout, a failure there, a node of an earlier version) through
 * any node ({@code <p>.<ns>.state}), which reads through the owner or folds the store and answers the outcome
 * in its own terms. While no node runs, or a node answers that the store is unavailable, the read is asked
 * again with a backoff, within its deadline.
 *
 * <p>Thread-safe. The returned futures complete on virtual threads ({@link HandedOffFuture}).
 */
final class ClientStateReads {

  private static final long FIRST_BACKOFF_MILLIS = 50;
  private static final long MAX_BACKOFF_MILLIS = 500;

  private final Connection connection;
  private final ClusterNames names;
  private final MapView maps;
  private final int maxHops;
  private final long timeoutMillis;
  private final long attemptMillis;

  /**
   * @param timeout the whole read's budget
   * @param attemptTimeout how long a request to the owner waits before the read goes through any node
   */
  ClientStateReads(Connection connection, ClusterNames names, MapView maps, int maxHops, Duration timeout,
      Duration attemptTimeout) {
    this.connection = connection;
    this.names = names;
    this.maps = maps;
    this.maxHops = maxHops;
    this.timeoutMillis = timeout.toMillis();
    this.attemptMillis = attemptTimeout.toMillis();
  }

  /** One read: the actor, its deadline ({@link System#nanoTime()}), its outcome. */
  private record Read(ActorKey key, long deadline, CompletableFuture<StoredState> result) {

    long leftMillis() {
      return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    }

    StateRequest asked() {
      return new StateRequest(key.aggregateType(), key.actorId());
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
    if (owner == null || hop > maxHops) {
      toAnyNode(read, FIRST_BACKOFF_MILLIS);
      return;
    }
    byte[] request = ControlJson.write(Control.state(read.asked()));
    send(names.nodeControl(owner), request, Math.min(attemptMillis, read.leftMillis()), (reply, failure) -> {
      String status = failure == null ? Wire.header(reply, Wire.STATUS) : null;
      if (Wire.MOVED.equals(status)) {
        toOwner(read, Wire.header(reply, Wire.OWNER), hop + 1);
      } else if (failure == null && status == null) {
        try {
          read.result().complete(StateReplies.read(read.key(), reply));
        } catch (RuntimeException unreadable) {
          toAnyNode(read, FIRST_BACKOFF_MILLIS);
        }
      } else {
        toAnyNode(read, FIRST_BACKOFF_MILLIS); // the node asked meets any failure in its own terms
      }
    });
  }

  private void toAnyNode(Read read, long backoffMillis) {
    long left = read.leftMillis();
    if (left < 1) {
      read.result().completeExceptionally(new ClusterUnavailableException("no node of the cluster answered the"
          + " read of " + read.key() + " within " + timeoutMillis + " ms", null));
      return;
    }
    send(names.anyNodeStates(), ControlJson.write(read.asked()), left, (reply, failure) -> {
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
        if (cause instanceof CancellationException) { // no responders: no node runs (yet)
          later(read, backoffMillis, new ClusterUnavailableException("no node of the cluster is running to read "
              + read.key() + " (asked for " + timeoutMillis + " ms)", null));
        } else {
          read.result().completeExceptionally(new ClusterUnavailableException("no node of the cluster answered"
              + " the read of " + read.key() + " within " + timeoutMillis + " ms", cause));
        }
      } else if (Wire.UNAVAILABLE.equals(Wire.header(reply, Wire.STATUS))) {
        later(read, backoffMillis, new StoreUnavailableException("reading " + read.key() + ": "
            + new String(reply.getData(), StandardCharsets.UTF_8), null));
      } else {
        try {
          read.result().complete(StateReplies.read(read.key(), reply));
        } catch (RuntimeException e) {
          read.result().completeExceptionally(e);
        }
      }
    });
  }

  /** Asks any node again after the backoff, or fails with {@code last} when the deadline comes first. */
  private void later(Read read, long backoffMillis, RuntimeException last) {
    if (read.leftMillis() <= backoffMillis) {
      read.result().completeExceptionally(last);
      return;
    }
    Executor delayed = CompletableFuture.delayedExecutor(backoffMillis, TimeUnit.MILLISECONDS,
        HandedOffFuture.VIRTUAL);
    delayed.execute(() -> toAnyNode(read, Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2)));
  }

  /** One request; the callback runs on a virtual thread, never on the connection's. */
  private void send(String subject, byte[] body, long timeoutMillis, BiConsumer<Message, Throwable> then) {
    CompletableFuture<Message> sent;
    try {
      sent = connection.requestWithTimeout(subject, body, Duration.ofMillis(Math.max(1, timeoutMillis)));
    } catch (RuntimeException closed) { // the connection is closed
      HandedOffFuture.VIRTUAL.execute(() -> then.accept(null, closed));
      return;
    }
    TimeoutWheel.shared().within(sent, Math.max(1, timeoutMillis)).whenCompleteAsync(then, HandedOffFuture.VIRTUAL);
  }
}
