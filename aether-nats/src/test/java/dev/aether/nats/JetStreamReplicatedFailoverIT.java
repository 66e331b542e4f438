package dev.aether.nats;

import static dev.aether.nats.NatsTestSupport.event;
import static dev.aether.nats.NatsTestSupport.versions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.event.ActorSnapshot;
import dev.aether.store.ReplayResult;
import dev.aether.store.VersionConflictException;
import dev.aether.testkit.nats.NatsCluster;
import dev.aether.testkit.nats.NatsClusterExtension;
import dev.aether.testkit.nats.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replicated streams (3 replicas on a 3-server cluster) on a nats-server with the fix for replicated
 * writes (2.9.21 or newer: {@code ./scripts/test} provides Debian trixie's 2.10.27): two writers never both
 * store a commit after the same one, and reads survive the loss of one server, the stream's leader or not.
 */
@Tag("nats")
class JetStreamReplicatedFailoverIT {

  @RegisterExtension
  static final NatsClusterExtension NATS = NatsClusterExtension.perMethod()
      .withCluster(b -> b.minimumVersion(ServerVersion.REPLICATION_FIX.toString()));

  private static final int ACTORS = 6;
  private static final int COMMITS = 4;
  private static final int ROUNDS = 2;
  /** No read may take longer: the retry budget (twice the 5 s request timeout) plus attempts, with margin. */
  private static final Duration NO_HANG = Duration.ofSeconds(40);

  @Test
  void twoWritersOnDifferentServers_neverBothStoreACommitAfterTheSameOne(NatsCluster cluster) throws Exception {
    String streamId = "contended";
    try (JetStreamEventStore a = store(cluster, 0, "two-writers");
        JetStreamEventStore b = store(cluster, 1, "two-writers");
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (long version = 1; version <= 20; version++) {
        long v = version;
        CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> tryAppend(a, streamId, v), threads);
        CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> tryAppend(b, streamId, v), threads);
        assertThat(List.of(first.join(), second.join())).as("version %d", v).containsOnlyOnce(true);
      }
      ReplayResult replay = a.getEventsWithErrors(streamId, 1);
      assertThat(replay.errors()).isEmpty();
      assertThat(versions(replay.events())).isEqualTo(LongStream.rangeClosed(1, 20).boxed().toList());
    }
  }

  @Test
  void readsSurviveTheLossOfAServerThatIsNeitherTheClientsNorTheLeader(NatsCluster cluster) throws Exception {
    assertReadsSurvive(cluster, false);
  }

  @Test
  void readsSurviveTheLossOfTheStreamsLeader(NatsCluster cluster) throws Exception {
    assertReadsSurvive(cluster, true);
  }

  @Test
  void readModelListingsSurviveTheLossOfAServer(NatsCluster cluster) throws Exception {
    String namespace = "lose-listing";
    String bucket = JetStreamReadModelStore.bucket(config(cluster, 0, namespace));
    int leader;
    try (JetStreamEventStore events = store(cluster, 0, namespace)) {
      JetStreamReadModelStore writer = JetStreamReadModelStore.create(events);
      for (int i = 0; i < 10; i++) {
        writer.put("balances", "row-" + i, Map.of("n", (long) i), "account-" + i, 1);
      }
      writer.remove("balances", "row-3");
      leader = indexOf(cluster, streamLeader(cluster, "KV_" + bucket));
    }
    int client = (leader + 1) % cluster.size();
    int victim = (leader + 2) % cluster.size(); // neither the client's server nor the bucket's leader
    List<String> live = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      if (i != 3) {
        live.add("row-" + i);
      }
    }
    try (JetStreamEventStore events = store(cluster, client, namespace)) {
      JetStreamReadModelStore reader = JetStreamReadModelStore.create(events);
      cluster.server(victim).kill();
      for (int round = 0; round < 20; round++) { // listings through a consumer failed about half of these
        assertThat(timed(() -> reader.rows("balances"))).as("round %d", round).containsOnlyKeys(live);
        assertThat(timed(() -> reader.streams("balances"))).hasSize(10);
      }
    } finally {
      cluster.server(victim).restart();
      cluster.awaitHealthy();
    }
  }

  /** Writes actors with snapshots, kills one server, then replays and reads every actor repeatedly. */
  private static void assertReadsSurvive(NatsCluster cluster, boolean killLeader) throws Exception {
    String namespace = killLeader ? "lose-leader" : "lose-other";
    List<String> actors = new ArrayList<>();
    try (JetStreamEventStore writer = store(cluster, 0, namespace)) {
      for (int i = 0; i < ACTORS; i++) {
        String streamId = "actor-" + i;
        actors.add(streamId);
        for (long v = 1; v <= COMMITS; v++) {
          writer.append(streamId, v - 1, List.of(event(streamId, v)));
        }
        writer.saveSnapshot(new ActorSnapshot(streamId, 2, Map.of("at", 2L), Instant.now(), ""));
      }
    }
    int leader = indexOf(cluster, streamLeader(cluster, StoreLayout.of(config(cluster, 0, namespace)).streamName(0)));
    int client = (leader + 1) % cluster.size();
    int victim = killLeader ? leader : (leader + 2) % cluster.size();
    try (JetStreamEventStore reader = store(cluster, client, namespace)) {
      cluster.server(victim).kill();
      for (int round = 0; round < ROUNDS; round++) {
        for (String streamId : actors) {
          assertThat(timed(() -> versions(reader.getEvents(streamId, 1))))
              .isEqualTo(LongStream.rangeClosed(1, COMMITS).boxed().toList());
          assertThat(timed(() -> reader.getLatestVersion(streamId))).isEqualTo(COMMITS);
          assertThat(timed(() -> reader.getLatestSnapshot(streamId))).hasValueSatisfying(
              snapshot -> assertThat(snapshot.version()).isEqualTo(2));
        }
      }
    } finally {
      cluster.server(victim).restart();
      cluster.awaitHealthy(); // the next test places replicated streams on every server: all must be back
    }
  }

  /** Runs a read and checks that it did not hang (it either answered or failed well within the bound). */
  private static <T> T timed(Supplier<T> read) {
    long start = System.nanoTime();
    try {
      return read.get();
    } finally {
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(NO_HANG);
    }
  }

  private static boolean tryAppend(JetStreamEventStore store, String streamId, long version) {
    try {
      store.append(streamId, version - 1, List.of(event(streamId, version)));
      return true;
    } catch (VersionConflictException e) {
      return false;
    }
  }

  private static JetStreamConfig config(NatsCluster cluster, int server, String namespace) {
    return JetStreamConfig.builder().servers(cluster.server(server).url()).namespace(namespace).replicas(3).build();
  }

  private static JetStreamEventStore store(NatsCluster cluster, int server, String namespace) {
    return JetStreamEventStore.connect(config(cluster, server, namespace));
  }

  private static String streamLeader(NatsCluster cluster, String stream) throws Exception {
    try (Connection raw = Nats.connect(new Options.Builder().servers(cluster.urls().toArray(String[]::new))
        .build())) {
      return raw.jetStreamManagement().getStreamInfo(stream).getClusterInfo().getLeader();
    }
  }

  private static int indexOf(NatsCluster cluster, String serverName) {
    List<NatsServer> servers = cluster.servers();
    for (int i = 0; i < servers.size(); i++) {
      if (servers.get(i).name().equals(serverName)) {
        return i;
      }
    }
    throw new IllegalStateException("no server named " + serverName + " in " + cluster);
  }
}
