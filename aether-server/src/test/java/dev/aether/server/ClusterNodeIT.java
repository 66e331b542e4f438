package dev.aether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes started with cluster=true on one nats-server: commands through either, the cluster status. */
@NatsTest
class ClusterNodeIT {

  @TempDir
  Path dir;

  private AetherNode node(NatsServer server, String id) {
    return AetherNode.start(NodeConfig.builder().cluster(true).nodeId(id).natsUrl(server.url()).namespace("clu")
        .httpPort(0).model(TestModels.bank(dir)).dataDir(dir).build());
  }

  @Test
  void twoNodes_commandsThroughEither_stateAndStatusFromEither(NatsServer server) {
    try (AetherNode a = node(server, "n-a"); AetherNode b = node(server, "n-b")) {
      Api apiA = new Api(a.uri());
      Api apiB = new Api(b.uri());
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        JsonNode status = apiA.get("/v1/cluster").json();
        assertThat(status.get("clustered").asBoolean()).isTrue();
        assertThat(status.get("nodes").findValuesAsText("id")).contains("n-a", "n-b");
        assertThat(status.get("unownedShards").asInt()).isZero();
      });
      for (int i = 0; i < 10; i++) {
        Api api = i % 2 == 0 ? apiA : apiB;
        Api.Answer open = api.command("Account", "c-" + i, "Open", "{\"owner\":\"o\",\"initialDeposit\":" + i + "}");
        assertThat(open.status()).as(open.toString()).isEqualTo(200);
      }
      for (int i = 1; i < 10; i++) {
        JsonNode viaA = apiA.get("/v1/actors/Account/c-" + i).json();
        JsonNode viaB = apiB.get("/v1/actors/Account/c-" + i).json();
        assertThat(viaA).isEqualTo(viaB);
        assertThat(viaA.get("state").get("balance").asLong()).isEqualTo(i);
        assertThat(viaA.get("version").asLong()).isEqualTo(2);
      }
      assertThat(apiB.get("/health/ready").status()).isEqualTo(200);
    }
  }
}
