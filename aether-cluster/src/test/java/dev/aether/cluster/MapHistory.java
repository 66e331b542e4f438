package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.nats.JetStreamConfig;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Every shard map the cluster wrote while this watched its KV key (the bucket keeps only the latest, so the run's
 * history has to be watched as it happens), with the check that map epochs strictly increase and that one epoch
 * never had two maps (so one owner per shard per epoch). A watch that resumes after a reconnect may deliver a
 * revision again: revisions are de-duplicated. Thread-safe (the watch thread appends to a concurrent queue).
 */
final class MapHistory implements AutoCloseable {

  /** One map as written: its KV revision, epoch and owner of every shard ({@code ""} for none). */
  record Seen(long revision, long epoch, List<String> owners) {}

  private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
  private final NatsKeyValueWatchSubscription watch;

  /**
   * Starts watching and returns once the watch delivered what the key held (a map written after this returns is
   * seen); the cluster's buckets must exist (start it after the first node).
   */
  MapHistory(Connection connection, JetStreamConfig store) {
    CountDownLatch started = new CountDownLatch(1);
    try {
      KeyValue kv = connection.keyValue(ClusterNames.of(store).clusterBucket());
      watch = kv.watch(ClusterNames.MAP_KEY, new KeyValueWatcher() {
        @Override
        public void watch(KeyValueEntry entry) {
          if (entry.getOperation() == KeyValueOperation.PUT) {
            ShardMap map = ShardMap.decode(entry.getValue());
            seen.add(new Seen(entry.getRevision(), map.epoch(), IntStream.range(0, map.shards().count())
                .mapToObj(s -> map.owner(s).orElse("")).toList()));
          }
        }

        @Override
        public void endOfData() {
          started.countDown();
        }
      });
      if (!started.await(10, TimeUnit.SECONDS)) {
        watch.unsubscribe();
        throw new IllegalStateException("the shard map's watch did not start within 10 s");
      }
    } catch (IOException | JetStreamApiException e) {
      throw new IllegalStateException("cannot watch the shard map: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** @return the distinct maps seen, by revision */
  List<Seen> maps() {
    TreeMap<Long, Seen> byRevision = new TreeMap<>();
    seen.forEach(s -> byRevision.putIfAbsent(s.revision(), s));
    return new ArrayList<>(byRevision.values());
  }

  /** Asserts that epochs strictly increased with every map written and that no epoch had two different maps. */
  void check(int atLeast) {
    List<Seen> maps = maps();
    assertThat(maps).as("shard maps seen").hasSizeGreaterThanOrEqualTo(atLeast);
    Map<Long, List<String>> ownersByEpoch = new HashMap<>();
    for (int i = 0; i < maps.size(); i++) {
      Seen map = maps.get(i);
      if (i > 0) {
        assertThat(map.epoch()).as("epoch of map revision %d after revision %d", map.revision(),
            maps.get(i - 1).revision()).isGreaterThan(maps.get(i - 1).epoch());
      }
      List<String> before = ownersByEpoch.putIfAbsent(map.epoch(), map.owners());
      assertThat(before == null || before.equals(map.owners())).as("one owner per shard in epoch %d", map.epoch())
          .isTrue();
    }
  }

  @Override
  public void close() {
    try {
      watch.unsubscribe();
    } catch (RuntimeException e) {
      // the connection is gone already
    }
  }
}
