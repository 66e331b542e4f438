package dev.aether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node being closed drains its HTTP API first ({@code http.drain-period}): not ready, still answering, each
 * HTTP/1.1 answer closing its connection, event streams ended; then it stops. The drain is set long (1 min) and
 * ended by {@link AetherNode#endDrain()} once the test has seen it, so no test waits for a period to pass.
 */
class NodeDrainTest {

  private static final String OPEN = "{\"owner\":\"o\",\"initialDeposit\":5}";

  @TempDir
  Path dir;

  private AetherNode node;
  private final ExecutorService closer = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("test-close-", 0).factory());

  @BeforeEach
  void start() {
    node = AetherNode.start(NodeConfig.builder().store(StoreKind.MEMORY).dataDir(dir).httpPort(0)
        .model(TestModels.bank(dir)).drainPeriod(Duration.ofMinutes(1)).build());
  }

  @AfterEach
  void stop() {
    node.endDrain();
    node.close();
    closer.shutdownNow();
  }

  @Test
  void close_drainsFirst_aRequestOnAKeptAliveConnectionIsAnsweredWithConnectionClose_andANewConnectionServed()
      throws Exception {
    try (RawHttp kept = new RawHttp(node.uri())) {
      RawHttp.Answer before = kept.get("/health/ready");
      assertThat(before.status()).isEqualTo(200);
      assertThat(before.header("Connection")).as("kept alive before the close").isNotEqualTo(java.util.Optional.of(
          "close"));

      CompletableFuture<Void> closing = CompletableFuture.runAsync(node::close, closer);
      await().atMost(Duration.ofSeconds(20)).until(() -> readiness().statusCode() == 503);

      RawHttp.Answer during = kept.post("/v1/actors/Account/drained/commands/Open", OPEN);
      assertThat(during.status()).as(during.toString()).isEqualTo(200);
      assertThat(during.body()).contains("\"version\":2");
      assertThat(during.header("Connection")).hasValue("close");
      assertThat(kept.closedByServer()).as("the connection is closed once answered").isTrue();
      try (RawHttp fresh = new RawHttp(node.uri())) {
        RawHttp.Answer state = fresh.get("/v1/actors/Account/drained");
        assertThat(state.status()).as(state.toString()).isEqualTo(200);
        assertThat(state.header("Connection")).hasValue("close");
        assertThat(fresh.closedByServer()).isTrue();
      }
      assertThat(closing).as("still draining").isNotDone();

      node.endDrain();
      closing.get(60, TimeUnit.SECONDS);
      assertThat(node.closedCleanly()).isTrue();
      assertThat(node.isLive()).isFalse();
    }
  }

  @Test
  void whileDraining_readinessIs503Stopping_andLivenessUp() throws Exception {
    CompletableFuture<Void> closing = CompletableFuture.runAsync(node::close, closer);
    await().atMost(Duration.ofSeconds(20)).until(() -> readiness().statusCode() == 503);

    HttpResponse<String> ready = readiness();
    assertThat(ready.body()).contains("\"status\":\"DOWN\"").contains("\"reason\":\"stopping\"");
    assertThat(node.isReady()).isFalse();
    HttpResponse<String> live = client().send(HttpRequest.newBuilder(node.uri().resolve("/health/live")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(node.isLive()).isTrue();
    assertThat(closing).isNotDone();
  }

  @Test
  void anEventStream_endsWhenTheDrainBegins_whileTheNodeStillDrains() throws Exception {
    HttpResponse<InputStream> stream = client().send(HttpRequest.newBuilder(
        node.uri().resolve("/v1/actors/Account/streamed/events/stream")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);

    BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
    CompletableFuture.runAsync(() -> untilWaiting(lines), closer).get(30, TimeUnit.SECONDS); // it waits: caught up

    CompletableFuture<Void> closing = CompletableFuture.runAsync(node::close, closer);
    String rest = CompletableFuture.supplyAsync(() -> String.join("\n", lines.lines().toList()), closer)
        .get(30, TimeUnit.SECONDS);

    assertThat(rest).as("the stream ended, sending no event").doesNotContain("id:");
    assertThat(closing).as("the stream did not hold the drain's end: it ended within it").isNotDone();
  }

  @Test
  void anEventStreamsConnection_isClosedWhenTheStreamEndsInTheDrain_notKeptUntilTheListenerStops() throws Exception {
    // found by an operator: the stream's answer began before the drain (Connection: keep-alive), so its connection
    // stayed open for the whole drain after the stream had ended, and a client reading to the end hung
    try (Socket socket = new Socket(node.uri().getHost(), node.uri().getPort())) {
      socket.setSoTimeout(10_000); // within the test's one-minute drain
      socket.getOutputStream().write(("GET /v1/actors/Account/kept/events/stream HTTP/1.1\r\nHost: x\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      BufferedReader lines = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.UTF_8));
      untilWaiting(lines); // the stream runs: its answer's headers went out before the drain

      CompletableFuture<Void> closing = CompletableFuture.runAsync(node::close, closer);

      while (lines.readLine() != null) {
        // the stream's end, then the connection's
      }
      assertThat(closing).as("the connection closed within the drain").isNotDone();
    }
  }

  @Test
  void aStreamAskedWhileDraining_sendsWhatIsStored_andEnds() throws Exception {
    try (RawHttp raw = new RawHttp(node.uri())) {
      assertThat(raw.post("/v1/actors/Account/late/commands/Open", OPEN).status()).isEqualTo(200);
    }
    CompletableFuture<Void> closing = CompletableFuture.runAsync(node::close, closer);
    await().atMost(Duration.ofSeconds(20)).until(() -> readiness().statusCode() == 503);

    try (RawHttp raw = new RawHttp(node.uri())) {
      RawHttp.Answer stream = raw.get("/v1/actors/Account/late/events/stream");
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.body()).contains("id:1").contains("id:2").doesNotContain(":waiting");
      assertThat(stream.header("Connection")).hasValue("close");
    }
    assertThat(closing).isNotDone();
  }

  @Test
  void aSecondClose_whileDraining_leavesTheDrainAlone_andReturnsOnceTheNodeIsClosed() throws Exception {
    CompletableFuture<Void> first = CompletableFuture.runAsync(node::close, closer);
    await().atMost(Duration.ofSeconds(20)).until(() -> readiness().statusCode() == 503);

    CompletableFuture<Boolean> liveWhenSecondReturned = CompletableFuture.supplyAsync(() -> {
      node.close();
      return node.isLive();
    }, closer);
    try (RawHttp raw = new RawHttp(node.uri())) {
      assertThat(raw.post("/v1/actors/Account/second/commands/Open", OPEN).status())
          .as("still served after the second close").isEqualTo(200);
    }
    assertThat(first).isNotDone();

    node.endDrain();
    first.get(60, TimeUnit.SECONDS);
    assertThat(liveWhenSecondReturned.get(60, TimeUnit.SECONDS)).as("the second close returned once closed").isFalse();
    assertThat(node.closedCleanly()).isTrue();
  }

  private HttpResponse<String> readiness() throws IOException, InterruptedException {
    return client().send(HttpRequest.newBuilder(node.uri().resolve("/health/ready")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpClient client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** Reads the stream's lines until its first {@code :waiting} comment (it has sent what is stored). */
  private static void untilWaiting(BufferedReader lines) {
    try {
      for (String line = lines.readLine(); line == null || !line.startsWith(":") || !line.contains("waiting");
          line = lines.readLine()) {
        if (line == null) {
          throw new AssertionError("the stream ended before it waited");
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
