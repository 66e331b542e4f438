package dev.aether.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.aether.testkit.net.RefusingPort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line without a node: help, version, usage errors, an unreachable node, model validation. */
class AetherCliTest {

  @TempDir
  Path dir;

  @Test
  void help_onEveryCommand_listsTheExitCodes() {
    for (String[] args : new String[][] {{"--help"}, {"send", "--help"}, {"state", "--help"},
        {"events", "--help"}, {"tail", "--help"}, {"model", "validate", "--help"}, {"model", "load", "--help"},
        {"cluster", "status", "--help"}, {"dead-letters", "--help"}, {"dead-letters", "replay", "--help"},
        {"dead-letters", "discard", "--help"}, {"reactions", "--help"}}) {
      CliRun run = CliRun.of(args);
      assertThat(run.code()).as(String.join(" ", args)).isZero();
      assertThat(run.out()).as(String.join(" ", args))
          .contains("Exit codes:", "3   node unreachable", "--url", "--version");
    }
  }

  @Test
  void serveHelp_hasItsOwnExitCodes_andNoClientOptions() {
    CliRun run = CliRun.of("serve", "--help");
    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("Usage: aether serve", "--model", "--nats", "Exit codes:", "2   configuration")
        .doesNotContain("--url", "--token", "node unreachable");
  }

  @Test
  void version_printsTheVersionAndTheJvm() {
    CliRun run = CliRun.of("--version");
    assertThat(run.code()).isZero();
    assertThat(run.out()).startsWith("aether ").contains("JVM " + System.getProperty("java.version"));
  }

  @Test
  void noCommand_printsUsage_exit2() {
    CliRun run = CliRun.of();
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("Usage: aether", "send", "model");
  }

  @Test
  void unknownOption_isOneErrorLineAndAHint_exit2() {
    CliRun run = CliRun.of("state", "Account", "a", "--bogus");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: Unknown option: '--bogus'")
        .contains("Try 'aether state --help'.").doesNotContain("Exception", "\tat ");
  }

  @Test
  void aBlankTypeIdOrCommand_isAUsageErrorNamingIt_exit2_nothingSent() throws IOException {
    try (Requests node = Requests.start()) {
      for (String[] args : new String[][] {{"send", "Account", "", "Open"}, {"send", "Account", "a", " "},
          {"state", "", "a"}, {"events", "Account", " "}, {"tail", "Account", ""}}) {
        CliRun run = CliRun.of(concat(args, "--url", node.url()));
        assertThat(run.code()).as(String.join("|", args)).isEqualTo(2);
        assertThat(run.err()).as(String.join("|", args))
            .matches("error: (TYPE|ID|COMMAND) must not be blank\nTry 'aether [a-z]+ --help'\\.\n");
      }
      assertThat(node.requests()).isZero();
    }
  }

  @Test
  void missingArgument_exit2() {
    CliRun run = CliRun.of("send", "Account", "a");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: Missing required parameter: 'COMMAND'");
  }

  @Test
  void send_payloadNotJson_exit2_beforeAnyRequest() {
    CliRun run = CliRun.of("--url", "http://127.0.0.1:1", "send", "Account", "a", "Deposit", "{amount: 1}");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: the payload is not JSON: ").contains("line 1, column 2");
    CliRun unclosed = CliRun.of("--url", "http://127.0.0.1:1", "send", "Account", "a", "Open", "{\"owner\": \"Ada\"");
    assertThat(unclosed.err()).as("the parser's own notes left out").startsWith("error: the payload is not JSON: "
        + "Unexpected end-of-input: expected close marker for Object at line 1, column 16\n");
  }

  @Test
  void send_payloadNotAnObject_exit2() {
    CliRun run = CliRun.of("send", "Account", "a", "Deposit", "[1]");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("error: the payload must be a JSON object ({...}), not [1]\n"
        + "Try 'aether send --help'.\n");
  }

  @Test
  void send_payloadTwice_exit2() {
    CliRun run = CliRun.of("send", "Account", "a", "Deposit", "{}", "-d", "{}");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("give the payload once");
  }

