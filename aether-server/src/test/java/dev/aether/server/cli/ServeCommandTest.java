package dev.aether.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(120) // a node that did not stop would otherwise hold the build
class ServeCommandTest {

  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine cli(Map<String, String> env, CountDownLatch stop) {
    return new CommandLine(new ServeCommand(env, stop)).setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true));
  }

  private Path model() throws Exception {
    Path file = dir.resolve("bank.yaml");
    try (var in = getClass().getResourceAsStream("/dev/aether/server/bank.yaml")) {
      Files.write(file, in.readAllBytes());
    }
    return file;
  }

  @Test
  void badPort_exit2_oneLineNamingTheKey() {
    int code = cli(Map.of(), new CountDownLatch(1)).execute("--http", "127.0.0.1:abc", "--store", "memory");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo(
        "error: http.port: \"abc\": is not a port (0..65535; 0 = a free port) (from --http)");
  }

  @Test
  void httpWithoutAPort_exit2_namesTheOptionAndWhatItTakes() {
    int code = cli(Map.of(), new CountDownLatch(1)).execute("--http", "localhost", "--store", "memory");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("error: --http localhost has no port: give HOST:PORT, e.g. 127.0.0.1:8080"
        + " (port 0 = a free port; [::1]:8080 for an IPv6 address)\nTry 'serve --help'.\n");
  }

  @Test
  void aClusterSettingOnANodeWithoutACluster_exit2_namesTheVariableItCameFrom() {
    int code = cli(Map.of("AETHER_CLUSTER_DEAD_AFTER", "3s"), new CountDownLatch(1)).execute("--store", "memory");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip()).startsWith("error: cluster: the settings [cluster.dead-after] apply to a "
        + "cluster node only").endsWith("(from AETHER_CLUSTER_DEAD_AFTER)");
    err.getBuffer().setLength(0);
    assertThat(cli(Map.of(), new CountDownLatch(1)).execute("--store", "memory", "--cluster")).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("error: cluster: a cluster needs store=nats, not memory"
        + " (from --cluster and --store)");
  }

  @Test
  void badEnvironmentValue_exit2_namingTheVariable() {
    int code = cli(Map.of("AETHER_STORE", "disk"), new CountDownLatch(1)).execute();
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("store").contains("AETHER_STORE").doesNotContain("Exception");
  }

  @Test
  void aMisspeltEnvironmentVariable_isNamedInAWarning_andTheNodeStarts() throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    CommandLine cli = cli(Map.of("AETHER_HTTP_PROT", "9"), stop);
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("--store", "memory",
        "--http", "127.0.0.1:0"));
    await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("listening on"));
    assertThat(err.toString()).contains(
        "warning: AETHER_HTTP_PROT is not a setting and is ignored (did you mean AETHER_HTTP_PORT?)");
    stop.countDown();
    assertThat(exit.get()).isEqualTo(0);
  }

  @Test
  void noNatsServerForTheEmbeddedDefault_exit1_sayingWhatToDo() {
    int code = cli(Map.of("AETHER_NATS_SERVER", "/nonexistent/nats-server"), new CountDownLatch(1))
        .execute("--http", "127.0.0.1:0", "--data-dir", dir.toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).startsWith("error: nats-server not found").contains("AETHER_NATS_SERVER");
  }

  @Test
  void httpPortTaken_exit1_oneLine() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int code = cli(Map.of(), new CountDownLatch(1)).execute("--store", "memory", "--http",
          "127.0.0.1:" + taken.getLocalPort());
      assertThat(code).isEqualTo(1);
      assertThat(err.toString().strip()).startsWith("error: cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .doesNotContain("\n");
    }
  }

  @Test
  void theFirstCurl_skipsInternalCommandsAndFieldsItCannotFill_andFitsTheConstraints() throws Exception {
    Path model = Files.writeString(dir.resolve("shop.yaml"), """
        name: shop
        version: "1"
        aggregates:
          - name: Shop
            commands:
              - {name: Restock, internal: true, emits: [Restocked]}
              - name: Tag
                fields: [{name: code, type: string, pattern: "[A-Z]{3}-[0-9]{3}"}]
                emits: [Tagged]
              - name: Add
                fields:
                  - {name: qty, type: int, min: 5, max: 9}
                  - {name: label, type: string, min: 6}
                  - {name: ratio, type: double, min: 2}
                  - {name: note, type: string, optional: true}
                emits: [Added]
            events:
              - {name: Restocked}
              - {name: Tagged, fields: [{name: code, type: string}]}
              - {name: Added, fields: [{name: qty, type: int}, {name: label, type: string}, {name: ratio, type: double}]}
        """);
    serveAndCheckTheFirstCurl(model, "/v1/actors/Shop/first-1/commands/Add");
  }

  @Test
  void serve_printsUrlAndAFirstCurlThatWorks_thenStopsWith0() throws Exception {
    serveAndCheckTheFirstCurl(model(), "/v1/actors/Account/");
  }

  private void serveAndCheckTheFirstCurl(Path model, String expectedPath) throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    CommandLine cli = cli(Map.of(), stop);
    String modelPath = model.toString();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("--store", "memory",
        "--http", "127.0.0.1:0", "--model", modelPath));
    await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("Try: "));
    Matcher url = Pattern.compile("listening on (http://\\S+)").matcher(out.toString());
    assertThat(url.find()).as(out.toString()).isTrue();
    Matcher curl = Pattern.compile("curl -X POST (\\S+) .* -d '(.*)'").matcher(out.toString());
    assertThat(curl.find()).as(out.toString()).isTrue();
    HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(curl.group(1)))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(curl.group(2))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(curl.group(1)).startsWith(url.group(1) + expectedPath);
    stop.countDown();
    assertThat(exit.get()).isEqualTo(0);
  }
}
