package dev.aether.bench.server;

import dev.aether.runtime.CommandGateway;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.server.AetherNode;
import dev.aether.server.NodeConfig;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One Aether node as {@code aether serve} runs it on the embedded default (its own nats-server with
 * JetStream, data in a temporary directory, HTTP on a free loopback port) with a bank model, its accounts
 * opened; an HTTP/1.1 client (keep-alive) of its API and its in-process gateway, so that both sides of a case
 * send the same commands to the same node. {@link #close()} stops the node and deletes the directory.
 */
final class ServerRig implements AutoCloseable {

  static final String TYPE = "Account";
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
  private static final HeaderName IDEMPOTENCY_KEY = HeaderNames.create("Idempotency-Key");
  private static final int OPEN_BATCH = 64;
  static final String MODEL = """
      name: bank
      version: "1"
      aggregates:
        - name: Account
          state:
            - {name: open, type: bool}
            - {name: balance, type: int}
          commands:
            - name: Open
              fields: [{name: owner, type: string, min: 1, max: 64}]
              guards: [{expr: "!state.open", message: "the account is already open"}]
              emits: [Opened]
            - name: Deposit
              fields: [{name: amount, type: int, min: 1, max: 1000000}]
              guards: [{expr: state.open, message: "the account is not open"}]
              emits: [Deposited]
          events:
            - name: Opened
              fields: [{name: owner, type: string}]
              apply: {open: "true"}
            - name: Deposited
              fields: [{name: amount, type: int}]
              apply: {balance: "state.balance + event.amount"}
      """;

  private final Path dir;
  private final AetherNode node;
  private final HttpClient http;
  private final HttpClient http2;
  private final WebClient webClient;
  private final List<String> accounts = new ArrayList<>();
  private final List<RawHttpConnection> raw = new CopyOnWriteArrayList<>();

  private ServerRig(Path dir, AetherNode node) {
    this.dir = dir;
    this.node = node;
    // The exchange's tasks run on the client's selector thread instead of a hop to its default cached thread
    // pool: measured ~85 us less CPU per command here (227 vs 312 us, same-JVM alternation, 64 clients).
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Runnable::run)
        .connectTimeout(Duration.ofSeconds(10)).build();
    // java.net.http as a user writes it: its default version is HTTP_2, which over http:// asks for an h2c
    // upgrade on a request without a body (never on a POST), so that one GET first moves it to ONE HTTP/2
    // connection that every client's requests share (streams); see upgradeToHttp2()
    this.http2 = HttpClient.newHttpClient();
    // Helidon's client, blocking on the caller's (virtual) thread; idle kept-alive connections are pooled
    this.webClient = WebClient.builder().baseUri(node.uri()).build();
  }

  /** Starts the node and opens {@code accounts} accounts through its gateway. */
  static ServerRig start(int accounts) throws IOException {
    Path dir = Files.createTempDirectory("aether-bench-server");
    Path model = dir.resolve("bank.yaml");
    Files.writeString(model, MODEL);
    AetherNode node = AetherNode.start(NodeConfig.builder().model(model).httpPort(0)
        .dataDir(dir.resolve("data")).namespace("bench" + Long.toHexString(System.nanoTime()))
        .commandTimeout(COMMAND_TIMEOUT).build());
    ServerRig rig = new ServerRig(dir, node);
    try {
      rig.open(accounts);
    } catch (RuntimeException e) {
      rig.close();
      throw e;
    }
    return rig;
  }

  /** Opens the accounts, {@value #OPEN_BATCH} at a time (activations of fresh actors are the slow part). */
  private void open(int count) {
    for (int from = 0; from < count; from += OPEN_BATCH) {
      List<CompletableFuture<CommandResult>> opened = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + OPEN_BATCH); i++) {
        String id = "acc-" + i;
        accounts.add(id);
        opened.add(node.gateway().sendMessage(RuntimeMessage.of(TYPE, id, "Open", Map.of("owner", "bench"))));
      }
      opened.forEach(f -> requireAccepted(f.join()));
    }
  }

  List<String> accounts() {
    return accounts;
  }

  CommandGateway gateway() {
    return node.gateway();
  }

  URI uri() {
    return node.uri();
  }

  /** Deposits 1 into an account in process and waits for the outcome. */
  void depositInProcess(String account) throws Exception {
    requireAccepted(node.gateway().sendMessage(RuntimeMessage.of(TYPE, account, "Deposit", Map.of("amount", 1)))
        .get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
  }

  /** Deposits 1 into an account over HTTP (a fresh Idempotency-Key) and checks the answer. */
  void depositOverHttp(String account) throws Exception {
    HttpResponse<String> response = http.send(depositRequest(account), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200 || !response.body().contains("\"duplicate\":false")) {
      throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
    }
  }

  /**
   * Sends {@code GET /health/ready} on the default (HTTP/2) client, the h2c upgrade of its connection, once
   * before its clients start, as a user's readiness check would.
   *
   * @throws IllegalStateException when the node answers other than 200 over HTTP/2
   */
  void upgradeToHttp2() throws Exception {
    HttpResponse<String> response = http2.send(HttpRequest.newBuilder(uri().resolve("/health/ready")).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200 || response.version() != HttpClient.Version.HTTP_2) {
      throw new IllegalStateException("no h2c upgrade: " + response.version() + " " + response.statusCode());
    }
  }

  /** Deposits 1 into an account over HTTP/2 (the default client, one shared connection) and checks the answer. */
  void depositOverHttp2(String account) throws Exception {
    HttpResponse<String> response = http2.send(depositRequest(account), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200 || response.version() != HttpClient.Version.HTTP_2
        || !response.body().contains("\"duplicate\":false")) {
      throw new IllegalStateException(response.version() + " " + response.statusCode() + ": " + response.body());
    }
  }

  /** A deposit of 1 into an account with a fresh {@code Idempotency-Key}. */
  private HttpRequest depositRequest(String account) {
    return HttpRequest.newBuilder(uri().resolve("/v1/actors/" + TYPE + "/" + account + "/commands/Deposit"))
        .header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString())
        .timeout(COMMAND_TIMEOUT).POST(HttpRequest.BodyPublishers.ofString("{\"amount\":1}")).build();
  }

  /** Deposits 1 into an account over HTTP with Helidon's WebClient (a fresh Idempotency-Key), checks the answer. */
  void depositOverWebClient(String account) {
    try (HttpClientResponse response = webClient.post("/v1/actors/" + TYPE + "/" + account + "/commands/Deposit")
        .header(IDEMPOTENCY_KEY, UUID.randomUUID().toString()).contentType(MediaTypes.APPLICATION_JSON)
        .submit("{\"amount\":1}")) {
      String body = response.as(String.class);
      if (response.status().code() != 200 || !body.contains("\"duplicate\":false")) {
        throw new IllegalStateException("HTTP " + response.status().code() + ": " + body);
      }
    }
  }

  /** @return a new kept-alive raw connection's deposit sender; the rig closes the connection */
  Commands.Sender rawConnection() throws IOException {
    RawHttpConnection connection = new RawHttpConnection(uri());
    raw.add(connection);
    return account -> {
      RawHttpConnection.Answer answer = connection.post("/v1/actors/" + TYPE + "/" + account + "/commands/Deposit",
          UUID.randomUUID().toString(), "{\"amount\":1}");
      if (answer.status() != 200 || !answer.body().contains("\"duplicate\":false")) {
        throw new IllegalStateException("HTTP " + answer.status() + ": " + answer.body());
      }
    };
  }

  /** @return an account's version, read through the gateway's store (HTTP GET) */
  long version(String account) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri().resolve("/v1/actors/" + TYPE + "/"
        + account)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
    }
    String body = response.body();
    int at = body.lastIndexOf("\"version\":");
    return Long.parseLong(body.substring(at + "\"version\":".length()).replaceAll("[^0-9].*$", "").strip());
  }

  /**
   * @return the runtime's group commits so far, {count, sum of sizes}, from the node's {@code /metrics}
   *     ({@code aether.runtime.group.commit.size}); {0, 0} when not there
   */
  long[] groupCommits() {
    try {
      String text = http.send(HttpRequest.newBuilder(uri().resolve("/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      long[] countAndSum = new long[2];
      for (String line : text.split("\n")) {
        if (line.startsWith("aether_runtime_group_commit_size")) {
          int at = line.startsWith("_count", line.indexOf('{') - 6) ? 0 : line.startsWith("_sum", line.indexOf('{') - 4)
              ? 1 : -1;
          if (at >= 0) {
            countAndSum[at] += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          }
        }
      }
      return countAndSum;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void requireAccepted(CommandResult result) {
    if (!(result instanceof CommandResult.Accepted accepted) || accepted.duplicate()) {
      throw new IllegalStateException("not accepted: " + result);
    }
  }

  @Override
  public void close() {
    try {
      for (RawHttpConnection connection : raw) {
        connection.close();
      }
    } catch (IOException e) {
      // the node closes them too
    }
    try {
      node.close();
    } finally {
      http.close();
      http2.close();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + dir, e);
      }
    }
  }
}
