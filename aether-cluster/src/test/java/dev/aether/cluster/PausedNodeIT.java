package dev.aether.cluster;

import static dev.aether.cluster.ClusterFixture.openAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.event.ActorSnapshot;
import dev.aether.event.Event;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.VirtualMachine;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.nats.client.KeyValue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node frozen (as by SIGSTOP or a long GC pause: no renewals, no answers, no map updates seen) while it owns
 * an active actor, with the default lease timings: the others find it dead after {@code deadAfter}, its shards
 * move and the actor goes on at its new owner, which ends the frozen node's incarnation. When the node thaws it
 * believes for a moment it still owns the actor; it joins again as a new incarnation, learns the new map, drops
 * the stale actor, and nothing it held in memory is written over the newer history (the stale actor's snapshot
 * on its stop is older than the stored one and refused).
 */
@NatsTest
class PausedNodeIT {

  private ClusterFixture cluster;

  @BeforeEach
  void cluster(NatsServer server) {
    cluster = new ClusterFixture(server.url());
    cluster.startSettled("n1", "n2", "n3");
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  private static RuntimeMessage deposit(String account) {
    return RuntimeMessage.builder("Account", account, "Deposit").payload(Map.of("amount", 1))
        .deadline(Instant.now().plusSeconds(30)).build();
  }

  @Test
  void aThawedNode_rejoinsAsANewIncarnation_dropsItsStaleActor_andWritesNothingOverTheNewerHistory()
      throws Exception {
    String leader = cluster.node("n1").status().leader();
    String paused = leader.equals("n3") ? "n2" : "n3";
    String sender = leader.equals("n1") ? (paused.equals("n2") ? "n3" : "n2") : "n1";
    ClusterNode frozen = cluster.node(paused);
    ShardMap map = frozen.map().orElseThrow();
    String account = null;
    for (int i = 0; account == null; i++) {
      if (paused.equals(map.ownerOf("Account/pause-" + i).orElseThrow())) {
        account = "pause-" + i;
      }
    }
    ActorKey key = ActorKey.of("Account", account);
    assertThat(cluster.node(sender).gateway().sendMessage(openAccount(account)).join()).isInstanceOf(Accepted.class);
    long staleVersion = ((Accepted) cluster.node(sender).gateway().sendMessage(deposit(account)).join()).newVersion();
    assertThat(frozen.runtime().getActiveVMs()).containsKey(key);
    String incarnation = frozen.incarnation();

    ClusterFaults.freeze(frozen);
    long newVersion = staleVersion;
    for (int i = 0; i < 5; i++) { // the first waits until the frozen owner is found dead and its shards moved
      newVersion = ((Accepted) cluster.node(sender).gateway().sendMessage(deposit(account)).join()).newVersion();
    }
    assertThat(newVersion).isEqualTo(staleVersion + 5);
    String newOwner = cluster.node(sender).map().orElseThrow().ownerOf(key.streamId()).orElseThrow();
    assertThat(newOwner).isNotEqualTo(paused);
    KeyValue leases = cluster.connect().keyValue(ClusterNames.of(cluster.store).leaseBucket());
    await().atMost(Duration.ofSeconds(20)).until(() -> leases.get(ClusterNames.nodeKey(paused)) == null);
    cluster.node(newOwner).runtime().stopVM(key).join(); // writes the snapshot of the newest version
    JetStreamEventStore store = cluster.reader();
    assertThat(store.getLatestSnapshot(key.streamId())).map(ActorSnapshot::version).contains(newVersion);
    assertThat(frozen.runtime().getActiveVMs()).as("still held by the frozen node").containsKey(key);

    ClusterFaults.thaw(frozen);

    await().atMost(Duration.ofSeconds(20)).until(() -> !frozen.incarnation().equals(incarnation));
    // the stale actor is dropped and the thawed node follows the current map; as a rejoining node it may be
    // given the shard back meanwhile (then its actor is a new activation, at the newest version)
    long newest = newVersion;
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      VirtualMachine vm = frozen.runtime().getActiveVMs().get(key);
      ShardMap thawedMap = frozen.map().orElseThrow();
      ShardMap current = cluster.node(sender).map().orElseThrow();
      return (vm == null || vm.getVersion() >= newest) && thawedMap.epoch() == current.epoch()
          && thawedMap.ownerOf(key.streamId()).equals(current.ownerOf(key.streamId()));
    });
    assertThat(store.getLatestSnapshot(key.streamId())).map(ActorSnapshot::version)
        .as("the stale actor's snapshot of v%d was not written over v%d", staleVersion, newVersion)
        .contains(newVersion);
    assertThat(cluster.node(sender).gateway().sendMessage(deposit(account)).join()).isInstanceOf(Accepted.class);
    List<Event> log = store.getEvents(key.streamId(), 1);
    assertThat(log.stream().map(Event::version).toList()).containsExactlyElementsOf(
        LongStream.rangeClosed(1, newVersion + 1).boxed().toList());
  }
  /**
   * Every node paused past the leases' max age (a suspended host; for the nodes the same as a lease bucket that
   * cannot be written that long, as when it elects a leader) and let run again one after the other: the first one
   * back finds every lease expired, the others' too. It must give them their time to renew: before, it led alone
   * and moved every shard of theirs to itself cold, then back as they came.
   */
  @Test
  void everyNodePausedPastTheLeasesMaxAge_thenLetRunOneByOne_noNodeIsTakenForDead_andNoShardMoves()
      throws Exception {
    long epoch = cluster.node("n1").map().orElseThrow().epoch();
    KeyValue leases = cluster.connect().keyValue(ClusterNames.of(cluster.store).leaseBucket());
    cluster.running().forEach(ClusterFaults::freeze);
    await().atMost(Duration.ofSeconds(10)).until(() -> leases.get(ClusterNames.nodeKey("n1")) == null
        && leases.get(ClusterNames.nodeKey("n2")) == null && leases.get(ClusterNames.nodeKey("n3")) == null);

    ClusterFaults.thaw(cluster.node("n3"));
    await().atMost(Duration.ofSeconds(5)).until(() -> leases.get(ClusterNames.nodeKey("n3")) != null);
    // alone for a while: it renews, may lead, but moves nothing
    await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(3))
        .until(() -> cluster.node("n3").map().orElseThrow().epoch() == epoch);
    ClusterFaults.thaw(cluster.node("n1"));
    ClusterFaults.thaw(cluster.node("n2"));

    cluster.awaitSettled("n1", "n2", "n3");
    for (ClusterNode node : cluster.running()) {
      assertThat(node.map().orElseThrow().epoch()).as("the map %s sees: no shard moved", node.nodeId())
          .isEqualTo(epoch);
      assertThat(node.status().nodes()).as("as %s sees them", node.nodeId()).hasSize(3)
          .allSatisfy(n -> assertThat(n.alive()).as(n.id()).isTrue());
    }
  }
}