  @Test
  void send_payloadFileMissing_exit2_sayingWhy() {
    Path missing = dir.resolve("none.json");
    CliRun run = CliRun.of("send", "Account", "a", "Deposit", "-d", "@" + missing);
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("error: cannot read the payload file " + missing + ": no such file\n"
        + "Try 'aether send --help'.\n");
    CliRun directory = CliRun.of("send", "Account", "a", "Deposit", "-d", "@" + dir);
    assertThat(directory.code()).isEqualTo(2);
    assertThat(directory.err()).startsWith("error: cannot read the payload file " + dir
        + ": it is a directory, not a file\n");
  }

  @Test
  void send_badTimeout_exit2() {
    CliRun run = CliRun.of("send", "Account", "a", "Deposit", "--timeout", "5 seconds");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("error: --timeout 5 seconds is not a duration like 500ms, 5s, 1m or 1h\n"
        + "Try 'aether send --help'.\n");
    CliRun zero = CliRun.of("send", "Account", "a", "Deposit", "--timeout", "0s");
    assertThat(zero.code()).isEqualTo(2);
    assertThat(zero.err()).isEqualTo("error: --timeout must be more than 0, not 0s\nTry 'aether send --help'.\n");
    CliRun negative = CliRun.of("send", "Account", "a", "Deposit", "--timeout", "-PT5S");
    assertThat(negative.err()).startsWith("error: --timeout must be more than 0, not -PT5S\n");
    for (String over : new String[] {"61m", "2h", "1d"}) {
      CliRun tooLong = CliRun.of("send", "Account", "a", "Deposit", "--timeout", over);
      assertThat(tooLong.code()).isEqualTo(2);
      assertThat(tooLong.err()).isEqualTo("error: --timeout must be at most 1h (the node's limit), not " + over
          + "\nTry 'aether send --help'.\n");
    }
  }

