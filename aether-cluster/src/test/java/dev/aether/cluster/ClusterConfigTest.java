package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.nats.JetStreamConfig;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {

  private static final JetStreamConfig STORE = JetStreamConfig.builder().namespace("bank.eu_1").build();

  @Test
  void defaults_areTheDesignsTimings_andARandomNodeId() {
    ClusterConfig config = ClusterConfig.builder(STORE).build();
    assertThat(config.leaseInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.deadAfter()).isEqualTo(Duration.ofMillis(1500));
    assertThat(config.shards().count()).isEqualTo(1024);
    assertThat(config.placement()).isEqualTo(PlacementConfig.defaults());
    assertThat(config.handoffBatch()).isEqualTo(128);
    assertThat(config.maxHops()).isEqualTo(3);
    assertThat(config.warmupConcurrency()).isEqualTo(4);
    assertThat(config.nodeId()).matches("node-[0-9a-f]{8}");
    assertThat(ClusterConfig.builder(STORE).build().nodeId()).isNotEqualTo(config.nodeId());
    assertThat(config.toBuilder().build().toString()).isEqualTo(config.toString());
  }

  @Test
  void names_useTheStoresNamespaceTokenAndPrefix() {
    ClusterNames names = ClusterNames.of(STORE);
    assertThat(names.clusterBucket()).isEqualTo("aether_bank_deu__1_CLUSTER");
    assertThat(names.leaseBucket()).isEqualTo("aether_bank_deu__1_LEASES");
    assertThat(names.nodeCommands("n-1")).isEqualTo("aether.bank_deu__1.node.n-1.cmd");
    assertThat(names.anyNodeCommands()).isEqualTo("aether.bank_deu__1.cmd");
    assertThat(names.status()).isEqualTo("aether.bank_deu__1.cluster.status");
  }

  @Test
  void badSettings_areRefusedNamingTheField() {
    ClusterConfig.Builder b = ClusterConfig.builder(STORE);
    assertField(() -> ClusterConfig.builder(null), "store");
    assertField(() -> b.nodeId("has space"), "nodeId");
    assertField(() -> b.nodeId(""), "nodeId");
    assertField(() -> b.nodeId("x".repeat(65)), "nodeId");
    assertField(() -> b.leaseInterval(Duration.ofMillis(10)), "leaseInterval");
    assertField(() -> b.leaseInterval(null), "leaseInterval");
    assertField(() -> b.deadAfter(null), "deadAfter");
    assertField(() -> ClusterConfig.builder(STORE).leaseInterval(Duration.ofSeconds(1)).deadAfter(Duration.ofMillis(1500))
        .build(), "deadAfter");
    assertField(() -> b.handoffBatch(0), "handoffBatch");
    assertField(() -> b.warmupActors(-1), "warmupActors");
    assertField(() -> b.warmupConcurrency(0), "warmupConcurrency");
    assertField(() -> b.warmupTimeout(Duration.ZERO), "warmupTimeout");
    assertField(() -> b.maxHops(0), "maxHops");
    assertField(() -> b.maxHops(17), "maxHops");
    assertField(() -> b.leaveTimeout(Duration.ofSeconds(-1)), "leaveTimeout");
    assertField(() -> b.shards(null), "shards");
    assertField(() -> b.placement(null), "placement");
  }

  private static void assertField(ThrowingCallable call, String field) {
    assertThatThrownBy(call).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).isEqualTo(field));
  }

  @Test
  void aNodeNeedsAConnectionAndARuntime() {
    ClusterConfig config = ClusterConfig.builder(STORE).build();
    assertField(() -> ClusterNode.builder(config).start(), "connection");
    assertField(() -> ClusterNode.builder(config).connection(null), "connection");
    assertField(() -> ClusterNode.builder(null), "config");
  }

  @Test
  void step_appliesSomeMovesOnly_growsTheEpoch_andKeepsOwnersAsMembers() {
    ShardMap two = ShardMap.create(new Shards(16), PlacementConfig.defaults()).next(List.of("a", "b"));
    ShardMap three = two.next(List.of("a", "b", "c"));
    List<ShardMove> moves = two.movesTo(three);
    assertThat(moves).isNotEmpty();

    ShardMap half = two.step(three, moves.subList(0, 1));

    assertThat(half.epoch()).isEqualTo(two.epoch() + 1);
    assertThat(two.movesTo(half)).containsExactly(moves.get(0));
    assertThat(half.members()).containsExactly("a", "b", "c");
    assertThat(half.movesTo(three)).hasSize(moves.size() - 1);
    assertThat(ShardMap.decode(half.encode())).isEqualTo(half);
  }
}
