package dev.aether.server;

import static dev.aether.server.DepositModels.ints;
import static dev.aether.server.DepositModels.strings;
import static dev.aether.server.DepositModels.withoutAmount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A model version whose event field types contradict what stored events may hold is refused against every version
 * recorded before, not only the one it replaces: by {@code PUT /v1/model} on a single node and on a cluster, and
 * by a single node's start with a changed {@code --model} file, which also refuses the other refused changes
 * (another model under the recorded version) unless {@code force-model} is set.
 */
@Tag("nats")
class StoredFieldTypesIT {

  private static final String AMOUNT = "aggregates.Account.events.Deposited.fields.amount";

  @RegisterExtension
  static NatsServerExtension nats = NatsServerExtension.perMethod();

  @TempDir
  Path dir;

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(ModelRecord.class);

  @BeforeEach
  void capture() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void release() {
    logger.detachAppender(logged);
  }

  private Path file(String name, String yaml) throws IOException {
    return Files.writeString(dir.resolve(name + ".yaml"), yaml);
  }

  private AetherNode single(NatsServer server, Path model, boolean force) {
    return AetherNode.start(NodeConfig.builder().httpPort(0).model(model).forceModel(force).natsUrl(server.url())
        .dataDir(dir).build());
  }

  private AetherNode clusterNode(NatsServer server, Path model, String id) {
    return AetherNode.start(NodeConfig.builder().cluster(true).nodeId(id).httpPort(0).model(model)
        .natsUrl(server.url()).dataDir(dir).build());
  }

  private static Api.Answer putModel(Api api, String yaml, String query) {
    return api.put("/v1/model" + query, "application/yaml", yaml);
  }

  private static void deposit(Api api, String id) {
    assertThat(api.command("Account", id, "Deposit", "{\"amount\": 5}").status()).isEqualTo(200);
  }

  @Test
  void aSingleNodesPutRetypingAFieldThatAnEarlierPutRemoved_isRefused_theDryRunListsIt(NatsServer server)
      throws IOException {
    try (AetherNode node = single(server, file("v1", ints("1")), false)) {
      Api api = new Api(node.uri());
      deposit(api, "a");
      assertThat(putModel(api, withoutAmount("2"), "").status()).as("removing amount: a warning").isEqualTo(200);

      Api.Answer refused = putModel(api, strings("3"), "");

      assertThat(refused.status()).as(refused.body()).isEqualTo(400);
      assertThat(refused.json().get("fields").findValuesAsText("field")).containsExactly(AMOUNT);
      assertThat(refused.json().get("fields").findValuesAsText("message")).singleElement().asString()
          .startsWith("event-field-type-changed").contains("as int, not string");
      assertThat(putModel(api, strings("3"), "?dryRun=true").json().get("refused").findValuesAsText("id"))
          .containsExactly("event-field-type-changed");
      assertThat(api.get("/v1/model").json().get("version").asText()).as("the running model stays").isEqualTo("2");
      assertThat(api.get("/v1/actors/Account/a").status()).isEqualTo(200);
    }
  }

  @Test
  void aRestartWithAFileRetypingAFieldAnEarlierVersionStored_isRefused_andStartsWhenForced(NatsServer server)
      throws IOException {
    try (AetherNode node = single(server, file("v1", ints("1")), false)) {
      deposit(new Api(node.uri()), "a");
    }
    try (AetherNode node = single(server, file("v2", withoutAmount("2")), false)) {
      assertThat(warnings()).as("removing amount: a warning").anyMatch(w -> w.contains("event-field-removed"));
    }
    Path v3 = file("v3", strings("3"));

    assertThatThrownBy(() -> single(server, v3, false)).isInstanceOfSatisfying(NodeStartException.class,
        e -> assertThat(e.getMessage()).contains(v3.toString(), "bank 3", "bank 2", AMOUNT + ": "
            + "event-field-type-changed: stored Deposited events hold amount as int, not string", "--force-model",
            "force-model: true", "AETHER_FORCE_MODEL=true"));

    logged.list.clear();
    try (AetherNode node = single(server, v3, true)) {
      assertThat(warnings()).as("a forced start warns, saying it was forced")
          .anyMatch(w -> w.contains("forced by force-model: event-field-type-changed"));
      assertThat(new Api(node.uri()).get("/v1/model").json().get("version").asText()).isEqualTo("3");
    }
    try (AetherNode node = single(server, v3, false)) {
      assertThat(new Api(node.uri()).get("/v1/model").json().get("version").asText())
          .as("the forced start recorded its model").isEqualTo("3");
    }
    assertThatThrownBy(() -> single(server, file("v4", ints("4")), false))
        .as("the forced type is what the stored events may hold from then on")
        .isInstanceOf(NodeStartException.class).hasMessageContaining("as string, not int");
  }

  @Test
  void aRestartWithAnotherModelUnderTheRecordedVersion_isRefused(NatsServer server) throws IOException {
    try (AetherNode node = single(server, file("v1", ints("1")), false)) {
      assertThat(node.uri()).isNotNull();
    }
    String relabelled = ints("1").replace("    events:\n", "    events:\n      - name: Noted\n");

    assertThatThrownBy(() -> single(server, file("v1b", relabelled), false))
        .isInstanceOf(NodeStartException.class).hasMessageContaining("version: version-reused");
  }

  @Test
  void aRecordWrittenBeforeTheTypesWereKept_isComparedWithItsModel(NatsServer server) throws Exception {
    try (Connection connection = Nats.connect(server.url())) {
      KeyValue kv = ClusterModel.openBucket(connection, "aether-model-default", 1, java.time.Duration.ofSeconds(10));
      kv.put(ModelRecord.KEY, ("{\"format\":\"yaml\",\"text\":" + Api.JSON.writeValueAsString(ints("1")) + "}")
          .getBytes(StandardCharsets.UTF_8));
    }

    assertThatThrownBy(() -> single(server, file("v2", strings("2")), false))
        .isInstanceOf(NodeStartException.class).hasMessageContaining("event-field-type-changed");
    try (AetherNode node = single(server, file("v2b", withoutAmount("2")), false)) {
      assertThat(node.uri()).isNotNull();
    }
    assertThatThrownBy(() -> single(server, file("v3", strings("3")), false))
        .as("the old record's types are kept from then on").isInstanceOf(NodeStartException.class)
        .hasMessageContaining("event-field-type-changed");
  }

  @Test
  void aClustersPutRetypingAFieldAnEarlierPutRemoved_isRefused_onAnotherNodeToo(NatsServer server)
      throws IOException {
    Path v1 = file("v1", ints("1"));
    try (AetherNode a = clusterNode(server, v1, "n-a")) {
      Api apiA = new Api(a.uri());
      deposit(apiA, "a");
      assertThat(putModel(apiA, withoutAmount("2"), "").status()).isEqualTo(200);
    }
    try (AetherNode b = clusterNode(server, v1, "n-b")) {
      Api apiB = new Api(b.uri());
      assertThat(apiB.get("/v1/model").json().get("version").asText()).as("the cluster's model").isEqualTo("2");

      Api.Answer refused = putModel(apiB, strings("3"), "");

      assertThat(refused.status()).as(refused.body()).isEqualTo(400);
      assertThat(refused.json().get("fields").findValuesAsText("field")).containsExactly(AMOUNT);
      assertThat(putModel(apiB, strings("3"), "?force=true").status()).as("forced").isEqualTo(200);
      assertThat(putModel(apiB, ints("4"), "").status()).as("the forced type is the stored one now")
          .isEqualTo(400);
    }
  }

  private List<String> warnings() {
    return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
        .toList();
  }
}