  @Test
  void send_timeout_takesWhatTheNodeTakes_upTo1h() {
    // found by a README walkthrough: "at most 1h", but 1h itself was "not a duration" (only ms, s and m were read)
    assertThat(SendCommand.parseTimeout("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(SendCommand.parseTimeout("60m")).isEqualTo(Duration.ofHours(1));
    assertThat(SendCommand.parseTimeout("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(SendCommand.parseTimeout("PT30S")).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void send_aKeyOrCorrelationIdThatIsNotPrintableAscii_isAUsageErrorNamingTheOption_nothingSent() throws IOException {
    try (Requests node = Requests.start()) {
      for (String[] option : new String[][] {{"--key", "héllo"}, {"--key", "ключ-1"}, {"--key", "a\tb"},
          {"--correlation-id", "corr-é"}, {"--correlation-id", "line\nbreak"}}) {
        CliRun run = CliRun.of("--url", node.url(), "send", "Account", "a", "Deposit", "{}", option[0], option[1]);
        assertThat(run.code()).as(String.join(" ", option)).isEqualTo(2);
        assertThat(run.err()).as(String.join(" ", option)).startsWith("error: " + option[0] + " ")
            .contains("is not printable ASCII", "at most 256 characters").endsWith("Try 'aether send --help'.\n");
      }
      CliRun tooLong = CliRun.of("--url", node.url(), "send", "Account", "a", "Deposit", "--key", "k".repeat(257));
      assertThat(tooLong.code()).isEqualTo(2);
      assertThat(tooLong.err()).startsWith("error: --key is 257 characters long: at most 256\n");
      CliRun empty = CliRun.of("--url", node.url(), "send", "Account", "a", "Deposit", "--correlation-id", "");
      assertThat(empty.code()).isEqualTo(2);
      assertThat(empty.err()).startsWith("error: --correlation-id must not be blank\n");
      CliRun blank = CliRun.of("--url", node.url(), "send", "Account", "a", "Deposit", "--key", "  ");
      assertThat(blank.code()).isEqualTo(2);
      assertThat(blank.err()).startsWith("error: --key must not be blank\n");
      assertThat(node.requests()).as("nothing sent half-formed").isZero();
      CliRun longest = CliRun.of("--url", node.url(), "send", "Account", "a", "Deposit", "--key", "k".repeat(256),
          "--correlation-id", "printable ~!#$%&'*+-.^_`|");
      assertThat(longest.code()).as(longest.err()).isZero();
      assertThat(node.requests()).isEqualTo(1);
    }
  }

  @Test
  void aTokenThatIsNotPrintableAscii_isAUsageErrorNamingItsSource_onEveryCommand_neverPrinted() throws IOException {
    try (Requests node = Requests.start()) {
      for (String[] args : new String[][] {{"state", "Account", "a"}, {"send", "Account", "a", "Open"},
          {"cluster", "status"}, {"dead-letters"}, {"reactions"}, {"read-model", "Balances"},
          {"events", "Account", "a"}, {"dead-letters", "discard", "x"}}) {
        CliRun fromEnv = CliRun.withEnv(Map.of("AETHER_TOKEN", "s3cret-tökén-0123456789", "AETHER_URL", node.url()),
            args);
        assertThat(fromEnv.code()).as(String.join(" ", args)).isEqualTo(2);
        assertThat(fromEnv.err()).as(String.join(" ", args))
            .startsWith("error: AETHER_TOKEN: the token's character 9 is not printable ASCII")
            .doesNotContain("s3cret");
        CliRun flag = CliRun.of(concat(args, "--url", node.url(), "--token", "s3cret token 0123456789"));
        assertThat(flag.code()).as(String.join(" ", args)).isEqualTo(2);
        assertThat(flag.err()).startsWith("error: --token: the token's character 7 is a space").doesNotContain("s3cret");
      }
      assertThat(node.requests()).as("nothing sent half-formed").isZero();
    }
  }

  @Test
  void badUrlFromTheEnvironment_namesTheVariable_exit2() {
    CliRun run = CliRun.withEnv(Map.of("AETHER_URL", "localhost:8080"), "state", "Account", "a");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: AETHER_URL localhost:8080 is not an http:// or https:// address");
  }

  @Test
  void badUrl_exit2() {
    CliRun run = CliRun.of("--url", "localhost:8080", "state", "Account", "a");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("error: --url localhost:8080 is not an http:// or https:// address of a node\n"
        + "Try 'aether state --help'.\n");
  }

  @Test
  void unreachableNode_namesTheUrl_exit3_urlBeforeOrAfterTheCommand() throws IOException {
    try (RefusingPort down = RefusingPort.open()) {
      String url = "http://127.0.0.1:" + down.port();
      for (String[] args : new String[][] {{"--url", url, "state", "Account", "a"},
          {"state", "Account", "a", "--url", url}, {"cluster", "status", "--url", url},
          {"--url", url, "model", "load", modelFile().toString()}, {"events", "Account", "a", "--url", url},
          {"tail", "Account", "a", "--url", url}}) {
        CliRun run = CliRun.of(args);
        assertThat(run.code()).as(String.join(" ", args)).isEqualTo(3);
        assertThat(run.err()).as(String.join(" ", args))
            .isEqualTo("error: cannot reach the node at " + url + " (connection refused)\n");
        assertThat(run.out()).isEmpty();
      }
    }
  }

  @Test
  void unreachableNode_onSend_saysNothingWasSent() {
    try (RefusingPort down = RefusingPort.open()) {
      String url = "http://127.0.0.1:" + down.port();
      CliRun run = CliRun.of("--url", url, "send", "Account", "a", "Deposit", "{}", "--key", "k-1");
      assertThat(run.code()).isEqualTo(3);
      assertThat(run.err()).isEqualTo("error: cannot reach the node at " + url
          + " (connection refused; nothing was sent, so nothing was applied)\n");
    }
  }

  @Test
  void aConnectionThatBreaksAfterTheRequest_onSend_theOutcomeIsUnknown_namesTheKeyToResendWith() throws Exception {
    try (ServerSocket node = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> { // takes the request, then the connection breaks without an answer
        for (int i = 0; i < 2; i++) { // the client may try a second connection
          try (Socket s = node.accept()) {
            s.getInputStream().read(new byte[8192]);
          } catch (IOException e) {
            return;
          }
        }
      });
      String url = "http://127.0.0.1:" + node.getLocalPort();
      CliRun run = CliRun.of("--url", url, "send", "Account", "a", "Deposit", "{}", "--key", "k-2");
      assertThat(run.code()).as("no outcome: as a 504, not an unreachable node").isEqualTo(5);
      assertThat(run.err()).startsWith("error: cannot reach the node at " + url)
          .endsWith("; the outcome is unknown; resend with --key k-2)\n");
    }
  }

  @Test
  void send_noOutcomeWithinTheDeadline504_exit5_namesTheKeyToResendWith() throws IOException {
    // The node's 504 is produced for real in the server's NodeFailuresIT (a paused nats-server); here a
    // socket that answers as the node does checks what the CLI makes of it.
    try (Requests node = Requests.answering(504,
        "{\"error\":\"TIMEOUT\",\"message\":\"no outcome within PT0.3S\"}")) {
      CliRun run = CliRun.of("--url", node.url(), "send", "Account", "a", "Deposit", "{}", "--key", "k-504");
      assertThat(run.code()).isEqualTo(5);
      assertThat(run.err()).isEqualTo("error: no outcome within PT0.3S [TIMEOUT, HTTP 504]; resend with --key k-504\n");
    }
  }

  @Test
  void state_printsNumbersAsTheNodeSentThem_wholeDoublesKeepTheirFraction() throws IOException {
    // found by a new user: 20.0 printed as 2E+1 and 3.0 as 3 (Jackson stripped the BigDecimal's zeros)
    try (Requests node = Requests.answering(200, "{\"state\":{\"total\":20.0,\"n\":3.0,\"price\":2.50,"
        + "\"count\":7,\"exact\":0.1000000000000000055511151231257827},\"version\":2}")) {
      CliRun run = CliRun.of("--url", node.url(), "state", "Order", "o-2");
      assertThat(run.code()).isZero();
      assertThat(run.out()).contains("\"total\" : 20.0,", "\"n\" : 3.0,", "\"price\" : 2.50,", "\"count\" : 7,",
          "\"exact\" : 0.1000000000000000055511151231257827").doesNotContain("E+");
    }
  }

  @Test
  void urlAndToken_fromTheEnvironment_flagWins() {
    try (RefusingPort down = RefusingPort.open(); RefusingPort otherDown = RefusingPort.open()) {
      String url = "http://127.0.0.1:" + down.port();
      CliRun fromEnv = CliRun.withEnv(Map.of("AETHER_URL", url), "state", "Account", "a");
      assertThat(fromEnv.err()).contains("cannot reach the node at " + url + " ");
      String other = "http://127.0.0.1:" + otherDown.port() + "/";
      CliRun flag = CliRun.withEnv(Map.of("AETHER_URL", url), "state", "Account", "a", "--url", other);
      assertThat(flag.err()).contains("cannot reach the node at " + other + " ");
    }
  }

  @Test
  void defaultUrl_isLoopback8080() {
    CliRun help = CliRun.of("state", "--help");
    assertThat(help.out()).contains("default http://127.0.0.1:8080");
  }

  @Test
  void modelValidate_aValidModel_printsItAsGetModelDoes_exit0() throws IOException {
    CliRun run = CliRun.of("model", "validate", modelFile().toString());
    assertThat(run.code()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(Console.JSON.readTree(run.out()).toString()).isEqualTo("{\"name\":\"bank\",\"version\":\"1\","
        + "\"aggregates\":{\"Account\":{\"commands\":[\"Open\",\"Deposit\"],\"internalCommands\":[],"
        + "\"state\":[\"balance\"]}},\"policies\":[],\"readModels\":[],\"warnings\":[]}");
  }

  @Test
  void modelValidate_listsTheWarnings_asPutModelAnswersThem() throws IOException {
    Path file = Files.writeString(dir.resolve("warned.yaml"), Files.readString(modelFile()).replace(
        "fields: [{name: amount, type: int}]", "fields: [{name: amount, type: int, min: 1}]"));
    CliRun run = CliRun.of("model", "validate", file.toString());
    assertThat(run.code()).isZero();
    assertThat(Console.JSON.readTree(run.out()).get("warnings").findValuesAsText("id")).contains("ignored-constraint");
  }

  @Test
  void modelValidate_everyErrorWithItsPath_exit1() throws IOException {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, """
        name: bank
        version: "1"
        aggregates:
          - name: Account
            state:
              - {name: balance, type: int}
            comands: []
            commands:
              - name: Deposit
                fields: [{name: amount, type: int}]
                guards: ["cmd.amout > 0"]
                emits: [Deposited]
            events:
              - name: Deposited
                fields: [{name: amount, type: money}]
                apply: {balance: "state.balance + event.amount"}
        """);
    CliRun run = CliRun.of("model", "validate", file.toString());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    List<String> lines = run.err().lines().toList();
    assertThat(lines.get(0)).as("one error line first, as the README shows")
        .isEqualTo("error: " + file + ": the model has " + (lines.size() - 1) + " error(s) [INVALID_MODEL]");
    assertThat(lines.subList(1, lines.size())).as(run.err()).hasSize(3).allMatch(l -> l.startsWith("  aggregates."))
        .anyMatch(l -> l.startsWith("  aggregates.Account.comands: parse-error: "))
        .anyMatch(l -> l.startsWith("  aggregates.Account.commands.Deposit.guards[0]: ") && l.contains("amout"))
        .anyMatch(l -> l.startsWith("  aggregates.Account.events.Deposited.fields.amount.type: unknown-type: "));
  }

  @Test
  void modelValidate_notYaml_oneErrorLinePerProblem() throws IOException {
    Path file = dir.resolve("not-yaml.yaml");
    Files.writeString(file, "name: bank\naggregates: [\n  - {name: Account\n");
    CliRun run = CliRun.of("model", "validate", file.toString());
    assertThat(run.code()).isEqualTo(1);
    List<String> lines = run.err().lines().toList();
    assertThat(lines).as(run.err()).hasSize(2);
    assertThat(lines.get(0)).isEqualTo("error: " + file + ": the model has 1 error(s) [INVALID_MODEL]");
    assertThat(lines.get(1)).as("the parser's message on one line").contains(": parse-error: ").startsWith("  ");
  }

  @Test
  void modelValidate_noSuchFile_exit2() {
    Path missing = dir.resolve("missing.yaml");
    CliRun run = CliRun.of("model", "validate", missing.toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("error: " + missing + ": no such file\nTry 'aether model validate --help'.\n");
  }

  @Test
  void modelWithoutSubcommand_printsUsage_exit2() {
    CliRun run = CliRun.of("model");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("validate", "load");
  }

  private Path modelFile() throws IOException {
    Path file = dir.resolve("small.yaml");
    Files.writeString(file, """
        name: bank
        version: "1"
        aggregates:
          - name: Account
            state: [{name: balance, type: int}]
            commands:
              - {name: Open, emits: [Opened]}
              - name: Deposit
                fields: [{name: amount, type: int, min: 1}]
                emits: [Deposited]
            events:
              - {name: Opened}
              - name: Deposited
                fields: [{name: amount, type: int}]
                apply: {balance: "state.balance + event.amount"}
        """);
    return file;
  }

  private static String[] concat(String[] args, String... more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

  /** A stand-in node that answers every request with one status and JSON body (200 {}) and counts them. */
  private record Requests(HttpServer server, java.util.concurrent.atomic.AtomicInteger count) implements AutoCloseable {

    static Requests start() throws IOException {
      return answering(200, "{}");
    }

    static Requests answering(int status, String json) throws IOException {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
      server.createContext("/", exchange -> {
        count.incrementAndGet();
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      server.start();
      return new Requests(server, count);
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int requests() {
      return count.get();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
