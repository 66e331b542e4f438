package dev.aether.cluster;

import static dev.aether.cluster.ClusterFixture.openAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.cluster.FailureDetector.Verdict;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.nats.client.KeyValue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fast failure detection and leader failover, with a {@code deadAfter} of one minute (the lease bucket then
 * keeps keys two minutes): whatever these tests see happen within their 20 s bounds happened long before any
 * node could have been judged dead by missed renewals, or a leader key could have expired. A crashed node
 * (its subscriptions gone, as after kill -9) is confirmed by the probe and its lease deleted; a frozen one
 * (its subscriptions kept, as after SIGSTOP) is not, whatever a probe that times out says.
 */
@NatsTest
class FailoverIT {

  /** Lease timings under which only the fast paths can act within the tests' bounds. */
  private static final UnaryOperator<ClusterConfig.Builder> SLOW_EXPIRY =
      b -> b.leaseInterval(Duration.ofMillis(500)).deadAfter(Duration.ofSeconds(60));
  private static final Duration BOUND = Duration.ofSeconds(20);

  private ClusterFixture cluster;

  @BeforeEach
  void cluster(NatsServer server) {
    cluster = new ClusterFixture(server.url());
    cluster.start("n1", SLOW_EXPIRY);
    cluster.start("n2", SLOW_EXPIRY);
    cluster.start("n3", SLOW_EXPIRY);
    cluster.awaitSettled("n1", "n2", "n3");
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  private static RuntimeMessage deposit(String account, long amount, Duration within) {
    return RuntimeMessage.builder("Account", account, "Deposit").payload(Map.of("amount", amount))
        .deadline(Instant.now().plus(within)).build();
  }

  private ClusterNode any(String except) {
    return cluster.running().stream().filter(n -> !n.nodeId().equals(except)).findFirst().orElseThrow();
  }

  /** An account whose shard the node owns now, opened. */
  private String accountOwnedBy(String node) {
    ShardMap map = cluster.node(node).map().orElseThrow();
    for (int i = 0; ; i++) {
      String account = "fo-" + node + "-" + i;
      if (node.equals(map.ownerOf("Account/" + account).orElseThrow())) {
        assertThat(any(node).gateway().sendMessage(openAccount(account)).join()).isInstanceOf(Accepted.class);
        return account;
      }
    }
  }

  private String nonLeader() {
    String leader = cluster.node("n1").status().leader();
    return leader.equals("n3") ? "n2" : "n3";
  }

  private KeyValue leases() throws Exception {
    return cluster.connect().keyValue(ClusterNames.of(cluster.store).leaseBucket());
  }

  private ClusterNode crash(String id) {
    ClusterNode node = cluster.node(id);
    cluster.forget(id);
    node.crash();
    return node;
  }

  @Test
  void aCrashedOwner_isConfirmedDead_andACommandForItsActor_isAcceptedByASurvivor_longBeforeDeadAfter()
      throws Exception {
    String victim = nonLeader();
    String account = accountOwnedBy(victim);
    crash(victim);
    ClusterNode sender = cluster.running().get(0);

    CommandResult result = sender.gateway().sendMessage(deposit(account, 5, BOUND)).join();

    assertThat(result).isInstanceOf(Accepted.class); // 20 s deadline, a 60 s deadAfter: only the probe moved it
    assertThat(sender.map().orElseThrow().ownerOf("Account/" + account).orElseThrow()).isNotEqualTo(victim);
    assertThat(leases().get(ClusterNames.nodeKey(victim))).as("the dead node's lease, deleted").isNull();
    assertThat(sender.status().nodes()).noneMatch(n -> n.id().equals(victim) && n.alive());
  }

  @Test
  void aCrashedNodeWithoutTraffic_isProbedOnceItsRenewalsAreLate_andLosesItsShards() {
    String victim = nonLeader();
    crash(victim);
    ClusterNode survivor = cluster.running().get(0);
    await().atMost(BOUND).pollInterval(Duration.ofMillis(20))
        .until(() -> survivor.map().orElseThrow().shardsOf(victim).isEmpty());
    List<String> left = cluster.running().stream().map(ClusterNode::nodeId).toList();
    cluster.awaitSettled(left.toArray(String[]::new));
  }

  @Test
  void aCrashedLeader_isReplaced_beforeItsLeaderKeyCouldExpire() throws Exception {
    String leader = cluster.node("n1").status().leader();
    String account = accountOwnedBy(leader);
    crash(leader);
    List<String> survivors = cluster.running().stream().map(ClusterNode::nodeId).toList();

    await().atMost(BOUND).pollInterval(Duration.ofMillis(20)).until(() -> cluster.running().stream()
        .anyMatch(ClusterNode::isLeader));

    String newLeader = cluster.running().stream().filter(ClusterNode::isLeader).findFirst().orElseThrow().nodeId();
    assertThat(newLeader).isIn(survivors);
    assertThat(new String(leases().get(ClusterNames.LEADER_KEY).getValue())).contains("\"" + newLeader + "\"");
    cluster.awaitSettled(survivors.toArray(String[]::new)); // the new leader moved the dead leader's shards
    assertThat(cluster.running().get(0).gateway().sendMessage(deposit(account, 1, BOUND)).join())
        .isInstanceOf(Accepted.class);
  }

  @Test
  void aProbe_findsALiveNodeAlive_andACrashedOneDead() throws Exception {
    String victim = nonLeader();
    String other = victim.equals("n2") ? "n3" : "n2";
    FailureDetector detector = cluster.node("n1").detector();
    assertThat(detector.suspect(other).join()).isEqualTo(Verdict.ALIVE);

    crash(victim);

    // GONE: another prober won. RENEWED: the victim's last renewal, sent before its crash, landed after the probe
    // read the lease (found once in a suite run under load); crash() stops the lease thread before the node's
    // subscriptions go, so no later renewal can land, and the next probe proves the death
    Verdict first = detector.suspect(victim).join();
    assertThat(first).isIn(Verdict.DEAD, Verdict.GONE, Verdict.RENEWED);
    if (first == Verdict.RENEWED) {
      assertThat(detector.suspect(victim).join()).as("probed again").isIn(Verdict.DEAD, Verdict.GONE);
    }
    assertThat(leases().get(ClusterNames.nodeKey(victim))).isNull();
    assertThat(leases().get(ClusterNames.nodeKey(other))).isNotNull();
  }

  @Test
  void aFrozenNode_whoseProbeTimesOut_isNotDeclaredDead() throws Exception {
    String victim = nonLeader();
    ClusterNode frozen = cluster.node(victim);
    String incarnation = frozen.incarnation();
    long leaseRevision = leases().get(ClusterNames.nodeKey(victim)).getRevision();
    int shards = cluster.node("n1").map().orElseThrow().shardsOf(victim).size();
    frozen.freeze(); // keeps its subscriptions: a ping waits and times out

    assertThat(cluster.node("n1").detector().suspect(victim).join()).isEqualTo(Verdict.UNSURE);
    assertThat(cluster.node("n1").detector().suspect(victim).join()).isEqualTo(Verdict.UNSURE);

    assertThat(leases().get(ClusterNames.nodeKey(victim)).getRevision()).as("lease untouched").isEqualTo(leaseRevision);
    assertThat(cluster.node("n1").map().orElseThrow().shardsOf(victim)).hasSize(shards);
    frozen.thaw();
    await().atMost(BOUND).until(() -> leases().get(ClusterNames.nodeKey(victim)).getRevision() > leaseRevision);
    assertThat(frozen.incarnation()).as("the same incarnation renews on").isEqualTo(incarnation);
  }
}
