package dev.aether.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aether.server.AetherNode;
import dev.aether.server.NodeConfig;
import dev.aether.server.StoreKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every client command against a real node (part A's {@link AetherNode}, in this JVM, the HTTP API on a real
 * socket, in-memory stores): outputs, error lines and exit codes.
 */
class CliAgainstNodeTest {

  static final Path BANK = Path.of("../examples/bank.yaml");

  @TempDir
  static Path dir;

  static AetherNode node;
  static String url;

  @BeforeAll
  static void startNode() {
    node = AetherNode.start(NodeConfig.builder().store(StoreKind.MEMORY).model(BANK).httpPort(0)
        .dataDir(dir.resolve("data")).build(), Map.of());
    url = node.uri().toString();
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }

  @Test
  void send_accepted_printsTheOutcome_exit0() throws IOException {
    String id = fresh();
    CliRun run = cli("send", "Account", id, "Open", "{\"owner\": \"Ada\", \"initialDeposit\": 10}");
    assertThat(run.code()).isZero();
    assertThat(run.err()).isEmpty();
    JsonNode outcome = Console.JSON.readTree(run.out());
    assertThat(outcome.get("version").asLong()).isEqualTo(2);
    assertThat(outcome.get("duplicate").asBoolean()).isFalse();
    assertThat(outcome.get("events")).extracting(e -> e.get("eventType").asText())
        .containsExactly("Opened", "Deposited");
    assertThat(run.out()).contains("\n  \"version\" : 2,");   // pretty-printed
  }

