package dev.aether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import dev.aether.testkit.net.TcpProxy;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes started with cluster=true on one nats-server: commands through either, the cluster status. */
@NatsTest
class ClusterNodeIT {

  @TempDir
  Path dir;

  /** A node of the test's own cluster (a namespace per test: a model put by one test is not the next one's). */
  private AetherNode node(NatsServer server, String namespace, String id) {
    return node(server.url(), namespace, id);
  }

  private AetherNode node(String natsUrl, String namespace, String id) {
    return AetherNode.start(NodeConfig.builder().cluster(true).nodeId(id).natsUrl(natsUrl).namespace(namespace)
        .httpPort(0).model(TestModels.bank(dir)).dataDir(dir).build());
  }

  /**
   * A node whose cluster node stopped by itself (here: another node took its id, as after a pause longer than
   * dead-after) serves nothing any more: it is not live, saying why, so an orchestrator restarts it, and {@link
   * AetherNode#whenFailed()} completes with the reason.
   */
  @Test
  void aNodeWhoseClusterNodeStoppedByItself_isNotLive_sayingWhy(NatsServer server) throws Exception {
    try (AetherNode node = node(server, "clufenced", "n-f"); Connection nats = Nats.connect(server.url())) {
      Api api = new Api(node.uri());
      await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/health/ready").status() == 200);
      assertThat(node.whenFailed()).isNotDone();

      KeyValue leases = nats.keyValue(nats.keyValueManagement().getBucketNames().stream()
          .filter(name -> name.endsWith("_clufenced_LEASES")).findFirst().orElseThrow());
      Thread intruder = Thread.ofVirtual().start(() -> { // a live node with its id: renews as one does
        while (!node.whenFailed().isDone()) {
          try {
            leases.put("node.n-f", "{\"node\":\"n-f\",\"incarnation\":\"another\",\"state\":\"ACTIVE\"}");
            Thread.sleep(200);
          } catch (Exception e) {
            return;
          }
        }
      });

      assertThat(node.whenFailed().get(30, TimeUnit.SECONDS)).contains("another live node holds its id");
      intruder.join();
      Api.Answer live = api.get("/health/live");
      assertThat(live.status()).isEqualTo(503);
      assertThat(live.json().get("reason").asText()).contains("its cluster node stopped", "holds its id");
      assertThat(api.get("/health/ready").json().get("reason").asText()).contains("holds its id");
      assertThat(node.isLive()).isFalse();
    }
  }

