package dev.aether.nats;

import static dev.aether.nats.NatsTestSupport.rawConnection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import dev.aether.InvalidInputException;
import dev.aether.store.StoreUnavailableException;
import dev.aether.testkit.nats.NatsServer;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link KvWatch} and {@link KvKeys} on a real server (one server: their point, a replica's server down, is
 * tested on a 3-server cluster by {@code JetStreamReplicatedFailoverIT} and aether-cluster's
 * {@code ReplicatedNatsLossIT}).
 */
@Tag("nats")
class KvWatchIT {

  private static NatsServer server;
  private static Connection connection;

  @BeforeAll
  static void start() throws Exception {
    server = NatsServer.builder().start();
    connection = rawConnection(server);
  }

  @AfterAll
  static void stop() throws Exception {
    connection.close();
    server.close();
  }

  @Test
  void aWatchOfEveryKey_deliversTheCurrentValuesThenTheEndOfDataThenEveryChange_untilClosed() throws Exception {
    KeyValue kv = bucket("watch-all");
    kv.put("a", "1".getBytes());
    kv.put("b", "2".getBytes());
    kv.put("a", "3".getBytes());
    Recorder recorder = new Recorder();
    try (KvWatch watch = KvWatch.start(connection, "watch-all", null, recorder, Duration.ofSeconds(5))) {
      await().atMost(Duration.ofSeconds(5)).until(() -> recorder.endOfData.get() == 1);
      assertThat(recorder.seen()).as("the last value of each key, before the end of data").containsExactly("b=2", "a=3");
      kv.put("c", "4".getBytes());
      kv.delete("b");
      await().atMost(Duration.ofSeconds(5)).until(() -> recorder.seen().size() == 4);
      assertThat(recorder.seen()).containsExactly("b=2", "a=3", "c=4", "b DELETE");
      assertThat(recorder.endOfData).hasValue(1);
      watch.close();
      kv.put("d", "5".getBytes());
      // a change after close is not delivered: the put above was acknowledged, so a delivery would be under way
      await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> recorder.seen().size() == 4);
    }
  }

  @Test
  void aWatchOfOneKey_seesOnlyThatKey_andAnEmptyBucketEndsItsDataAtOnce() throws Exception {
    KeyValue kv = bucket("watch-one");
    Recorder recorder = new Recorder();
    try (KvWatch watch = KvWatch.start(connection, "watch-one", "map", recorder, Duration.ofSeconds(5))) {
      await().atMost(Duration.ofSeconds(5)).until(() -> recorder.endOfData.get() == 1);
      assertThat(recorder.seen()).isEmpty();
      kv.put("other", "x".getBytes());
      kv.put("map", "m1".getBytes());
      await().atMost(Duration.ofSeconds(5)).until(() -> recorder.seen().size() == 1);
      assertThat(recorder.seen()).containsExactly("map=m1");
      assertThat(recorder.endOfData).hasValue(1);
    }
  }

  /**
   * A consumer the server lost (deleted here; a killed server or an expired consumer of a frozen one in
   * production) sends no more heartbeats: the watch makes a new one from the last revision it delivered within a
   * few heartbeats (with jnats' default heartbeat, not before 15 s), and misses no change and repeats none.
   */
  @Test
  void aWatchWhoseConsumerTheServerLost_deliversAgainSoon_fromWhereItWas() throws Exception {
    KeyValue kv = bucket("lost");
    kv.put("a", "1".getBytes());
    Recorder recorder = new Recorder();
    try (KvWatch watch = KvWatch.start(connection, "lost", null, recorder, Duration.ofSeconds(5))) {
      await().atMost(Duration.ofSeconds(5)).until(() -> recorder.seen().size() == 1);
      var management = connection.jetStreamManagement();
      // one consumer: a first attempt that timed out on a loaded machine may leave one for a moment
      await().atMost(Duration.ofSeconds(10)).until(() -> management.getConsumerNames("KV_lost").size() == 1);
      String lost = management.getConsumerNames("KV_lost").get(0);
      management.deleteConsumer("KV_lost", lost);
      kv.put("a", "2".getBytes());
      kv.put("b", "3".getBytes());
      // 3-6 s by the watch's heartbeat, plus a new consumer's request; jnats' default heartbeat takes 15 s or more
      await().atMost(Duration.ofSeconds(14)).until(() -> recorder.seen().size() >= 3);
      assertThat(recorder.seen()).containsExactly("a=1", "a=2", "b=3");
      assertThat(management.getConsumerNames("KV_lost")).as("the new consumer").doesNotContain(lost);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(management.getConsumerNames("KV_lost")).as("the new consumer alone").hasSize(1));
    }
  }

  @Test
  void aWatchOfAMissingBucket_isRefusedAtOnce_namingIt_andBadArgumentsAreNamed() throws Exception {
    Recorder recorder = new Recorder();
    assertThatExceptionOfType(JetStreamStoreException.class)
        .isThrownBy(() -> KvWatch.start(connection, "no-such-bucket", null, recorder, Duration.ofSeconds(30)))
        .withMessageContaining("no-such-bucket");
    assertThatExceptionOfType(InvalidInputException.class)
        .isThrownBy(() -> KvWatch.start(connection, " ", null, recorder, Duration.ofSeconds(1)))
        .withMessageContaining("bucket");
    assertThatExceptionOfType(InvalidInputException.class)
        .isThrownBy(() -> KvWatch.start(connection, "b", "", recorder, Duration.ofSeconds(1)))
        .withMessageContaining("key");
    assertThatExceptionOfType(InvalidInputException.class)
        .isThrownBy(() -> KvWatch.start(connection, "b", null, null, Duration.ofSeconds(1)))
        .withMessageContaining("watcher");
    assertThatExceptionOfType(InvalidInputException.class)
        .isThrownBy(() -> KvWatch.start(connection, "bad name", null, recorder, Duration.ofSeconds(1)))
        .withMessageContaining("bucket");
    bucket("keys");
    long start = System.nanoTime();
    assertThatExceptionOfType(InvalidInputException.class)
        .isThrownBy(() -> KvWatch.start(connection, "keys", "a b", recorder, Duration.ofSeconds(30)))
        .withMessageContaining("key");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused, not tried again for the budget")
        .isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aWatchOnAClosedConnection_failsAtOnce() throws Exception {
    bucket("closed");
    Connection closed = rawConnection(server);
    closed.close();
    long start = System.nanoTime();
    assertThatExceptionOfType(StoreUnavailableException.class)
        .isThrownBy(() -> KvWatch.start(closed, "closed", null, new Recorder(), Duration.ofSeconds(30)))
        .withMessageContaining("closed");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not tried again for the budget")
        .isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void keysAreListedSortedByFilter_deletedOnesIncluded() throws Exception {
    KeyValue kv = bucket("listing");
    kv.put("rm.row.b", "1".getBytes());
    kv.put("rm.row.a", "1".getBytes());
    kv.put("rm.cp.x", "1".getBytes());
    kv.put("rm.row.c", "1".getBytes());
    kv.delete("rm.row.c");
    assertThat(KvKeys.list(connection.jetStreamManagement(), "listing", "rm.row.>"))
        .containsExactly("rm.row.a", "rm.row.b", "rm.row.c");
    assertThat(KvKeys.list(connection.jetStreamManagement(), "listing", ">")).hasSize(4);
    assertThat(KvKeys.list(connection.jetStreamManagement(), "listing", "none.>")).isEmpty();
    assertThatExceptionOfType(JetStreamStoreException.class)
        .isThrownBy(() -> KvKeys.list(connection.jetStreamManagement(), "no-such-bucket", ">"))
        .withMessageContaining("no-such-bucket");
  }

  private static KeyValue bucket(String name) throws Exception {
    connection.keyValueManagement().create(KeyValueConfiguration.builder().name(name).build());
    return connection.keyValue(name);
  }

  /** Records each entry as {@code key=value} or {@code key OPERATION}, and how often the end of data came. */
  private static final class Recorder implements KeyValueWatcher {
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger endOfData = new AtomicInteger();

    @Override
    public void watch(KeyValueEntry entry) {
      seen.add(entry.getOperation() == KeyValueOperation.PUT ? entry.getKey() + "=" + entry.getValueAsString()
          : entry.getKey() + " " + entry.getOperation());
    }

    @Override
    public void endOfData() {
      endOfData.incrementAndGet();
    }

    List<String> seen() {
      return List.copyOf(seen);
    }
  }
}