  @Test
  void readModel_printsARow_orListsTheRowsAPageAtATime() throws IOException {
    Path model = dir.resolve("bank-with-balances.yaml"); // examples/bank.yaml has no read model
    try (var in = AetherNode.class.getResourceAsStream("/dev/aether/server/bank.yaml")) {
      Files.write(model, in.readAllBytes());
    }
    try (AetherNode withBalances = AetherNode.start(NodeConfig.builder().store(StoreKind.MEMORY).model(model)
        .httpPort(0).dataDir(dir.resolve("read-models")).build(), Map.of())) {
      String at = withBalances.uri().toString();
      for (String id : new String[] {"rm-a", "rm-b"}) {
        assertThat(CliRun.of("--url", at, "send", "Account", id, "Open", "{\"owner\": \"o\", \"initialDeposit\": 4}")
            .code()).isZero();
      }
      JsonNode row = await().atMost(Duration.ofSeconds(20)).until(() -> {
        CliRun run = CliRun.of("--url", at, "read-model", "Balances", "rm-b");
        return run.code() == 0 ? Console.JSON.readTree(run.out()) : null;
      }, java.util.Objects::nonNull);
      assertThat(row.get("row").get("balance").asLong()).isEqualTo(4);
      await().atMost(Duration.ofSeconds(20)).until(() -> CliRun.of("--url", at, "read-model", "Balances", "rm-a")
          .code() == 0);

      JsonNode page = Console.JSON.readTree(CliRun.of("--url", at, "read-model", "Balances", "--limit", "1").out());
      assertThat(page.get("rows")).extracting(r -> r.get("key").asText()).containsExactly("rm-a");
      assertThat(page.get("next").asText()).isEqualTo("rm-a");
      assertThat(page.get("total").asInt()).isEqualTo(2);
      JsonNode rest = Console.JSON.readTree(CliRun.of("--url", at, "read-model", "Balances", "--after", "rm-a").out());
      assertThat(rest.get("rows")).extracting(r -> r.get("key").asText()).containsExactly("rm-b");
      assertThat(rest.get("next").isNull()).isTrue();
      assertThat(CliRun.of("--url", at, "read-model", "Balances", "nobody").code()).isEqualTo(1);
      assertThat(CliRun.of("--url", at, "read-model", "Nope").code()).isEqualTo(1);
      assertThat(CliRun.of("--url", at, "read-model", "Balances", "rm-a", "--limit", "2").code())
          .as("a row takes no --limit").isEqualTo(2);
      assertThat(CliRun.of("--url", at, "read-model", "Balances", "--limit", "0").code()).isEqualTo(2);

      CliRun rebuild = CliRun.of("--url", at, "read-model", "Balances", "--rebuild");
      assertThat(rebuild.code()).as(rebuild.err()).isZero();
      assertThat(Console.JSON.readTree(rebuild.out()).get("rebuilding").asBoolean()).isTrue();
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        JsonNode balances = Console.JSON.readTree(CliRun.of("--url", at, "reactions").out()).get("readModels").get(0);
        assertThat(balances.get("rebuilding").asBoolean()).isFalse();
        assertThat(balances.get("eventsHandled").asLong()).as("the four events, twice").isGreaterThanOrEqualTo(8);
      });
      assertThat(CliRun.of("--url", at, "read-model", "Nope", "--rebuild").code()).isEqualTo(1);
      assertThat(CliRun.of("--url", at, "read-model", "Balances", "rm-a", "--rebuild").code())
          .as("a rebuild takes no KEY").isEqualTo(2);
    }
  }

  @Test
  void send_sameKeyTwice_storesOnce_secondIsADuplicate() throws IOException {
    String id = open();
    CliRun first = cli("send", "Account", id, "Deposit", "{\"amount\": 5}", "--key", "dep-" + id);
    CliRun second = cli("send", "Account", id, "Deposit", "{\"amount\": 5}", "--key", "dep-" + id);
    assertThat(first.code()).isZero();
    assertThat(second.code()).isZero();
    JsonNode again = Console.JSON.readTree(second.out());
    assertThat(again.get("commandId").asText()).isEqualTo("dep-" + id);
    assertThat(again.get("duplicate").asBoolean()).isTrue();
    assertThat(state(id).get("version").asLong()).isEqualTo(2);
  }

  @Test
  void send_twoKeysThatDifferOnlyOutsideAscii_neverNameOneCommand_bothRefusedBeforeSending() throws IOException {
    String id = open();
    CliRun deposit = cli("send", "Account", id, "Deposit", "{\"amount\": 1}", "--key", "héllo-" + id);
    CliRun withdraw = cli("send", "Account", id, "Withdraw", "{\"amount\": 2}", "--key", "hállo-" + id);
    CliRun cyrillic = cli("send", "Account", id, "Deposit", "{\"amount\": 1}", "--key", "ключ-1");
    for (CliRun run : new CliRun[] {deposit, withdraw, cyrillic}) {
      assertThat(run.code()).as(run.err()).isEqualTo(2);
      assertThat(run.err()).startsWith("error: --key ").contains("is not printable ASCII");
      assertThat(run.out()).isEmpty();
    }
    assertThat(state(id).get("version").asLong()).as("nothing applied").isEqualTo(1);
  }

  @Test
  void send_payloadFromAFile_andTimeoutAndCorrelation() throws IOException {
    String id = open();
    Path payload = dir.resolve("deposit.json");
    Files.writeString(payload, "{\"amount\": 7}");
    CliRun run = cli("send", "Account", id, "Deposit", "-d", "@" + payload, "--timeout", "5s",
        "--correlation-id", "corr-1");
    assertThat(run.code()).as(run.err()).isZero();
    JsonNode event = Console.JSON.readTree(run.out()).get("events").get(0);
    assertThat(event.get("data").get("amount").asLong()).isEqualTo(7);
    assertThat(event.get("metadata").get("correlationId").asText()).isEqualTo("corr-1");
  }

  @Test
  void send_businessRuleRejection_exit4_oneErrorLine() {
    String id = open();
    CliRun run = cli("send", "Account", id, "Withdraw", "{\"amount\": 1000}");
    assertThat(run.code()).isEqualTo(4);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("error: insufficient funds [BUSINESS_RULE, HTTP 409]\n");
  }

  @Test
  void send_invalidPayload_exit1_withTheFieldErrors() {
    String id = open();
    CliRun run = cli("send", "Account", id, "Deposit", "{\"amount\": -5, \"note\": \"x\"}");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err().lines().toList()).first().asString().startsWith("error: ")
        .endsWith("[INVALID_PAYLOAD, HTTP 400]");
    assertThat(run.err()).contains("\n  payload.amount: ", "\n  payload.note: ").doesNotContain("Exception");
  }

  @Test
  void send_unknownTypeOrCommand_exit1_404() {
    CliRun type = cli("send", "Nope", "a", "Open", "{}");
    assertThat(type.code()).isEqualTo(1);
    assertThat(type.err()).startsWith("error: ").contains("HTTP 404]").contains("Nope");
    CliRun command = cli("send", "Account", "a", "Close", "{}");
    assertThat(command.code()).isEqualTo(1);
    assertThat(command.err()).startsWith("error: ").contains("HTTP 404]").contains("Close");
  }

  @Test
  void state_printsStateAndVersion_exit0() throws IOException {
    String id = open();
    CliRun run = cli("state", "Account", id);
    assertThat(run.code()).isZero();
    assertThat(Console.JSON.readTree(run.out())).isEqualTo(Console.JSON.readTree(
        "{\"state\": {\"open\": true, \"owner\": \"Ada\", \"balance\": 0}, \"version\": 1}"));
  }

  @Test
  void state_ofAnIdWithSpacesQuestionMarkAndHash_isEncoded() throws IOException {
    String id = "a b?c#d%" + UUID.randomUUID();
    CliRun sent = cli("send", "Account", id, "Open", "{\"owner\": \"Ada\"}");
    assertThat(sent.code()).as(sent.err()).isZero();
    assertThat(state(id).get("state").get("owner").asText()).isEqualTo("Ada");
  }

  @Test
  void events_fromAndLimit_pageThroughTheLog() throws IOException {
    String id = fresh();
    cli("send", "Account", id, "Open", "{\"owner\": \"Ada\", \"initialDeposit\": 10}");
    cli("send", "Account", id, "Deposit", "{\"amount\": 1}");
    CliRun run = cli("events", "Account", id, "--from", "2", "--limit", "1");
    assertThat(run.code()).isZero();
    JsonNode page = Console.JSON.readTree(run.out());
    assertThat(page.get("events")).extracting(e -> e.get("version").asLong()).containsExactly(2L);
    assertThat(page.get("next").asLong()).isEqualTo(3);
    CliRun all = cli("events", "Account", id);
    assertThat(Console.JSON.readTree(all.out()).get("events")).hasSize(3);
  }

  @Test
  void events_badFrom_exit2() {
    CliRun run = cli("events", "Account", "a", "--from", "0");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("error: --from must be 1 or more, not 0\nTry 'aether events --help'.\n");
  }

  @Test
  void tail_printsStoredAndNewEvents_oneJsonLineEach_inOrder() throws Exception {
    String id = fresh();
    cli("send", "Account", id, "Open", "{\"owner\": \"Ada\", \"initialDeposit\": 10}");
    CompletableFuture<CliRun> tail = CompletableFuture.supplyAsync(() -> cli("tail", "Account", id, "-n", "4"));
    cli("send", "Account", id, "Deposit", "{\"amount\": 1}");
    cli("send", "Account", id, "Deposit", "{\"amount\": 2}");
    CliRun run = tail.get(60, TimeUnit.SECONDS);
    assertThat(run.code()).isZero();
    assertThat(run.out().lines().map(CliAgainstNodeTest::version)).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void tail_from_startsAtThatVersion() throws Exception {
    String id = fresh();
    cli("send", "Account", id, "Open", "{\"owner\": \"Ada\", \"initialDeposit\": 10}");
    cli("send", "Account", id, "Deposit", "{\"amount\": 1}");
    CliRun run = CompletableFuture.supplyAsync(() -> cli("tail", "Account", id, "--from", "2", "-n", "2"))
        .get(60, TimeUnit.SECONDS);
    assertThat(run.code()).isZero();
    assertThat(run.out().lines().map(CliAgainstNodeTest::version)).containsExactly(2L, 3L);
  }

  @Test
  void tail_theNodeGoesAway_exit3_namingTheUrl(@TempDir Path data) throws Exception {
    AetherNode leaving = AetherNode.start(NodeConfig.builder().store(StoreKind.MEMORY).model(BANK).httpPort(0)
        .dataDir(data).build(), Map.of());
    String at = leaving.uri().toString();
    String id = fresh();
    assertThat(CliRun.of("--url", at, "send", "Account", id, "Open", "{\"owner\": \"Ada\"}").code()).isZero();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> tail = CompletableFuture.supplyAsync(() -> AetherCli.run(
        new String[] {"--url", at, "tail", "Account", id}, Map.of(), new PrintWriter(out, true),
        new PrintWriter(err, true)));
    await().atMost(Duration.ofSeconds(60)).until(() -> out.toString().contains("\"Opened\""));
    leaving.close();
    assertThat(tail.get(60, TimeUnit.SECONDS)).isEqualTo(3);
    assertThat(err.toString()).startsWith("error: cannot reach the node at " + at + " (");
  }

  @Test
  void tail_unknownType_exit1() {
    CliRun run = cli("tail", "Nope", "a");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: ").contains("HTTP 404]");
  }

  @Test
  void modelLoad_valid_exit0_invalid_exit1_everyErrorWithItsPath() throws IOException {
    CliRun ok = cli("model", "load", BANK.toString());
    assertThat(ok.code()).isZero();
    assertThat(Console.JSON.readTree(ok.out()).get("name").asText()).isEqualTo("bank");

    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, Files.readString(BANK).replace("state.balance >= cmd.amount", "state.balanse >= 1")
        .replace("type: bool", "type: boolish"));
    CliRun refused = cli("model", "load", broken.toString());
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err().lines().toList()).first().asString().startsWith("error: ").endsWith("HTTP 400]");
    assertThat(refused.err()).contains("  aggregates.Account.commands.Withdraw.guards[1]: ",
        "  aggregates.Account.commands.Transfer.guards[2]: ", "  aggregates.Account.state.open.type: ");
    assertThat(cli("send", "Account", open(), "Deposit", "{\"amount\": 1}").code())
        .as("the running model stays").isZero();
  }

  @Test
  void modelLoad_dryRun_answersTheWarningsOfReplacingTheRunningModel_andLoadsNothing() throws Exception {
    // found by a new user: what a model change warned of was known only once the change was live
    assertThat(cli("model", "load", BANK.toString()).code()).isZero();
    Path withoutWithdraw = dir.resolve("no-withdraw.yaml");
    Files.writeString(withoutWithdraw, Files.readString(BANK).replace("version: \"1\"", "version: \"2\"")
        .replaceAll("(?s)      - name: Withdraw\n.*?emits: \\[Withdrawn\\]\n", ""));

    CliRun dry = cli("model", "load", withoutWithdraw.toString(), "--dry-run");

    assertThat(dry.code()).as(dry.err()).isZero();
    com.fasterxml.jackson.databind.JsonNode answer = Console.JSON.readTree(dry.out());
    assertThat(answer.get("dryRun").asBoolean()).isTrue();
    assertThat(answer.get("version").asText()).isEqualTo("2");
    assertThat(answer.get("warnings").findValuesAsText("id")).contains("command-removed");
    String account = open();
    assertThat(cli("send", "Account", account, "Withdraw", "{\"amount\": 1}").code()).as("still version 1")
        .isNotEqualTo(1);
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    assertThat(Console.JSON.readTree(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url
        + "/v1/model")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body()).get("version").asText())
        .isEqualTo("1");
    java.net.http.HttpResponse<String> bad = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url
        + "/v1/model?dryRun=yes")).header("Content-Type", "application/yaml")
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(Files.readString(BANK))).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("\"field\":\"dryRun\"");
  }

  @Test
  void modelLoad_anEventFieldsTypeChange_isRefusedNamingIt_dryRunListsIt_forceLoadsIt() throws Exception {
    // found by a user evaluation: the change was only warned of, and every history holding the event was lost
    try (AetherNode own = AetherNode.start(NodeConfig.builder().store(StoreKind.MEMORY).model(BANK).httpPort(0)
        .dataDir(dir.resolve("type-change")).build(), Map.of())) {
      String at = own.uri().toString();
      Path retyped = dir.resolve("owner-as-int.yaml");
      Files.writeString(retyped, Files.readString(BANK).replace("version: \"1\"", "version: \"2\"")
          .replace("          - event: Opened\n", "          - event: Opened\n            data: {owner: \"size(cmd.owner)\"}\n")
          .replace("fields: [{name: owner, type: string}]\n        apply: {open: \"true\", owner: event.owner}",
              "fields: [{name: owner, type: int}]\n        apply: {open: \"true\", owner: \"string(event.owner)\"}"));

      CliRun refused = CliRun.of("--url", at, "model", "load", retyped.toString());

      assertThat(refused.code()).as(refused.out()).isEqualTo(1);
      assertThat(refused.err().lines().toList()).first().asString().startsWith("error: ").contains("force")
          .contains("INVALID_MODEL").endsWith("HTTP 400]");
      assertThat(refused.err()).contains("  aggregates.Account.events.Opened.fields.owner: event-field-type-changed: "
          + "stored Opened events hold owner as string, not int");
      CliRun dry = CliRun.of("--url", at, "model", "load", retyped.toString(), "--dry-run");
      assertThat(dry.code()).as(dry.err()).isZero();
      JsonNode answer = Console.JSON.readTree(dry.out());
      assertThat(answer.get("refused").findValuesAsText("id")).containsExactly("event-field-type-changed");
      assertThat(answer.get("refused").findValuesAsText("path"))
          .containsExactly("aggregates.Account.events.Opened.fields.owner");
      assertThat(CliRun.of("--url", at, "model", "load", BANK.toString(), "--dry-run").out())
          .contains("\"refused\" : [ ]");
      assertThat(runningVersion(at)).as("refused: still version 1").isEqualTo("1");

      CliRun forced = CliRun.of("--url", at, "model", "load", retyped.toString(), "--force");

      assertThat(forced.code()).as(forced.err()).isZero();
      assertThat(Console.JSON.readTree(forced.out()).get("warnings").findValuesAsText("id"))
          .contains("event-field-type-changed");
      assertThat(runningVersion(at)).isEqualTo("2");
    }
  }

  @Test
  void modelLoad_anotherModelUnderTheRunningVersion_isRefused_theSameModelReloads() throws Exception {
    try (AetherNode own = AetherNode.start(NodeConfig.builder().store(StoreKind.MEMORY).model(BANK).httpPort(0)
        .dataDir(dir.resolve("version-label")).build(), Map.of())) {
      String at = own.uri().toString();
      Path sameLabel = dir.resolve("same-label.yaml");
      Files.writeString(sameLabel, Files.readString(BANK).replace("the account is not open", "closed"));
      Path reformatted = dir.resolve("reformatted.yaml");
      Files.writeString(reformatted, "# reformatted\n" + Files.readString(BANK).replace(": ", ":   "));

      CliRun refused = CliRun.of("--url", at, "model", "load", sameLabel.toString());

      assertThat(refused.code()).isEqualTo(1);
      assertThat(refused.err()).contains("  version: version-reused: model bank version 1 differs");
      assertThat(CliRun.of("--url", at, "model", "load", reformatted.toString()).code()).isZero();
      assertThat(CliRun.of("--url", at, "model", "load", sameLabel.toString(), "--force").code()).isZero();
    }
  }

  @Test
  void modelValidate_printsTheModelAsGetModelDoes_andAnInvalidOneAsModelLoadDoes() throws Exception {
    CliRun valid = cli("model", "validate", BANK.toString());
    assertThat(valid.code()).as(valid.err()).isZero();
    java.net.http.HttpResponse<String> get = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/v1/model")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(Console.JSON.readTree(valid.out())).isEqualTo(Console.JSON.readTree(get.body()));

    Path broken = dir.resolve("broken-twice.yaml");
    Files.writeString(broken, Files.readString(BANK).replace("state.balance >= cmd.amount", "state.balanse >= 1")
        .replace("type: bool", "type: boolish"));
    CliRun validated = cli("model", "validate", broken.toString());
    CliRun loaded = cli("model", "load", broken.toString());
    assertThat(validated.code()).isEqualTo(1);
    assertThat(loaded.code()).isEqualTo(1);
    assertThat(validated.err().lines().toList()).first().asString()
        .isEqualTo("error: " + broken + ": the model has 3 error(s) [INVALID_MODEL]");
    assertThat(validated.err().lines().skip(1).toList()).as("one line per problem, as model load prints them")
        .hasSize(3).containsExactlyElementsOf(loaded.err().lines().skip(1).toList());
  }

  @Test
  void modelLoad_json_isSentAsJson() throws IOException {
    Path json = dir.resolve("bank.json");
    Files.writeString(json, Console.JSON.writeValueAsString(
        new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
            .readTree(BANK.toFile())));
    CliRun ok = cli("model", "load", json.toString());
    assertThat(ok.code()).as(ok.err()).isZero();
  }

  @Test
  void deadLetters_areListed_andReplayedOnceTheCauseIsFixed() throws IOException {
    Path model = dir.resolve("guarded-bank.yaml"); // its ReceiveTransfer refuses an account that is not open
    try (var in = AetherNode.class.getResourceAsStream("/dev/aether/server/bank.yaml")) {
      Files.write(model, in.readAllBytes());
    }
    try (AetherNode guarded = AetherNode.start(NodeConfig.builder().store(StoreKind.MEMORY).model(model).httpPort(0)
        .dataDir(dir.resolve("dead-letters")).build(), Map.of())) {
      String at = guarded.uri().toString();
      assertThat(CliRun.of("--url", at, "send", "Account", "dl-from", "Open",
          "{\"owner\": \"o\", \"initialDeposit\": 9}").code()).isZero();
      assertThat(CliRun.of("--url", at, "send", "Account", "dl-from", "Transfer", "{\"to\": \"dl-to\", \"amount\": 4}")
          .code()).isZero();
      JsonNode letters = await().atMost(Duration.ofSeconds(20)).until(() -> Console.JSON.readTree(
          CliRun.of("--url", at, "dead-letters").out()).get("deadLetters"), l -> l.size() == 1);
      String id = letters.get(0).get("id").asText();
      assertThat(letters.get(0).get("lastError").asText()).contains("not open");
      JsonNode ofPolicy = Console.JSON.readTree(CliRun.of("--url", at, "dead-letters", "--policy", "creditTransfer",
          "--limit", "1").out());
      assertThat(ofPolicy.get("deadLetters")).hasSize(1);
      assertThat(ofPolicy.get("more").asBoolean()).isFalse();
      assertThat(CliRun.of("--url", at, "dead-letters", "--policy", "other policy").code())
          .as("a policy neither the model nor a letter has: the node answers 400").isEqualTo(1);
      assertThat(CliRun.of("--url", at, "dead-letters", "--limit", "0").code()).isEqualTo(2);
      JsonNode reactions = Console.JSON.readTree(CliRun.of("--url", at, "reactions").out());
      assertThat(reactions.get("policies").get(0).get("deadLetters").asLong()).isEqualTo(1);

      CliRun stillRefused = CliRun.of("--url", at, "dead-letters", "replay", id);
      assertThat(stillRefused.code()).as("still refused: " + stillRefused.err()).isEqualTo(4);
      assertThat(Console.JSON.readTree(stillRefused.out()).get("resolved").asBoolean()).isFalse();
      assertThat(CliRun.of("--url", at, "send", "Account", "dl-to", "Open", "{\"owner\": \"p\"}").code()).isZero();
      CliRun replayed = CliRun.of("--url", at, "dead-letters", "replay", id);
      assertThat(Console.JSON.readTree(replayed.out()).get("resolved").asBoolean()).as(replayed.out()).isTrue();
      assertThat(Console.JSON.readTree(CliRun.of("--url", at, "dead-letters").out()).get("deadLetters")).isEmpty();
      CliRun gone = CliRun.of("--url", at, "dead-letters", "replay", id);
      assertThat(gone.code()).isEqualTo(1);
      assertThat(gone.err()).contains("NOT_FOUND");

      assertThat(CliRun.of("--url", at, "send", "Account", "dl-from", "Transfer",
          "{\"to\": \"dl-none\", \"amount\": 1}").code()).isZero();
      String other = await().atMost(Duration.ofSeconds(20)).until(() -> Console.JSON.readTree(CliRun.of("--url", at,
          "dead-letters").out()).get("deadLetters"), l -> l.size() == 1).get(0).get("id").asText();
      assertThat(CliRun.of("--url", at, "dead-letters", "discard", other).code()).isZero();
      assertThat(Console.JSON.readTree(CliRun.of("--url", at, "dead-letters").out()).get("deadLetters")).isEmpty();
      assertThat(CliRun.of("--url", at, "dead-letters", "discard", other).code()).isEqualTo(1);
    }
  }

  @Test
  void clusterStatus_single_node_exit0() throws IOException {
    CliRun run = cli("cluster", "status");
    assertThat(run.code()).isZero();
    assertThat(Console.JSON.readTree(run.out()).toString()).contains("node-1");
  }

  @Test
  void notAnAetherNode_answerIsReportedWithItsStatus() {
    CliRun run = CliRun.of("--url", url + "/nothing-here", "state", "Account", "a");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: ").contains("HTTP 404");
  }

  @Test
  void token_requiredByTheNode_missing401_flagOrEnvPasses(@TempDir Path data) {
    try (AetherNode secured = AetherNode.start(NodeConfig.builder().store(StoreKind.MEMORY).model(BANK)
        .httpPort(0).dataDir(data).authToken("s3cret-token-0123456789").build(), Map.of())) {
      String at = secured.uri().toString();
      CliRun none = CliRun.of("--url", at, "cluster", "status");
      assertThat(none.code()).isEqualTo(1);
      assertThat(none.err()).startsWith("error: ").contains("HTTP 401]");
      assertThat(CliRun.of("--url", at, "--token", "s3cret-token-0123456789", "cluster", "status").code()).isZero();
      assertThat(CliRun.withEnv(Map.of("AETHER_TOKEN", "s3cret-token-0123456789"), "--url", at, "cluster",
          "status").code()).isZero();
      assertThat(CliRun.of("--url", at, "--token", "wrong", "state", "Account", "a").code()).isEqualTo(1);
    }
  }

  private static long version(String line) {
    try {
      return Console.JSON.readTree(line).get("version").asLong();
    } catch (IOException e) {
      throw new AssertionError("not one JSON event per line: " + line, e);
    }
  }

  private static CliRun cli(String... args) {
    return CliRun.withEnv(Map.of("AETHER_URL", url), args);
  }

  private static String runningVersion(String at) throws IOException {
    try {
      return Console.JSON.readTree(java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
          .newBuilder(java.net.URI.create(at + "/v1/model")).build(), java.net.http.HttpResponse.BodyHandlers
          .ofString()).body()).get("version").asText();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static String fresh() {
    return "acc-" + UUID.randomUUID();
  }

  private static String open() {
    String id = fresh();
    CliRun run = cli("send", "Account", id, "Open", "{\"owner\": \"Ada\"}");
    assertThat(run.code()).as(run.err()).isZero();
    return id;
  }

  private static JsonNode state(String id) throws IOException {
    CliRun run = cli("state", "Account", id);
    assertThat(run.code()).as(run.err()).isZero();
    return Console.JSON.readTree(run.out());
  }
}
