package dev.aether.server;

import static dev.aether.server.DepositModels.ints;
import static dev.aether.server.DepositModels.strings;
import static dev.aether.server.DepositModels.withoutAmount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.model.exec.StoredFieldTypes;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event field types recorded with the model are never lost: not by merging in a running model that lags the
 * record, not when the recorded model does not compile on the node, not by two writers at once, and not without a
 * record (a store in memory).
 */
@Tag("nats")
class RecordedTypesIT {

  /** A model this node cannot compile (written by a newer Aether, or corrupt). */
  private static final String NOT_COMPILING = "name: bank\nversion: \"9\"\naggregates: [{name: Account, state: 7}]\n";
  private static final String BUCKET = "aether-model-default";

  @RegisterExtension
  static NatsServerExtension nats = NatsServerExtension.perMethod();

  @TempDir
  Path dir;

  private static byte[] record(String text, Map<String, Map<String, Map<String, List<String>>>> types)
      throws IOException {
    return RecordedModel.encode("yaml", text, StoredFieldTypes.fromMap(types));
  }

  private static Map<String, Map<String, Map<String, List<String>>>> amountAs(String... types) {
    return Map.of("Account", Map.of("Deposited", Map.of("amount", List.of(types))));
  }

  private static KeyValue bucket(Connection connection) throws Exception {
    return ClusterModel.openBucket(connection, BUCKET, 1, Duration.ofSeconds(10));
  }

  private Path file(String name, String yaml) throws IOException {
    return Files.writeString(dir.resolve(name + ".yaml"), yaml);
  }

  private AetherNode single(NatsServer server, Path model) {
    return AetherNode.start(NodeConfig.builder().httpPort(0).model(model).natsUrl(server.url()).dataDir(dir).build());
  }

  private static Api.Answer putModel(Api api, String yaml) {
    return api.put("/v1/model", "application/yaml", yaml);
  }

  @Test
  void aClusterNodeThatCannotCompileTheClustersModel_keepsItsOwn_andItsPutStillChecksTheRecordedTypes(
      NatsServer server) throws Exception {
    try (Connection connection = Nats.connect(server.url());
        AetherNode node = AetherNode.start(NodeConfig.builder().cluster(true).nodeId("n-a").httpPort(0)
            .model(file("v1", ints("1"))).natsUrl(server.url()).dataDir(dir).build())) {
      KeyValue kv = bucket(connection);
      kv.put(ClusterModel.KEY, record(NOT_COMPILING, amountAs("int", "double")));
      Api api = new Api(node.uri());
      assertThat(api.get("/v1/model").json().get("version").asText()).as("it keeps v1: amount as int")
          .isEqualTo("1");

      Api.Answer narrowing = putModel(api, ints("3"));

      assertThat(narrowing.status()).as(narrowing.body()).isEqualTo(400);
      assertThat(narrowing.body()).contains("event-field-type-changed", "as double, not int");
      assertThat(amountTypes(kv)).as("the record keeps the history").containsExactly("int", "double");
    }
  }

  @Test
  void aSingleNodesRecordWhoseModelDoesNotCompile_isStillCheckedByItsTypes_andKeepsThem(NatsServer server)
      throws Exception {
    try (Connection connection = Nats.connect(server.url())) {
      bucket(connection).put(ModelRecord.KEY, record(NOT_COMPILING, amountAs("int")));
    }

    assertThatThrownBy(() -> single(server, file("v2", strings("2")))).isInstanceOf(NodeStartException.class)
        .hasMessageContaining("event-field-type-changed").hasMessageContaining("as int, not string");
    try (AetherNode node = single(server, file("v2b", withoutAmount("2")))) {
      assertThat(node.uri()).isNotNull();
    }
    assertThatThrownBy(() -> single(server, file("v3", strings("3")))).as("the types were kept")
        .isInstanceOf(NodeStartException.class).hasMessageContaining("as int, not string");
  }

  @Test
  void aRecordNeitherWhoseTypesNorWhoseModelRead_isNotWrittenOver_atStartNorByAPut(NatsServer server)
      throws Exception {
    byte[] unreadable = ("{\"format\":\"yaml\",\"text\":" + Api.JSON.writeValueAsString(NOT_COMPILING) + "}")
        .getBytes(StandardCharsets.UTF_8);
    try (Connection connection = Nats.connect(server.url())) {
      KeyValue kv = bucket(connection);
      long revision = kv.put(ModelRecord.KEY, unreadable);

      try (AetherNode node = single(server, file("v1", ints("1")))) {
        Api.Answer put = putModel(new Api(node.uri()), strings("2"));

        assertThat(put.status()).as(put.body()).isEqualTo(503);
        assertThat(put.body()).contains("cannot be read", "not written over");
      }
      assertThat(kv.get(ModelRecord.KEY).getRevision()).as("neither the start nor the PUT wrote over it")
          .isEqualTo(revision);
    }
  }

  @Test
  void aWriterThatComesBetweenTheReadAndTheWrite_isReadAndCheckedAgain_andNoTypeIsLost(NatsServer server)
      throws Exception {
    try (Connection connection = Nats.connect(server.url())) {
      KeyValue kv = bucket(connection);
      kv.put(ClusterModel.KEY, record(ints("1"), amountAs("int")));
      ModelKey key = new ModelKey(kv, ClusterModel.KEY, "the cluster's model");
      List<StoredFieldTypes> seen = new ArrayList<>();

      ModelKey.Written written = key.write(current -> {
        StoredFieldTypes stored = key.storedTypes(current);
        seen.add(stored);
        if (seen.size() == 1) { // another node's PUT lands between this read and this write
          put(kv, ints("2"), amountAs("int", "double"));
        }
        return new ModelKey.Checked("yaml", withoutAmount("3"), stored, List.of());
      });

      assertThat(seen).as("checked again against the other node's record").hasSize(2);
      assertThat(seen.get(1).toMap().get("Account").get("Deposited").get("amount")).containsExactly("int",
          "double");
      assertThat(kv.get(ClusterModel.KEY).getRevision()).isEqualTo(written.revision());
      assertThat(amountTypes(kv)).containsExactly("int", "double");
    }
  }

  @Test
  void withoutARecord_aPutIsCheckedAgainstEveryModelThisNodeLoaded() throws IOException {
    try (AetherNode node = AetherNode.start(NodeConfig.builder().httpPort(0).store(StoreKind.MEMORY)
        .model(file("v1", ints("1"))).dataDir(dir).build())) {
      Api api = new Api(node.uri());
      assertThat(api.command("Account", "a", "Deposit", "{\"amount\": 5}").status()).isEqualTo(200);
      assertThat(putModel(api, withoutAmount("2")).status()).isEqualTo(200);

      Api.Answer refused = putModel(api, strings("3"));

      assertThat(refused.status()).as(refused.body()).isEqualTo(400);
      assertThat(refused.body()).contains("event-field-type-changed", "as int, not string");
      assertThat(api.get("/v1/model").json().get("version").asText()).as("the running model stays").isEqualTo("2");
    }
  }

  private static void put(KeyValue kv, String text, Map<String, Map<String, Map<String, List<String>>>> types) {
    try {
      kv.put(ClusterModel.KEY, record(text, types));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> amountTypes(KeyValue kv) throws Exception {
    RecordedModel recorded = RecordedModel.decode(kv.get(ClusterModel.KEY).getValue(), "the cluster's model");
    return recorded.recordedTypes().orElseThrow().toMap().get("Account").get("Deposited").get("amount");
  }
}
