package dev.aether.cluster;

import dev.aether.store.StoreUnavailableException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The newest shard map this process has seen, kept current by a KV watch of the {@code map} key and by reads
 * on demand ({@link #refresh()}: a request that names a newer epoch, a {@code MOVED}, a failed send). Only a
 * map at a higher revision replaces the one held, so a late watch event never brings an older map back; a
 * value that does not decode is logged and the last good map kept.
 *
 * <p>Thread-safe. The listener is called with (previous, new), one change at a time, in revision order, on
 * the thread that saw the change: it must be quick.
 */
final class MapView implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MapView.class);

  /** A map and the KV revision it was read at (the compare-and-set token of the next write). */
  record Versioned(ShardMap map, long revision) {}

  private final KeyValue bucket;
  private final BiConsumer<ShardMap, ShardMap> listener;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile Versioned current;
  private volatile CompletableFuture<Void> changed = new CompletableFuture<>();
  private volatile boolean frozen;
  private NatsKeyValueWatchSubscription watch;

  MapView(KeyValue bucket, BiConsumer<ShardMap, ShardMap> listener) {
    this.bucket = bucket;
    this.listener = listener;
  }

  /** Reads the map and starts watching it. */
  MapView start() {
    refresh();
    watch = ClusterKv.watch(bucket, ClusterNames.MAP_KEY, this::offer, () -> {}, "the cluster's shard map");
    return this;
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
    KeyValueEntry entry = ClusterKv.readMap(bucket);
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
    ClusterKv.unwatch(watch, "the map watch");
  }
}
