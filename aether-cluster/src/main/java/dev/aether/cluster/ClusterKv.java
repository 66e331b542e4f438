package dev.aether.cluster;

import dev.aether.InvalidInputException;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.KvKeys;
import dev.aether.nats.KvWatch;
import dev.aether.nats.PlacementRetry;
import dev.aether.store.StoreUnavailableException;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's two KV buckets, with every write conditional: the shard map is created once and then only
 * updated at the revision it was read at; a lease is created (join, leadership) and renewed at its revision.
 * A lost race answers "empty", never an exception; a server that cannot be reached is a
 * {@link StoreUnavailableException}. Thread-safe (jnats' {@link KeyValue} is).
 */
final class ClusterKv {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterKv.class);

  /** JetStream's "wrong last sequence": a create on a present key, or an update at a stale revision. */
  private static final int WRONG_LAST_SEQUENCE = 10071;
  private static final int STREAM_NOT_FOUND = 10059;

  private final Connection connection;
  private final KeyValue cluster;
  private final KeyValue leases;

  private ClusterKv(Connection connection, KeyValue cluster, KeyValue leases) {
    this.connection = connection;
    this.cluster = cluster;
    this.leases = leases;
  }

  /**
   * Refuses a connection that is closed: a caller's mistake, not a transient outage to retry.
   *
   * @param connection the connection given, not null
   * @return it
   * @throws InvalidInputException naming {@code connection} when it is closed
   */
  static Connection requireOpen(Connection connection) {
    if (connection.getStatus() == Connection.Status.CLOSED) {
      throw new InvalidInputException("connection", "is closed: give it an open connection");
    }
    return connection;
  }

  /**
   * Opens the buckets, creating them when absent: the cluster bucket without expiry, the lease bucket with
   * a max age of twice {@code deadAfter} (a lease not renewed goes away by itself, also the leader's). An existing
   * lease bucket with another max age holds the cluster's timings: a node that does not fit them is refused
   * ({@link LeaseTimings}); when no node holds a lease in it (the whole cluster stopped), the bucket takes this
   * node's timings.
   *
   * @throws InvalidInputException naming {@code leaseInterval} or {@code deadAfter} when they do not fit the
   *     timings of the cluster's live nodes
   * @throws StoreUnavailableException when the server cannot be reached
   */
  static ClusterKv open(Connection connection, ClusterConfig config, ClusterNames names) {
    JetStreamConfig store = config.store();
    Duration deadAfter = config.deadAfter();
    try {
      KeyValueManagement kvm = connection.keyValueManagement();
      StorageType storage = store.storage() == JetStreamConfig.Storage.MEMORY ? StorageType.Memory : StorageType.File;
      Duration placement = PlacementRetry.budget(store.requestTimeout());
      PlacementRetry.ensureBucket(kvm, KeyValueConfiguration.builder().name(names.clusterBucket())
          .description("Aether cluster: shard map").maxHistoryPerKey(1).storageType(storage).replicas(store.replicas())
          .build(), placement);
      PlacementRetry.ensureBucket(kvm, KeyValueConfiguration.builder().name(names.leaseBucket())
          .description("Aether cluster: leases").maxHistoryPerKey(1).storageType(storage).replicas(store.replicas())
          .ttl(deadAfter.multipliedBy(2)).build(), placement);
      KeyValueConfiguration leaseBucket = kvm.getStatus(names.leaseBucket()).getConfiguration();
      Duration ttl = leaseBucket.getTtl();
      if (ttl != null && !ttl.isZero() && !ttl.equals(deadAfter.multipliedBy(2))) {
        if (anyLease(connection, names)) {
          LeaseTimings.requireCompatible(config, ttl, names.leaseBucket());
        } else {
          LOG.info("cluster: the lease bucket {} keeps keys {} ms and no node holds a lease: it takes this node's"
              + " timings ({} ms, twice dead-after)", names.leaseBucket(), ttl.toMillis(),
              deadAfter.multipliedBy(2).toMillis());
          kvm.update(KeyValueConfiguration.builder(leaseBucket).ttl(deadAfter.multipliedBy(2)).build());
        }
      }
      return new ClusterKv(connection, connection.keyValue(names.clusterBucket()),
          connection.keyValue(names.leaseBucket()));
    } catch (IOException | JetStreamApiException | IllegalStateException e) { // ISE: the connection is closed
      throw new StoreUnavailableException("cannot open the cluster's KV buckets " + names.clusterBucket() + " and "
          + names.leaseBucket() + ": " + e.getMessage(), e);
    }
  }

  /** Whether some node holds a lease (one not deleted by a leave nor expired) in the lease bucket. */
  private static boolean anyLease(Connection connection, ClusterNames names)
      throws IOException, JetStreamApiException {
    KeyValue leases = connection.keyValue(names.leaseBucket());
    for (String key : KvKeys.list(connection.jetStreamManagement(), names.leaseBucket(),
        ClusterNames.NODE_KEY_PREFIX + ">")) {
      if (leases.get(key) != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * Opens the cluster bucket only, to read and watch the map (a client).
   *
   * @return the bucket, or null when it does not exist yet (no node has started in this namespace)
   * @throws StoreUnavailableException when the server cannot be reached
   */
  static KeyValue findMapBucket(Connection connection, ClusterNames names) {
    try {
      connection.keyValueManagement().getStatus(names.clusterBucket()); // "stream not found" before any node
      return connection.keyValue(names.clusterBucket());
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == STREAM_NOT_FOUND) {
        return null;
      }
      throw unavailable("open the cluster bucket " + names.clusterBucket(), e);
    } catch (IOException | IllegalStateException e) { // ISE: the connection is closed
      throw unavailable("open the cluster bucket " + names.clusterBucket(), e);
    }
  }

  Connection connection() {
    return connection;
  }

  KeyValue mapBucket() {
    return cluster;
  }

  KeyValue leaseBucket() {
    return leases;
  }

  /** The map entry, or null when the cluster has no map yet. */
  static KeyValueEntry readMap(KeyValue cluster) {
    return get(cluster, ClusterNames.MAP_KEY);
  }

  /** Writes the first map; empty when another node wrote one first. */
  OptionalLong createMap(byte[] map) {
    return create(cluster, ClusterNames.MAP_KEY, map);
  }

  /** Replaces the map read at {@code revision}; empty when it changed since. */
  OptionalLong updateMap(byte[] map, long revision) {
    return update(cluster, ClusterNames.MAP_KEY, map, revision);
  }

  KeyValueEntry readLease(String key) {
    return get(leases, key);
  }

  OptionalLong createLease(String key, byte[] value) {
    return create(leases, key, value);
  }

  OptionalLong updateLease(String key, byte[] value, long revision) {
    return update(leases, key, value, revision);
  }

  /** Deletes a lease when it is still at {@code revision} (a graceful leave; leadership handed back). */
  void deleteLease(String key, long revision) {
    deleteLeaseIf(key, revision);
  }

  /**
   * Deletes a lease when it is still at {@code revision}: a node confirmed dead, a dead leader's key. The watch
   * of every node sees the deletion at once (unlike an expiry, which nats-server 2.9 does not announce).
   *
   * @return whether it was deleted; false when it was written since (renewed: alive) or is gone
   * @throws StoreUnavailableException when the server cannot be reached
   */
  boolean deleteLeaseIf(String key, long revision) {
    try {
      leases.delete(key, revision);
      return true;
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != WRONG_LAST_SEQUENCE) {
        throw unavailable("delete " + key, e);
      }
      return false;
    } catch (IOException | IllegalStateException e) { // ISE: the connection is closed
      throw unavailable("delete " + key, e);
    }
  }

  /**
   * Watches one key of a bucket, or all of them ({@code key} null): the current values first, then
   * {@code caughtUp}, then every change, on the watch's thread ({@link KvWatch}).
   *
   * @param budget how long a start that gets no answer is tried again: {@link KvWatch#DEFAULT_START_BUDGET} when
   *     starting (a replica's server down: about half of the starts get none), {@link Duration#ZERO} (one attempt)
   *     where the caller tries again itself
   * @param what what is watched, for the error
   * @throws StoreUnavailableException when the watch cannot be started
   */
  static KvWatch watch(Connection connection, KeyValue bucket, String key, Consumer<KeyValueEntry> onEntry,
      Runnable caughtUp, Duration budget, String what) {
    KeyValueWatcher watcher = new KeyValueWatcher() {
      @Override
      public void watch(KeyValueEntry entry) {
        onEntry.accept(entry);
      }

      @Override
      public void endOfData() {
        caughtUp.run();
      }
    };
    try {
      return KvWatch.start(connection, bucket.getBucketName(), key, watcher, budget);
    } catch (RuntimeException e) {
      throw new StoreUnavailableException("cannot watch " + what + ": " + e.getMessage(), e);
    }
  }

  /** Stops a watch started by {@link #watch}; null is ignored. */
  static void unwatch(KvWatch watch) {
    if (watch != null) {
      watch.close();
    }
  }

  private static KeyValueEntry get(KeyValue kv, String key) {
    try {
      return kv.get(key);
    } catch (IOException | JetStreamApiException | IllegalStateException e) { // ISE: the connection is closed
      throw unavailable("read " + key, e);
    }
  }

  private static OptionalLong create(KeyValue kv, String key, byte[] value) {
    try {
      return OptionalLong.of(kv.create(key, value));
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
        return OptionalLong.empty();
      }
      throw unavailable("create " + key, e);
    } catch (IOException | IllegalStateException e) {
      throw unavailable("create " + key, e);
    }
  }

  private static OptionalLong update(KeyValue kv, String key, byte[] value, long revision) {
    try {
      return OptionalLong.of(kv.update(key, value, revision));
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
        return OptionalLong.empty();
      }
      throw unavailable("update " + key, e);
    } catch (IOException | IllegalStateException e) {
      throw unavailable("update " + key, e);
    }
  }

  private static StoreUnavailableException unavailable(String what, Exception e) {
    return new StoreUnavailableException("cluster KV: cannot " + what + ": " + e.getMessage(), e);
  }
}
