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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(120) // a node that did not stop would otherwise hold the build
class ServeCommandTest {

  private static final String TOKEN = "s3cret-token-0123456789";

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
  void anInvalidModel_exit1_printedAsModelValidatePrintsIt() throws Exception {
    // found by a README walkthrough: serve printed an invalid model in another format than model validate
    Path model = Files.writeString(dir.resolve("broken.yaml"), Files.readString(Path.of("../examples/bank.yaml"))
        .replace("state.balance >= cmd.amount", "state.balanse >= 1").replace("type: bool", "type: boolish"));
    int code = cli(Map.of(), new CountDownLatch(1)).execute("--store", "memory", "--http", "127.0.0.1:0",
        "--model", model.toString());
    CliRun validated = CliRun.of("model", "validate", model.toString());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString().lines().toList()).first().asString()
        .isEqualTo("error: " + model + ": the model has 3 error(s) [INVALID_MODEL]");
    assertThat(err.toString()).isEqualTo(validated.err());
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
                  - {name: mood, type: string, enum: ["it's fine"]}
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

  @Test
  void withAToken_theFirstCurlWorksPastedIntoAShell_withAETHER_TOKENSet() throws Exception {
    serveAndCheckTheFirstCurl(Map.of("AETHER_AUTH_TOKEN", TOKEN), model(),
        "/v1/actors/Account/");
    assertThat(out.toString()).contains(" -H \"Authorization: Bearer $AETHER_TOKEN\" ",
        "\n(with AETHER_TOKEN set to the node's token");
  }

  @Test
  void withoutAModel_theCurlReadingTheModelWorksPasted_withTheTokenToo() throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    CommandLine cli = cli(Map.of("AETHER_AUTH_TOKEN", TOKEN), stop);
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("--store", "memory",
        "--http", "127.0.0.1:0"));
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("Try: "));
      assertThat(runPasted(tryLine())).as("no model loaded: 404 NO_MODEL, past the token check").startsWith("404\n");
    } finally {
      stop.countDown(); // also when a check failed: a node left running would hold the next test's thread
    }
    assertThat(exit.get()).isEqualTo(0);
  }

  @Test
  void boundToEveryInterface_theFirstCurlGoesToTheLoopbackAddress_andWorks() throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    CommandLine cli = cli(Map.of(), stop);
    String modelPath = model().toString();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("--store", "memory",
        "--http", "0.0.0.0:0", "--model", modelPath));
    try {
      await().atMost(Duration.ofSeconds(30)).failFast("the node did not start (see its error output)", exit::isDone)
          .until(() -> out.toString().contains("Try: "));
      assertThat(out.toString()).contains("listening on http://0.0.0.0:");
      String curl = tryLine();
      assertThat(curl).startsWith("curl -X POST 'http://127.0.0.1:");
      assertThat(runPasted(curl)).as(curl).startsWith("200\n");
    } finally {
      stop.countDown();
    }
    assertThat(exit.get()).isEqualTo(0);
    assertThat(ServeCommand.reachableHere(URI.create("http://[::]:8080"))).isEqualTo("http://[::1]:8080");
    assertThat(ServeCommand.reachableHere(URI.create("http://[::1]:8080"))).isEqualTo("http://[::1]:8080");
    assertThat(ServeCommand.reachableHere(URI.create("http://10.0.0.5:8080"))).isEqualTo("http://10.0.0.5:8080");
  }

  private void serveAndCheckTheFirstCurl(Path model, String expectedPath) throws Exception {
    serveAndCheckTheFirstCurl(Map.of(), model, expectedPath);
  }

  private void serveAndCheckTheFirstCurl(Map<String, String> env, Path model, String expectedPath) throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    CommandLine cli = cli(env, stop);
    String modelPath = model.toString();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("--store", "memory",
        "--http", "127.0.0.1:0", "--model", modelPath));
    try {
      await().atMost(Duration.ofSeconds(30)).failFast("the node did not start (see its error output)", exit::isDone)
          .until(() -> out.toString().contains("Try: "));
      Matcher url = Pattern.compile("listening on (http://\\S+)").matcher(out.toString());
      assertThat(url.find()).as(out.toString()).isTrue();
      String curl = tryLine();
      assertThat(curl).startsWith("curl -X POST '" + url.group(1) + expectedPath);
      assertThat(runPasted(curl)).as(curl).startsWith("200\n");
    } finally {
      stop.countDown(); // also when a check failed: a node left running would hold the next test's thread
    }
    assertThat(exit.get()).isEqualTo(0);
  }

  private String tryLine() {
    Matcher line = Pattern.compile("Try: (curl .*)").matcher(out.toString());
    assertThat(line.find()).as(out.toString()).isTrue();
    return line.group(1);
  }

  /** Runs a printed command line as a user would paste it: in bash, with AETHER_TOKEN set; the HTTP status. */
  private static String runPasted(String curl) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")) && onPath("curl"), "bash and curl to paste into");
    ProcessBuilder shell = new ProcessBuilder("/bin/bash", "-c", curl + " -s -o /dev/null -w '%{http_code}\\n'")
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    shell.environment().put("AETHER_TOKEN", TOKEN);
    Process process = shell.start();
    process.getOutputStream().close();
    String status = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    return status;
  }

  private static boolean onPath(String command) {
    return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }
}
