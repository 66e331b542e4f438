package dev.aether.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsServerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A single node restarted with a changed --model file warns of what the change takes from stored histories. */
@Tag("nats")
class ModelRecordIT {

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

  private AetherNode start(NatsServer server, Path model) {
    return AetherNode.start(NodeConfig.builder().httpPort(0).model(model).natsUrl(server.url()).dataDir(dir)
        .build());
  }

  @Test
  void aRestartWithAFileThatDropsAnEvent_warnsOfIt_andAPutModelIsWhatTheNextStartComparesWith(NatsServer server)
      throws IOException {
    Path v1 = TestModels.bank(dir);
    try (AetherNode node = start(server, v1)) {
      new Api(node.uri()).command("Account", "a", "Open", "{\"owner\":\"ann\"}");
    }
    assertThat(warnings()).as("the first start has nothing to compare with").isEmpty();

    String withoutWithdrawn = TestModels.bankYaml().replace("version: \"1\"", "version: \"2\"")
        .replaceAll("(?s)      - name: Withdraw\n.*?emits: \\[Withdrawn\\]\n", "")
        .replaceAll("(?s)      - name: Withdrawn\n.*?\n(      - name: )", "$1")
        .replaceAll("(?m)^ *- \\{event: Withdrawn,.*\n", "");
    assertThat(withoutWithdrawn).doesNotContain("Withdrawn");
    Path v2 = Files.writeString(dir.resolve("bank-v2.yaml"), withoutWithdrawn);
    try (AetherNode node = start(server, v2)) {
      assertThat(warnings()).filteredOn(w -> w.contains("event-removed")).singleElement().asString()
          .contains("Withdrawn", "bank 1");
      assertThat(warnings()).as("its read model lost its Withdrawn handler").filteredOn(w -> w.contains(
          "read-model-rebuilt")).singleElement().asString().contains("Balances");
      logged.list.clear();
      Api api = new Api(node.uri());
      assertThat(api.get("/v1/model").json().get("warnings").findValuesAsText("id"))
          .as("GET /v1/model shows what the start warned of").contains("event-removed");
      assertThat(api.put("/v1/model", "application/yaml", TestModels.bankYaml()).status()).isEqualTo(200);
    }
    try (AetherNode node = start(server, v2)) {
      assertThat(warnings()).as("compared with the model put last, which had Withdrawn again")
          .filteredOn(w -> w.contains("event-removed")).singleElement().asString().contains("Withdrawn");
    }
  }

  private java.util.List<String> warnings() {
    return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
        .toList();
  }
}
