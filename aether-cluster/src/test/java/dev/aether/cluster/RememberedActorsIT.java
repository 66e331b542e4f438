package dev.aether.cluster;

import static dev.aether.cluster.ClusterFixture.openAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.nats.client.KeyValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Remembered actors ({@code ClusterConfig.Builder.rememberActors("Account")}): the owner records its active
 * accounts in the REMEMBER bucket; after its crash the new owners activate them without a message, and after a
 * full cluster restart the restarted nodes do; a passivated account is forgotten.
 */
@NatsTest
class RememberedActorsIT {

  private static final UnaryOperator<ClusterConfig.Builder> REMEMBER = b -> b.rememberActors("Account");
  private static final Duration BOUND = Duration.ofSeconds(30);

  private ClusterFixture cluster;

  @BeforeEach
  void cluster(NatsServer server) {
    cluster = new ClusterFixture(server.url());
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  private KeyValue bucket() throws Exception {
    return cluster.connect().keyValue(ClusterNames.of(cluster.store).rememberBucket());
  }

  private boolean recorded(KeyValue bucket, ShardMap map, String account) throws Exception {
    String stream = ActorKey.of("Account", account).streamId();
    return bucket.get(RememberedActors.key(map.shards().shardOf(stream), stream)) != null;
  }

  private boolean activeOnOwner(String account) {
    ActorKey key = ActorKey.of("Account", account);
    return cluster.running().stream().anyMatch(n -> n.map().flatMap(m -> m.ownerOf(key.streamId()))
        .filter(n.nodeId()::equals).isPresent() && n.runtime().getActiveVMs().containsKey(key));
  }

  @Test
  void afterItsOwnerCrashes_theNewOwnersActivateItsRememberedActors_withoutAMessage() throws Exception {
    cluster.start("n1", REMEMBER);
    cluster.start("n2", REMEMBER);
    cluster.start("n3", REMEMBER);
    cluster.awaitSettled("n1", "n2", "n3");
    String leader = cluster.node("n1").status().leader();
    String victim = leader.equals("n3") ? "n2" : "n3";
    ShardMap map = cluster.node("n1").map().orElseThrow();
    List<String> accounts = new ArrayList<>();
    for (int i = 0; accounts.size() < 10; i++) {
      if (victim.equals(map.ownerOf("Account/rem-" + i).orElseThrow())) {
        accounts.add("rem-" + i);
      }
    }
    for (String account : accounts) {
      assertThat(cluster.node(leader).gateway().sendMessage(openAccount(account)).join()).isInstanceOf(Accepted.class);
    }
    KeyValue bucket = bucket();
    await().atMost(BOUND).until(() -> accounts.stream().allMatch(a -> recordedQuietly(bucket, map, a)));

    ClusterNode crashed = cluster.node(victim);
    cluster.forget(victim);
    crashed.crash();

    await().atMost(BOUND).pollInterval(Duration.ofMillis(50))
        .until(() -> accounts.stream().allMatch(this::activeOnOwner));
    assertThat(accounts).allMatch(a -> !victim.equals(cluster.node(leader).map().orElseThrow()
        .ownerOf("Account/" + a).orElseThrow()));
  }

  @Test
  void afterAFullClusterRestart_theRememberedActorsAreActiveAgain_andAPassivatedOneIsForgotten() throws Exception {
    cluster.start("n1", REMEMBER);
    cluster.start("n2", REMEMBER);
    cluster.awaitSettled("n1", "n2");
    List<String> accounts = List.of("full-1", "full-2", "full-3", "full-4", "full-5", "full-6");
    for (String account : accounts) {
      assertThat(cluster.node("n1").gateway().sendMessage(openAccount(account)).join()).isInstanceOf(Accepted.class);
    }
    assertThat(cluster.node("n1").gateway().sendMessage(openAccount("passive")).join()).isInstanceOf(Accepted.class);
    ShardMap map = cluster.node("n1").map().orElseThrow();
    KeyValue bucket = bucket();
    await().atMost(BOUND).until(() -> accounts.stream().allMatch(a -> recordedQuietly(bucket, map, a))
        && recordedQuietly(bucket, map, "passive"));
    ActorKey passive = ActorKey.of("Account", "passive");
    String passiveOwner = map.ownerOf(passive.streamId()).orElseThrow();
    assertThat(cluster.node(passiveOwner).runtime().stopVM(passive).join()).isTrue(); // passivated
    await().atMost(BOUND).until(() -> !recordedQuietly(bucket, map, "passive"));

    ClusterNode n1 = cluster.node("n1");
    ClusterNode n2 = cluster.node("n2");
    cluster.forget("n1");
    cluster.forget("n2");
    n1.close(); // the whole cluster leaves; the last node keeps its shards in the map
    n2.close();

    cluster.start("n1", REMEMBER);
    cluster.start("n2", REMEMBER);
    cluster.awaitSettled("n1", "n2");
    await().atMost(BOUND).pollInterval(Duration.ofMillis(50))
        .until(() -> accounts.stream().allMatch(this::activeOnOwner));
    assertThat(cluster.running()).noneMatch(n -> n.runtime().getActiveVMs().containsKey(passive));
  }

  private boolean recordedQuietly(KeyValue bucket, ShardMap map, String account) {
    try {
      return recorded(bucket, map, account);
    } catch (Exception e) {
      return false;
    }
  }
}
