package dev.aether.cluster;

import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.KvKeys;
import dev.aether.nats.PlacementRetry;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.Runtime;
import dev.aether.store.StoreUnavailableException;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembered actors (opt-in per aggregate type, {@link ClusterConfig#rememberActors()}): the owner records the
 * active actors of those types in the KV bucket {@code <prefix>_<ns>_REMEMBER}, key {@code s<shard>.<base64url
 * of the stream id>}, value the stream id, written rarely: when it first sees one active, and deleted when one
 * was passivated while the node still owns its shard (an actor that left with its shard, by a handoff, a crash
 * or the node's leave, stays recorded for its next owner). A node that gains shards (a new map, its first map
 * after a start) activates the recorded actors of those shards, {@code warmupConcurrency} at a time, without
 * waiting for a message: after a crash and after a full cluster restart.
 *
 * <p>The runtime has no activation callback: {@link #sync()} compares the active actors with what was recorded,
 * once a second (only when some type is remembered). Thread-safe: {@link #sync()} on one thread,
 * {@link #activate} on others.
 */
final class RememberedActors {

  private static final Logger LOG = LoggerFactory.getLogger(RememberedActors.class);
  private static final Base64.Encoder KEY = Base64.getUrlEncoder().withoutPadding();
  /** How long after a gain its remembered actors may still start (a store that does not answer ends it). */
  private static final Duration BUDGET = Duration.ofMinutes(10);

  private final KeyValue bucket;
  private final JetStreamManagement jsm;
  private final Set<String> types;
  private final Runtime runtime;
  private final IntPredicate owns;
  private final MapView maps;
  private final BackgroundActivations activations;
  private final Set<String> recorded = new HashSet<>();

  private RememberedActors(KeyValue bucket, JetStreamManagement jsm, Set<String> types, Runtime runtime,
      IntPredicate owns, MapView maps, BackgroundActivations activations) {
    this.bucket = bucket;
    this.jsm = jsm;
    this.types = types;
    this.runtime = runtime;
    this.owns = owns;
    this.maps = maps;
    this.activations = activations;
  }

  /**
   * Opens (or creates) the bucket.
   *
   * @param owns whether this node owns a shard now (and serves it)
   * @throws StoreUnavailableException when the server cannot be reached
   */
  static RememberedActors open(Connection connection, JetStreamConfig store, ClusterNames names, ClusterConfig config,
      Runtime runtime, IntPredicate owns, MapView maps, BackgroundActivations activations) {
    try {
      PlacementRetry.ensureBucket(connection.keyValueManagement(), KeyValueConfiguration.builder()
          .name(names.rememberBucket()).description("Aether cluster: remembered actors").maxHistoryPerKey(1)
          .storageType(store.storage() == JetStreamConfig.Storage.MEMORY ? StorageType.Memory : StorageType.File)
          .replicas(store.replicas()).build(), PlacementRetry.budget(store.requestTimeout()));
      return new RememberedActors(connection.keyValue(names.rememberBucket()), connection.jetStreamManagement(),
          config.rememberActors(), runtime, owns, maps, activations);
    } catch (IOException | JetStreamApiException e) {
      throw new StoreUnavailableException("cannot open the bucket " + names.rememberBucket() + ": " + e.getMessage(),
          e);
    }
  }

  static String key(int shard, String streamId) {
    return "s" + shard + "." + KEY.encodeToString(streamId.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Records the remembered actors active now that were not recorded, and forgets those that are no longer
   * active although this node still owns their shard (passivated).
   */
  void sync() {
    ShardMap map = maps.map();
    if (map == null) {
      return;
    }
    Set<String> active = new HashSet<>();
    for (ActorKey key : runtime.registry().snapshot().keySet()) {
      if (types.contains(key.aggregateType())) {
        active.add(key.streamId());
      }
    }
    try {
      for (String stream : active) {
        if (!recorded.contains(stream)) {
          bucket.put(key(map.shards().shardOf(stream), stream), stream.getBytes(StandardCharsets.UTF_8));
          recorded.add(stream);
        }
      }
      for (String stream : new ArrayList<>(recorded)) {
        if (!active.contains(stream)) {
          int shard = map.shards().shardOf(stream);
          if (owns.test(shard)) { // passivated here: forget it; moved away with its shard: its next owner keeps it
            bucket.delete(key(shard, stream));
          }
          recorded.remove(stream);
        }
      }
    } catch (IOException | JetStreamApiException e) {
      LOG.debug("cluster: cannot record remembered actors (next time): {}", e.getMessage());
    }
  }

  /**
   * Activates the remembered actors of shards this node just gained among the node's background activations
   * ({@link BackgroundActivations}: {@code warmupConcurrency} at a time with the warm-ups), each only while this
   * node still owns its shard. Runs on the caller's thread until the last one has started.
   *
   * @param gained the shards this node owns now and did not before
   */
  void activate(Set<Integer> gained) {
    if (gained.isEmpty()) {
      return;
    }
    List<String> streams = new ArrayList<>();
    try { // listed without a consumer (KvKeys), the deleted keys then left out by a read of each
      for (String key : KvKeys.list(jsm, bucket.getBucketName(), ">")) {
        int dot = key.indexOf('.');
        if (key.startsWith("s") && dot > 1 && gained.contains(Integer.parseInt(key.substring(1, dot)))
            && bucket.get(key) != null) {
          streams.add(new String(Base64.getUrlDecoder().decode(key.substring(dot + 1)), StandardCharsets.UTF_8));
        }
      }
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      if (!Thread.currentThread().isInterrupted()) { // else the node is stopping: nothing to say
        LOG.warn("cluster: cannot list the remembered actors of {} gained shards: {}", gained.size(), e.toString());
      }
      return;
    }
    Map<String, CompletableFuture<?>> started;
    try { // each only while this node owns its shard
      started = activations.start(streams, System.nanoTime() + BUDGET.toNanos(), stream -> {
        ShardMap map = maps.map();
        return map != null && owns.test(map.shards().shardOf(stream));
      });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    started.forEach((stream, activation) -> activation.whenComplete((vm, failure) -> {
      if (failure != null) {
        LOG.info("cluster: cannot activate the remembered actor {}: {}", stream, failure.toString());
      }
    }));
    if (!started.isEmpty()) {
      LOG.info("cluster: activating {} remembered actors of {} gained shards", started.size(), gained.size());
    }
    if (started.size() < streams.size()) {
      LOG.info("cluster: {} remembered actors of the gained shards were not activated (their shards left again, or"
          + " none started within {})", streams.size() - started.size(), BUDGET);
    }
  }
}
