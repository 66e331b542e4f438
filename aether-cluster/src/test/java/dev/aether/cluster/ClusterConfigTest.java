package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.nats.JetStreamConfig;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

  @Test
  void leaseIntervalAndDeadAfter_haveUpperBounds_refusedNamingTheFieldSet() {
    // found by a user: leaseInterval(10 days) was refused as "deadAfter: must be at least two lease intervals
    // (20d)", a field they had not set, and no lease interval was too long
    assertThatThrownBy(() -> ClusterConfig.builder(STORE).leaseInterval(Duration.ofDays(10)))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("leaseInterval"))
        .hasMessageContaining("must be from 50ms to 1m, was 10d");
    assertThatThrownBy(() -> ClusterConfig.builder(STORE).deadAfter(Duration.ofDays(1)))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("deadAfter"))
        .hasMessageContaining("must be from 100ms to 10m, was 1d");
    assertField(() -> ClusterConfig.builder(STORE).deadAfter(Duration.ofSeconds(-1)), "deadAfter");
    assertThat(ClusterConfig.builder(STORE).leaseInterval(Duration.ofMinutes(1))
        .deadAfter(Duration.ofMinutes(10)).build().deadAfter()).isEqualTo(Duration.ofMinutes(10));
    assertThatThrownBy(() -> ClusterConfig.fromMap(STORE, Map.of("aether.cluster.lease-interval", "10d")))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).contains("lease-interval"));
  }

  @Test
  void aClientsCommandTimeout_hasTheRuntimesBounds_1msTo1d() {
    // found by a user: AetherClient took commandTimeout(100 days) while RuntimeConfig refuses more than 1 d
    io.nats.client.Connection unused = (io.nats.client.Connection) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {io.nats.client.Connection.class}, (proxy, method, args) -> {
          throw new UnsupportedOperationException("the builder's setters do not use the connection");
        });
    AetherClient.Builder client = AetherClient.builder(unused, STORE);
    assertThatThrownBy(() -> client.commandTimeout(Duration.ofDays(100)))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("commandTimeout"))
        .hasMessageContaining("must be from 1ms to 1d, was 100d");
    assertField(() -> client.commandTimeout(Duration.ZERO), "commandTimeout");
    assertThat(client.commandTimeout(Duration.ofDays(1))).isSameAs(client);
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

  @Test
  void fromMap_readsEveryKeyUnderItsPrefix_andIgnoresOtherPrefixes() {
    ClusterConfig config = ClusterConfig.fromMap(STORE, Map.ofEntries(Map.entry("aether.cluster.node-id", "n7"),
        Map.entry("aether.cluster.lease-interval", "200ms"), Map.entry("aether.cluster.dead-after", "1s"),
        Map.entry("aether.cluster.shards", "64"), Map.entry("aether.cluster.virtual-nodes", "100"),
        Map.entry("aether.cluster.load-cap-percent", "120"), Map.entry("aether.cluster.handoff-batch", "16"),
        Map.entry("aether.cluster.warmup-actors", "10"), Map.entry("aether.cluster.warmup-concurrency", "2"),
        Map.entry("aether.cluster.warmup-timeout", "PT2S"), Map.entry("aether.cluster.max-hops", "5"),
        Map.entry("aether.cluster.leave-timeout", "10s"), Map.entry("aether.cluster.remember-actors", "Account, Order"),
        Map.entry("aether.runtime.bogus", "ignored")));
    assertThat(config.nodeId()).isEqualTo("n7");
    assertThat(config.leaseInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.deadAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.shards().count()).isEqualTo(64);
    assertThat(config.placement()).isEqualTo(PlacementConfig.builder().virtualNodes(100).loadCapPercent(120).build());
    assertThat(config.handoffBatch()).isEqualTo(16);
    assertThat(config.warmupActors()).isEqualTo(10);
    assertThat(config.warmupConcurrency()).isEqualTo(2);
    assertThat(config.warmupTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.maxHops()).isEqualTo(5);
    assertThat(config.leaveTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.rememberActors()).containsExactlyInAnyOrder("Account", "Order");
    assertThat(ClusterConfig.fromMap(STORE, Map.of()).toBuilder().nodeId("x").build().toString())
        .isEqualTo(ClusterConfig.builder(STORE).nodeId("x").build().toString());
  }

  @Test
  void fromMap_refusesABadValue_namingItsKey() {
    assertRefused(Map.of("aether.cluster.bogus", "1"), "aether.cluster.bogus");
    assertRefused(Map.of("aether.cluster.shards", "100"), "aether.cluster.shards");
    assertRefused(Map.of("aether.cluster.lease-interval", "soon"), "aether.cluster.lease-interval");
    assertRefused(Map.of("aether.cluster.lease-interval", "10ms"), "aether.cluster.lease-interval");
    assertRefused(Map.of("aether.cluster.dead-after", "600ms"), "aether.cluster.dead-after"); // < 2 x 500 ms
    assertRefused(Map.of("aether.cluster.load-cap-percent", "90"), "aether.cluster.load-cap-percent");
    assertRefused(Map.of("aether.cluster.remember-actors", "Account,bad/type"), "aether.cluster.remember-actors");
    assertRefused(Map.of("aether.cluster.node-id", "a b"), "aether.cluster.node-id");
  }

  @Test
  void fromMap_durationsInRefusals_areWrittenAsTheSettingIsWritten() {
    // found by an operator: "was PT0S" next to "was 100 ms"
    assertThatThrownBy(() -> ClusterConfig.fromMap(STORE, Map.of("aether.cluster.leave-timeout", "0s")))
        .hasMessage("aether.cluster.leave-timeout: must be positive, was 0s");
    assertThatThrownBy(() -> ClusterConfig.fromMap(STORE, Map.of("aether.cluster.dead-after", "600ms")))
        .hasMessage("aether.cluster.dead-after: must be at least two lease intervals (1s), was 600ms");
  }

  @Test
  void fromMap_aBadShardCount_saysItOnceUnderItsKey() {
    assertThatThrownBy(() -> ClusterConfig.fromMap(STORE, Map.of("aether.cluster.shards", "1000")))
        .hasMessage("aether.cluster.shards: must be a power of two from 1 to 65536, was 1000");
  }

  private static void assertRefused(Map<String, String> settings, String key) {
    assertThatThrownBy(() -> ClusterConfig.fromMap(STORE, settings)).isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).as(settings.toString()).isEqualTo(key);
  }
}
