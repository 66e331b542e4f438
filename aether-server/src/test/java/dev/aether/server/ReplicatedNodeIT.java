package dev.aether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.testkit.nats.NatsCluster;
import dev.aether.testkit.nats.NatsClusterExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.StreamInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster node on a 3-server NATS cluster with {@code nats.replicas: 3}: every stream and bucket it creates has
 * three replicas, and commands go on after one server is killed (found by an operator's drill: the node had no
 * such setting, and the loss of the server holding its one-replica streams stopped the cluster).
 */
@Tag("nats")
class ReplicatedNodeIT {

  @RegisterExtension
  static final NatsClusterExtension NATS = NatsClusterExtension.perMethod()
      .withCluster(b -> b.minimumVersion("2.9.21")); // 2.9.10 lets two writers store after the same sequence

  @TempDir
  Path dir;

  @Test
  void threeNodesStartedAtOnce_onAFreshNamespace_eachOnItsOwnServer_allStart(NatsCluster cluster) throws Exception {
    // found by an operator's drill (3 of 3 tries): a node read or wrote a bucket another node had created a moment
    // before, whose stream had no leader yet ("no responders", a timeout), and failed to start
    List<CompletableFuture<AetherNode>> starting = new ArrayList<>();
    Path model = TestModels.bank(dir); // written once: a node reads it while the next one is configured
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 3; i++) {
        NodeConfig config = NodeConfig.builder().cluster(true).nodeId("n" + i).natsUrl(cluster.server(i).url())
            .natsSetting(NodeConfig.NATS_REPLICAS, "3").namespace("r3-at-once").httpPort(0)
            .model(model).dataDir(dir.resolve("n" + i)).build();
        starting.add(CompletableFuture.supplyAsync(() -> AetherNode.start(config), threads));
      }
      try {
        for (CompletableFuture<AetherNode> node : starting) {
          assertThat(node).succeedsWithin(Duration.ofSeconds(60));
        }
        Api api = new Api(starting.get(2).join().uri());
        assertThat(api.command("Account", "a", "Open", "{\"owner\":\"o\"}").status()).isEqualTo(200);
      } finally { // every start ended by now, or ends here: close those that started
        starting.stream().map(f -> f.handle((n, e) -> n).join()).filter(n -> n != null).forEach(AetherNode::close);
      }
    }
  }

  @Test
  void everyStreamAndBucket_hasTheConfiguredReplicas_andCommandsSurviveTheLossOfAServer(NatsCluster cluster)
      throws Exception {
    try (AetherNode node = AetherNode.start(NodeConfig.builder().cluster(true).nodeId("n1").natsUrl(cluster.url())
        .natsSetting(NodeConfig.NATS_REPLICAS, "3").namespace("r3").httpPort(0).model(TestModels.bank(dir))
        .dataDir(dir).build());
        Connection connection = Nats.connect(cluster.url())) {
      Api api = new Api(node.uri());
      assertThat(api.command("Account", "a", "Open", "{\"owner\":\"o\",\"initialDeposit\":5}").status())
          .isEqualTo(200);

      Map<String, Integer> replicas = new TreeMap<>();
      JetStreamManagement jsm = connection.jetStreamManagement();
      for (StreamInfo info : jsm.getStreams()) {
        replicas.put(info.getConfiguration().getName(), info.getConfiguration().getReplicas());
      }
      assertThat(replicas.keySet()).as("events, snapshots, read models, model, cluster map and leases")
          .contains("aether_r3_EVENTS_0", "KV_aether_r3_SNAPSHOTS", "KV_aether-readmodels-r3", "KV_aether-model-r3",
              "KV_aether_r3_CLUSTER", "KV_aether_r3_LEASES");
      assertThat(replicas).as("every stream and bucket").allSatisfy((name, r) -> assertThat(r).as(name).isEqualTo(3));

      cluster.server(0).kill();
      // a second node started right then: it waits while the streams and buckets the lost server led elect new
      // leaders (its model, lease and map watches' consumers may be placed on the lost server: tried again)
      try (AetherNode second = AetherNode.start(NodeConfig.builder().cluster(true).nodeId("n2")
          .natsUrl(cluster.server(1).url()).natsSetting(NodeConfig.NATS_REPLICAS, "3").namespace("r3").httpPort(0)
          .model(TestModels.bank(dir)).dataDir(dir.resolve("n2")).build())) {
        Api other = new Api(second.uri());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          Api.Answer deposit = api.command("Account", "a", "Deposit", "{\"amount\":1}", "Idempotency-Key",
              "after-kill");
          assertThat(deposit.status()).as(deposit.toString()).isEqualTo(200);
        });
        assertThat(other.get("/v1/actors/Account/a").json().get("state").get("balance").asLong()).isEqualTo(6);
        // the row follows the deposit after a moment; every listing meanwhile answers (no consumer on the lost
        // server)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          Api.Answer rows = other.get("/v1/readmodels/Balances");
          assertThat(rows.status()).as(rows.toString()).isEqualTo(200);
          assertThat(rows.json().path("rows").path(0).path("row").path("balance").asLong()).isEqualTo(6);
        });
        for (int i = 0; i < 10; i++) {
          for (Api each : List.of(api, other)) {
            Api.Answer rows = each.get("/v1/readmodels/Balances");
            assertThat(rows.status()).as(rows.toString()).isEqualTo(200);
          }
        }
      }
    }
  }
}
