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
import java.util.Map;
import java.util.TreeMap;
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
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        Api.Answer deposit = api.command("Account", "a", "Deposit", "{\"amount\":1}", "Idempotency-Key", "after-kill");
        assertThat(deposit.status()).as(deposit.toString()).isEqualTo(200);
      });
      assertThat(api.get("/v1/actors/Account/a").json().get("state").get("balance").asLong()).isEqualTo(6);
    }
  }
}
