package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsServerExtension;
import io.nats.client.KeyValue;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fault suite, nats-server restart: three in-JVM nodes under the bank load while their one nats-server is
 * restarted on the same ports and store directory. Meanwhile commands get transient outcomes (clients resend
 * them with the same id), writes resume once the connections are back, nothing acknowledged is lost, and the
 * log read straight from JetStream keeps every invariant.
 */
@Tag("nats")
class NatsServerRestartIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.perMethod();

  private ClusterFixture cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void serverRestartedUnderLoad_writesResume_nothingAcknowledgedLost(NatsServer server) throws Exception {
    cluster = new ClusterFixture(server.url());
    cluster.start("n1");
    MapHistory maps = cluster.watchMaps();
    cluster.start("n2");
    cluster.start("n3");
    cluster.awaitSettled("n1", "n2", "n3");
    BankWorkload bank = new BankWorkload("restart", 40, cluster::anyGateway).resendFor(Duration.ofSeconds(60));
    bank.openAccounts();
    bank.startTransfers(4);
    bank.awaitMoreCompleted(200);

    server.restart(); // SIGTERM, then the same ports, name and store directory

    bank.awaitMoreCompleted(300);
    cluster.awaitSettled("n1", "n2", "n3");
    bank.awaitMoreCompleted(100);
    bank.stopTransfers();
    System.out.println("NatsServerRestartIT: " + bank.summary() + ", " + maps.maps().size() + " maps");
    bank.verify(cluster.connect(), cluster.store, maps, false);
  }

  @Test
  void aLeaderKeyItsLiveHolderNoLongerLeadsBy_isTakenBack_andALeaveIsHandedOff(NatsServer server) throws Exception {
    // found by CI after NATS was frozen: the leader's renewal of the key, held up by the server, landed after its
    // resignation's delete had been refused; the key named the live node, which no longer led, and no node takes
    // a live node's key: nobody planned, and a leave waited its whole timeout (30 s). Here the key's revision is
    // moved behind the leader's back, with the same content: its next renewal fails, as then.
    cluster = new ClusterFixture(server.url());
    cluster.start("n1");
    cluster.start("n2");
    cluster.awaitSettled("n1", "n2");
    ClusterNode leader = cluster.running().stream().filter(ClusterNode::isLeader).findFirst().orElseThrow();
    KeyValue leases = cluster.connect().keyValue(ClusterNames.of(cluster.store).leaseBucket());
    leases.put(ClusterNames.LEADER_KEY, leases.get(ClusterNames.LEADER_KEY).getValue());
    await().atMost(Duration.ofSeconds(5)).until(() -> !leader.isLeader()); // its renewal of the key was refused

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(cluster.running())
        .as("one node leads again").filteredOn(ClusterNode::isLeader).hasSize(1));
    ClusterNode leaving = cluster.running().stream().filter(n -> !n.isLeader()).findFirst().orElseThrow();
    String left = leaving.nodeId();
    leaving.close();
    cluster.forget(left);
    assertThat(cluster.running().getFirst().map().orElseThrow().shardsOf(left)).as("handed off").isEmpty();
  }

  @Test
  void afterAServerRestart_everyNodeSeesTheOthersAliveAtOnce_andNoneIsDeclaredDead(NatsServer server)
      throws Exception {
    // found by an operator's drill: the watches' consumers died with the server and jnats noticed only after three
    // missed heartbeats, every node shown dead for 15-22 s; and the first node back declared the others dead
    cluster = new ClusterFixture(server.url());
    cluster.start("n1");
    cluster.start("n2");
    cluster.start("n3");
    cluster.awaitSettled("n1", "n2", "n3");
    Map<String, String> incarnations = new TreeMap<>();
    cluster.node("n1").status().nodes().forEach(n -> incarnations.put(n.id(), n.incarnation()));

    server.restart();
    cluster.awaitConnected(); // each jnats client reconnects on its own schedule (the fixture's: every 2 s)

    await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(100)).untilAsserted(this::allSeenAlive);
    // and they stay so (before, from dead-after on for 15-22 s)
    await().during(Duration.ofSeconds(6)).atMost(Duration.ofMillis(6_500)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(this::allSeenAlive);
    for (String id : incarnations.keySet()) {
      Map<String, String> seen = new TreeMap<>();
      cluster.node(id).status().nodes().forEach(n -> seen.put(n.id(), n.incarnation()));
      assertThat(seen).as("no node lost its lease and joined again, as %s sees them", id).isEqualTo(incarnations);
    }
  }

  @Test
  void aLeaseOutageLongerThanTheLeasesLast_takesNoNodeForDead_andMovesNoShard(NatsServer server) throws Exception {
    // found by killing the server that led a replicated lease bucket: its election (4-9 s) outlasted the bucket's
    // max age (two dead-after times), every lease had expired when writes resumed, and the first node to renew
    // joined again, led, and moved every other node's shards to itself cold. A frozen server is that outage
    // without a reconnect: the connections stay open and every key has expired when it runs again.
    cluster = new ClusterFixture(server.url());
    cluster.startSettled("n1", "n2", "n3");
    long epoch = cluster.node("n1").map().orElseThrow().epoch();

    server.freeze();
    try { // every node stops serving once its own lease is stale, and the outage lasts past the leases' max age
      await().during(Duration.ofMillis(3_500)).atMost(Duration.ofSeconds(10)).until(() -> cluster.running().stream()
          .noneMatch(n -> n.allows(ClusterFixture.account("outage-0"))));
    } finally {
      server.thaw();
    }

    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(this::allSeenAlive);
    cluster.awaitSettled("n1", "n2", "n3");
    for (ClusterNode node : cluster.running()) {
      assertThat(node.map().orElseThrow().epoch()).as("the map %s sees: no shard moved", node.nodeId())
          .isEqualTo(epoch);
    }
    assertThat(cluster.node("n1").gateway().sendMessage(ClusterFixture.openAccount("outage-1")).join().isAccepted())
        .isTrue();
  }

  @Test
  void whileTheServerIsDown_aCommandIsAnsweredStoreUnavailableAtOnce_nothingApplied(NatsServer server) {
    // found by an operator's drill: a cluster node answered 504 "may have been applied" after the whole timeout
    cluster = new ClusterFixture(server.url());
    cluster.start("n1");
    cluster.awaitSettled("n1");
    var gateway = cluster.node("n1").gateway();
    assertThat(gateway.sendMessage(dev.aether.runtime.RuntimeMessage.of("Account", "down-1", "Open",
        Map.of("owner", "ann"))).join().isAccepted()).isTrue();
    server.stop();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> cluster.connectionsDown("n1"));
      long start = System.nanoTime();
      var answer = gateway.sendMessage(dev.aether.runtime.RuntimeMessage.of("Account", "down-1", "Deposit",
          Map.of("amount", 5)).withDeadline(java.time.Instant.now().plusSeconds(10))).join();
      long tookMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(answer).isInstanceOfSatisfying(dev.aether.runtime.CommandResult.Rejected.class, r -> {
        assertThat(r.reason()).isEqualTo(dev.aether.runtime.RejectionReason.STORE_UNAVAILABLE);
        assertThat(r.message()).contains("nothing applied");
      });
      assertThat(tookMillis).as("at once, not at the deadline").isLessThan(5_000);
    } finally {
      server.start();
    }
  }

  private void allSeenAlive() {
    for (ClusterNode node : cluster.running()) {
      assertThat(node.status().nodes()).as("as %s sees them", node.nodeId())
          .allSatisfy(n -> assertThat(n.alive()).as(n.id()).isTrue());
    }
  }
}