  /**
   * A cluster node cut off from NATS cannot renew its lease and serves no shard: its readiness says so (the
   * {@code cluster} check, which a single node does not have), so a load balancer stops sending it requests; it is
   * ready again once the partition heals.
   */
  @Test
  void aNodeCutOffFromNats_isNotReady_sayingClusterDown_andIsReadyAgainOnceThePartitionHeals(NatsServer server) {
    try (TcpProxy proxy = TcpProxy.to(server.url()); AetherNode node = node(proxy.url(), "clu-cut", "n-a")) {
      Api api = new Api(node.uri());
      await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/health/ready").status() == 200);
      assertThat(api.get("/health/ready").json().get("checks").get("cluster").asText()).isEqualTo("UP");

      proxy.partition();
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        Api.Answer ready = api.get("/health/ready");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().get("checks").get("cluster").asText()).as(ready.toString()).isEqualTo("DOWN");
      });
      assertThat(api.get("/health/live").status()).as("alive all the same").isEqualTo(200);

      proxy.heal();
      await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/health/ready").status() == 200);
      assertThat(api.get("/health/ready").json().get("checks").get("cluster").asText()).isEqualTo("UP");
    }
  }

  @Test
  void twoNodes_commandsThroughEither_stateAndStatusFromEither(NatsServer server) {
    try (AetherNode a = node(server, "clu-a", "n-a"); AetherNode b = node(server, "clu-a", "n-b")) {
      Api apiA = new Api(a.uri());
      Api apiB = new Api(b.uri());
      // settled: both nodes own shards and no move is left, so the accounts stay active where they are opened
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        JsonNode status = apiA.get("/v1/cluster").json();
        assertThat(status.get("clustered").asBoolean()).isTrue();
        assertThat(status.get("nodes").findValuesAsText("id")).contains("n-a", "n-b");
        assertThat(status.get("nodes").findValues("shards")).allSatisfy(n -> assertThat(n.asInt()).isPositive())
            .hasSize(2);
        assertThat(status.get("movesInProgress").asInt()).isZero();
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
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(apiB.get("/v1/cluster").json()
          .get("nodes").findValues("activeActors").stream().mapToInt(JsonNode::asInt).sum())
          .as("the ten accounts, each active on its owner").isEqualTo(10));
      assertThat(apiB.get("/health/ready").status()).isEqualTo(200);

      // each node reports the model it runs; a model put through one node reaches both, as the status shows
      assertThat(apiB.get("/v1/cluster").json().get("nodes").findValuesAsText("model"))
          .containsExactly("bank@1", "bank@1");
      Api.Answer put = apiA.put("/v1/model", "application/yaml",
          TestModels.bankYaml().replace("version: \"1\"", "version: \"2\""));
      assertThat(put.status()).as(put.toString()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(apiB.get("/v1/cluster").json()
          .get("nodes").findValuesAsText("model")).containsExactly("bank@2", "bank@2"));
    }
  }

  @Test
  void aReadModelRebuildAskedOfANodeThatDoesNotRunIt_isStartedByTheNodeThatDoes(NatsServer server) {
    try (AetherNode a = node(server, "clu-rb", "n-a"); AetherNode b = node(server, "clu-rb", "n-b")) {
      Api apiA = new Api(a.uri());
      Api apiB = new Api(b.uri());
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> { // settled: the read model stays where it runs
        JsonNode status = apiA.get("/v1/cluster").json();
        assertThat(status.get("nodes").findValues("shards")).allSatisfy(n -> assertThat(n.asInt()).isPositive())
            .hasSize(2);
        assertThat(status.get("movesInProgress").asInt()).isZero();
        assertThat(status.get("unownedShards").asInt()).isZero();
      });
      for (int i = 0; i < 4; i++) {
        Api.Answer open = (i % 2 == 0 ? apiA : apiB).command("Account", "rb-" + i, "Open",
            "{\"owner\":\"o\",\"initialDeposit\":" + (i + 1) + "}");
        assertThat(open.status()).as(open.toString()).isEqualTo(200);
      }
      // the shared read-model store runs Balances on one of the two nodes
      String[] runner = new String[1];
      long[] before = new long[1];
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        JsonNode onA = apiA.get("/v1/reactions").json().get("readModels").get(0);
        JsonNode onB = apiB.get("/v1/reactions").json().get("readModels").get(0);
        assertThat(onA.get("runsHere").asBoolean()).as("runs on exactly one node").isNotEqualTo(
            onB.get("runsHere").asBoolean());
        JsonNode running = onA.get("runsHere").asBoolean() ? onA : onB;
        assertThat(running.get("commitsBehind").asLong()).isZero();
        assertThat(apiA.get("/v1/readmodels/Balances/rb-3").status()).isEqualTo(200);
        runner[0] = running == onA ? "n-a" : "n-b";
        before[0] = running.get("eventsHandled").asLong();
      });
      Api runnerApi = runner[0].equals("n-a") ? apiA : apiB;
      Api otherApi = runner[0].equals("n-a") ? apiB : apiA;

      Api.Answer accepted = otherApi.post("/v1/readmodels/Balances/rebuild", "");

      assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
      assertThat(accepted.json().get("node").asText()).isEqualTo(runner[0]);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        JsonNode running = runnerApi.get("/v1/reactions").json().get("readModels").get(0);
        assertThat(running.get("rebuilding").asBoolean()).isFalse();
        assertThat(running.get("eventsHandled").asLong()).as("every event handled again on " + runner[0])
            .isGreaterThanOrEqualTo(before[0] + 8);
        Api.Answer row = otherApi.get("/v1/readmodels/Balances/rb-3");
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.json().get("row").get("balance").asLong()).isEqualTo(4);
      });
    }
  }

  @Test
  void aNodeWithoutCluster_onANamespaceAClusterRuns_isRefused_andStartsOnceTheClusterIsGone(NatsServer server) {
    // found by an operator's drill: it started silently, ran another model and took the policies' deliveries
    NodeConfig alone = NodeConfig.resolve(java.util.Optional.empty(), java.util.Map.of("AETHER_NAMESPACE",
        "clu-alone"), java.util.Map.of("node-id", "s1", "nats.url", server.url(), "http.port", "0", "model",
        TestModels.bank(dir).toString(), "data-dir", dir.toString()));
    try (AetherNode a = node(server, "clu-alone", "n-a")) {
      assertThat(a.isLive()).isTrue();
      assertThatThrownBy(() -> AetherNode.start(alone).close()).isInstanceOfSatisfying(InvalidConfigException.class,
          e -> {
            assertThat(e.key()).isEqualTo("cluster");
            assertThat(e.getMessage()).contains("namespace clu-alone (from AETHER_NAMESPACE)").contains("n-a")
                .contains("--cluster").endsWith("(from default)"); // cluster=false: nobody set it
          });
    }
    try (AetherNode single = AetherNode.start(alone)) {
      assertThat(single.isLive()).as("the cluster left: its leases are gone").isTrue();
    }
  }

  @Test
  void aSecondNodeWithALiveNodesId_isRefusedNamingTheKey(NatsServer server) {
    try (AetherNode a = node(server, "clu-d", "n-same")) {
      assertThat(a.isLive()).isTrue();
      assertThatThrownBy(() -> node(server, "clu-d", "n-same").close()).isInstanceOfSatisfying(
          InvalidConfigException.class, e -> {
            assertThat(e.key()).isEqualTo("node-id");
            assertThat(e.getMessage()).contains("'n-same' is held by a live node");
          });
    }
  }

  @Test
  void clusterSettings_reachTheClusterNode(NatsServer server) {
    try (AetherNode a = AetherNode.start(NodeConfig.builder().cluster(true).nodeId("n-s").natsUrl(server.url())
        .namespace("clu-s").httpPort(0).dataDir(dir).clusterSetting("shards", "64")
        .clusterSetting("lease-interval", "200ms").clusterSetting("dead-after", "1s").build())) {
      Api api = new Api(a.uri());
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        JsonNode status = api.get("/v1/cluster").json();
        assertThat(status.get("shards").asInt()).as("the cluster this node created").isEqualTo(64);
        assertThat(status.get("nodes").findValues("shards").stream().mapToInt(JsonNode::asInt).sum()).isEqualTo(64);
      });
    }
  }

  @Test
  void aNodeStartedWithAnOlderModelFile_neverRunsAPolicyTheClustersModelRemoved(NatsServer server) throws Exception {
    String policy = TestModels.bankYaml().substring(TestModels.bankYaml().indexOf("policies:"),
        TestModels.bankYaml().indexOf("readModels:"));
    String withoutPolicy = TestModels.bankYaml().replace(policy, "").replace("version: \"1\"", "version: \"2\"");
    try (AetherNode a = node(server, "clu-p", "n-a")) {
      Api apiA = new Api(a.uri());
      assertThat(apiA.put("/v1/model", "application/yaml", withoutPolicy).status()).isEqualTo(200);
      for (String id : new String[] {"p-from", "p-to"}) {
        assertThat(apiA.command("Account", id, "Open", "{\"owner\":\"o\",\"initialDeposit\":10}").status())
            .isEqualTo(200);
      }
      assertThat(apiA.command("Account", "p-from", "Transfer", "{\"to\":\"p-to\",\"amount\":3}").status())
          .isEqualTo(200);

      try (AetherNode b = node(server, "clu-p", "n-b")) { // its file (version 1) still has creditTransfer
        Api apiB = new Api(b.uri());
        assertThat(apiB.get("/v1/model").json().get("version").asText()).isEqualTo("2");
        // for as long as the file's policy, had it run at all, would have needed to deliver the credit
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(250))
            .untilAsserted(() -> assertThat(apiB.get("/v1/actors/Account/p-to").json().get("state").get("balance")
                .asLong()).as("no credit from the removed policy").isEqualTo(10));
      }
    }
  }

  @Test
  void aDeadLetterReplayedOnAClusterNode_isResolved_andAnswered200(NatsServer server) {
    try (AetherNode a = node(server, "clu-dl", "n-a"); AetherNode b = node(server, "clu-dl", "n-b")) {
      Api apiA = new Api(a.uri());
      Api apiB = new Api(b.uri());
      assertThat(apiA.command("Account", "dl-from", "Open", "{\"owner\":\"o\",\"initialDeposit\":10}").status())
          .isEqualTo(200);
      assertThat(apiA.command("Account", "dl-from", "Transfer", "{\"to\":\"dl-to\",\"amount\":3}").status())
          .isEqualTo(200); // dl-to is not open: the policy's ReceiveTransfer is refused, a dead letter
      String id = await().atMost(Duration.ofSeconds(20)).until(() -> apiB.get("/v1/dead-letters").json()
          .get("deadLetters"), letters -> letters.size() == 1).get(0).get("id").asText();
      assertThat(apiB.command("Account", "dl-to", "Open", "{\"owner\":\"p\"}").status()).isEqualTo(200);

      Api.Answer replayed = apiA.post("/v1/dead-letters/" + URLEncoder.encode(id, StandardCharsets.UTF_8)
          + "/replay", "");
      assertThat(replayed.status()).as(replayed.toString()).isEqualTo(200);
      assertThat(replayed.json().get("resolved").asBoolean()).isTrue();
      assertThat(apiB.get("/v1/dead-letters").json().get("deadLetters")).isEmpty();
      assertThat(apiB.get("/v1/actors/Account/dl-to").json().get("state").get("balance").asLong()).isEqualTo(3);

      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        JsonNode onA = apiA.get("/v1/reactions").json();
        JsonNode onB = apiB.get("/v1/reactions").json();
        assertThat(onA.get("readModels").get(0).get("runsHere").asBoolean())
            .as("the read model runs on one node, the other stands by: " + onA + " " + onB)
            .isNotEqualTo(onB.get("readModels").get(0).get("runsHere").asBoolean());
        assertThat(onB.get("policies").get(0).get("backlog").asLong()).isZero();
        assertThat(onB.get("policies").get(0).get("deadLetters").asLong()).isZero();
      });
    }
  }

  @Test
  void namespacesThatDifferOnlyByDotAndUnderscore_shareNeitherTheModelNorTheReadModels(NatsServer server) {
    try (AetherNode dotted = node(server, "iso.bank", "n-x"); AetherNode underscored = node(server, "iso_bank", "n-y")) {
      Api x = new Api(dotted.uri());
      Api y = new Api(underscored.uri());
      Api.Answer put = y.put("/v1/model", "application/yaml",
          TestModels.bankYaml().replace("version: \"1\"", "version: \"7\""));
      assertThat(put.status()).as(put.toString()).isEqualTo(200);
      assertThat(y.command("Account", "iso-1", "Open", "{\"owner\":\"o\",\"initialDeposit\":5}").status())
          .isEqualTo(200);
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(y.get("/v1/readmodels/Balances/iso-1").status()).isEqualTo(200));

      assertThat(x.get("/v1/model").json().get("version").asText()).as("the other namespace's model").isEqualTo("1");
      assertThat(x.get("/v1/readmodels/Balances/iso-1").status()).as("the other namespace's row").isEqualTo(404);
      assertThat(x.get("/v1/actors/Account/iso-1").json().get("version").asLong()).isZero();
    }
  }

  @Test
  void aModelPutOnOneNode_isTheClustersModel_everyNodeAndEveryLaterNodeDecidesWithIt(NatsServer server) {
    String smallDeposits = TestModels.bankYaml().replace("version: \"1\"", "version: \"2\"")
        .replace("{name: amount, type: int, min: 1, max: 1000000}", "{name: amount, type: int, min: 1, max: 10}");
    assertThat(smallDeposits).isNotEqualTo(TestModels.bankYaml());
    try (AetherNode a = node(server, "clu-b", "n-a"); AetherNode b = node(server, "clu-b", "n-b")) {
      Api apiA = new Api(a.uri());
      Api apiB = new Api(b.uri());
      assertThat(apiA.command("Account", "m-1", "Open", "{\"owner\":\"o\"}").status()).isEqualTo(200);
      assertThat(apiA.command("Account", "m-1", "Deposit", "{\"amount\":50}").status()).isEqualTo(200);

      Api.Answer broken = apiB.put("/v1/model", "application/yaml", smallDeposits.replace("state.open", "state.nope"));
      assertThat(broken.status()).isEqualTo(400);
      assertThat(apiA.get("/v1/model").json().get("version").asText()).as("a refused model is nobody's").isEqualTo("1");

      Api.Answer put = apiB.put("/v1/model", "application/yaml", smallDeposits);
      assertThat(put.status()).as(put.toString()).isEqualTo(200);
      assertThat(apiB.get("/v1/model").json().get("version").asText()).isEqualTo("2");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(apiA.get("/v1/model").json().get("version").asText()).isEqualTo("2"));
      for (Api api : new Api[] {apiA, apiB}) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> // whichever node owns m-1 decides with v2
            assertThat(api.command("Account", "m-1", "Deposit", "{\"amount\":50}").status()).isEqualTo(400));
        assertThat(api.command("Account", "m-1", "Deposit", "{\"amount\":5}").status()).isEqualTo(200);
      }

      try (AetherNode c = node(server, "clu-b", "n-c")) { // started with the bank model file (version 1)
        assertThat(new Api(c.uri()).get("/v1/model").json().get("version").asText())
            .as("a node that joins later runs the cluster's model, not its older file").isEqualTo("2");
      }
    }
  }
}
