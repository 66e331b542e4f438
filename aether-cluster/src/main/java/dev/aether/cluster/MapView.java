package dev.aether.cluster;

import dev.aether.nats.KvWatch;
import dev.aether.store.StoreUnavailableException;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The newest shard map this process has seen, kept current by a KV watch of the {@code map} key and by reads
 * on demand ({@link #refresh()}: a request that names a newer epoch, a {@code MOVED}, a failed send). Only a
 * map at a higher revision replaces the one held, so a late watch event never brings an older map back; a
 * value that does not decode is logged and the last good map kept. A client's view may start before the
 * cluster exists ({@link #MapView(Connection, Supplier, BiConsumer)}): it has no map until a read finds the bucket
 * a first node created, and watches it from then on.
 *
 * <p>Thread-safe. The listener is called with (previous, new), one change at a time, in revision order, on
 * the thread that saw the change: it must be quick.
 */
final class MapView implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MapView.class);

  /** A map and the KV revision it was read at (the compare-and-set token of the next write). */
  record Versioned(ShardMap map, long revision) {}

  /** The connection the watch's messages come on. */
  private final Connection connection;
  /** How long the first watch's start is tried again (a node's: long; a client's: one attempt a read). */
  private final Duration watchBudget;
  /** Opens the bucket: null while it does not exist; throws StoreUnavailableException when NATS is unreachable. */
  private final Supplier<KeyValue> opener;
  private final BiConsumer<ShardMap, ShardMap> listener;
  private final ReentrantLock lock = new ReentrantLock();
  /** Guards opening the bucket and starting its watch (not {@link #lock}: the watch's first values take it). */
  private final ReentrantLock opening = new ReentrantLock();
  private volatile KeyValue bucket;
  private volatile Versioned current;
  private volatile CompletableFuture<Void> changed = new CompletableFuture<>();
  private volatile boolean frozen;
  private volatile boolean closed;
  private KvWatch watch;

  /** A view of a bucket that exists (a node's: it created the bucket). */
  MapView(Connection connection, KeyValue bucket, BiConsumer<ShardMap, ShardMap> listener) {
    this(connection, () -> bucket, KvWatch.DEFAULT_START_BUDGET, listener);
  }

  /**
   * A view of a bucket that may not exist yet (a client's): each read tries to open it until it does.
   *
   * @param opener opens the bucket; null while it does not exist
   */
  MapView(Connection connection, Supplier<KeyValue> opener, BiConsumer<ShardMap, ShardMap> listener) {
    this(connection, opener, Duration.ZERO, listener); // a read that fails is tried again by the next one
  }

  private MapView(Connection connection, Supplier<KeyValue> opener, Duration watchBudget,
      BiConsumer<ShardMap, ShardMap> listener) {
    this.connection = connection;
    this.watchBudget = watchBudget;
    this.opener = opener;
    this.listener = listener;
  }

  /** Reads the map and starts watching it (once the bucket exists). */
  MapView start() {
    refresh();
    return this;
  }

  /** @return the bucket, opened and watched on first use; null while it does not exist */
  private KeyValue bucket() {
    KeyValue open = bucket;
    if (open != null) {
      return open;
    }
    opening.lock();
    try {
      if (bucket == null && !closed) {
        KeyValue found = opener.get();
        if (found != null) {
          watch = ClusterKv.watch(connection, found, ClusterNames.MAP_KEY, this::offer, () -> {}, watchBudget,
              "the cluster's shard map");
          bucket = found;
        }
      }
      return bucket;
    } finally {
      opening.unlock();
    }
  }

  /**
   * Watches the map again and reads it, after the connection came back (see {@link Membership#rewatch}); nothing
   * while the bucket is not open yet.
   *
   * @throws dev.aether.store.StoreUnavailableException when the watch cannot be started (yet)
   */
  void rewatch() {
    opening.lock();
    try {
      if (bucket != null && !closed) {
        KvWatch old = watch;
        watch = ClusterKv.watch(connection, bucket, ClusterNames.MAP_KEY, this::offer, () -> {}, Duration.ZERO,
            "the cluster's shard map"); // one attempt: the caller tries again
        ClusterKv.unwatch(old);
      }
    } finally {
      opening.unlock();
    }
  }

  /** Makes the map watch stop delivering, as a consumer lost by the server would: {@link ClusterFaults}. */
  void stallWatch() {
    opening.lock();
    try {
      ClusterKv.unwatch(watch);
    } finally {
      opening.unlock();
    }
  }

  /** @return the newest map seen with its revision, or null before the cluster has one */
  Versioned current() {
    return current;
  }

  /** @return the newest map seen, or null before the cluster has one */
  ShardMap map() {
    Versioned v = current;
    return v == null ? null : v.map();
  }

  /**
   * Reads the map from KV now.
   *
   * @return the newest map after the read (null while the cluster has none)
   * @throws StoreUnavailableException when the server cannot be reached
   */
  Versioned refresh() {
    if (closed) {
      return current;
    }
    KeyValue open = bucket();
    KeyValueEntry entry = open == null ? null : ClusterKv.readMap(open);
    if (entry != null) {
      offer(entry);
    }
    return current;
  }

  /**
   * A future that completes (on the thread that saw it) when the next newer map is taken: a sender waiting for
   * a dead owner's shards to move resends at once instead of at its next back-off.
   */
  CompletableFuture<Void> nextChange() {
    return changed;
  }

  /**
   * Test hook: while held, maps seen by the watch are dropped, as a frozen process would not see them; after
   * release the next read or watch event brings the newest map.
   */
  void hold(boolean hold) {
    this.frozen = hold;
  }

  /** Takes a map this process wrote itself (the leader), without waiting for the watch. */
  void offer(ShardMap map, long revision) {
    accept(new Versioned(map, revision));
  }

  private void offer(KeyValueEntry entry) {
    if (frozen) {
      return;
    }
    if (entry.getOperation() != KeyValueOperation.PUT) {
      LOG.warn("cluster: the shard map was deleted from {}; keeping the map of epoch {}", entry.getBucket(),
          current == null ? "none" : current.map().epoch());
      return;
    }
    Versioned held = current;
    if (held != null && entry.getRevision() <= held.revision()) {
      return;
    }
    try {
      accept(new Versioned(ShardMap.decode(entry.getValue()), entry.getRevision()));
    } catch (ShardMapFormatException e) {
      LOG.error("cluster: the shard map at revision {} cannot be read ({}); keeping the last good one",
          entry.getRevision(), e.getMessage());
    }
  }

  private void accept(Versioned next) {
    lock.lock();
    try {
      Versioned held = current;
      if (held != null && next.revision() <= held.revision()) {
        return;
      }
      current = next;
      listener.accept(held == null ? null : held.map(), next.map());
      CompletableFuture<Void> waiting = changed;
      changed = new CompletableFuture<>();
      waiting.complete(null); // dependents only hand work to other threads
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    opening.lock();
    try {
      closed = true;
      ClusterKv.unwatch(watch);
    } finally {
      opening.unlock();
    }
  }
}
