package dev.aether.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node process on the embedded default and the signals it gets: the README's "Ctrl-C stops the node" (a
 * SIGINT to the node's whole process group, as a terminal sends it, stops the node cleanly: its actors' stop
 * snapshots reach the embedded nats-server, which it stops last; exit code 0), SIGTERM (the same, as a service
 * manager stops it), and {@code kill -9} (the embedded server
 * outlives the node; the next node on the directory stops it before starting its own). Each node runs in a
 * session of its own ({@code setsid}), so that a group signal reaches it and its children only, as in a
 * terminal.
 */
@Tag("nats")
class NodeSignalsIT {

  private static final Duration LIMIT = Duration.ofMinutes(2);
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");
  /** Whether this machine's {@code env} can reset a signal to its default (GNU coreutils 8.31+). */
  private static final boolean RESETS_SIGINT = resetsSigint();

  @TempDir
  Path work;
  private final HttpClient http = HttpClient.newHttpClient();
  private Process node;

  @BeforeEach
  void layout() throws IOException {
    assumeThat(Path.of("/usr/bin/setsid")).as("a process group of its own needs setsid").isExecutable();
    Files.createDirectories(work.resolve("examples"));
    Files.copy(Path.of("../examples/bank.yaml"), work.resolve("examples/bank.yaml"));
    Path script = work.resolve("aether");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.writeString(script, "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path")
        + "' " + AetherCli.class.getName() + " \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.descendants().forEach(ProcessHandle::destroyForcibly);
      node.destroyForcibly();
    }
    embeddedServers().forEach(ProcessHandle::destroyForcibly);
  }

  /** Starts {@code aether serve} in a session of its own; returns its URL once it serves. */
  private String serve(String output, String... flags) throws Exception {
    Path out = launch(output, flags);
    await().atMost(LIMIT).until(() -> !node.isAlive() || Files.readString(out).contains("Try: "));
    Matcher url = LISTENING.matcher(Files.readString(out));
    assertThat(url.find()).as(Files.readString(out)).isTrue();
    return url.group(1);
  }

  /** Starts {@code aether serve} in a session of its own; returns the file its output goes to. */
  private Path launch(String output, String... flags) throws IOException {
    Path out = work.resolve(output);
    List<String> command = new ArrayList<>();
    if (RESETS_SIGINT) {
      // as a terminal starts it: a test JVM started in the background of a script ignores SIGINT, and a JVM
      // whose SIGINT is ignored at start never handles it (a user's node started so is stopped with SIGTERM)
      command.addAll(List.of("/usr/bin/env", "--default-signal=INT"));
    }
    command.addAll(List.of("/usr/bin/setsid", "./aether", "serve", "--model", "examples/bank.yaml", "--http",
        "127.0.0.1:0"));
    command.addAll(List.of(flags));
    node = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    return out;
  }

  private HttpResponse<String> send(String url, String account, String command, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url + "/v1/actors/Account/" + account + "/commands/"
        + command)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private String state(String url, String account) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url + "/v1/actors/Account/" + account)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The nats-servers running on this test's data directory, whoever started them. */
  private List<ProcessHandle> embeddedServers() {
    String marker = work.toAbsolutePath().toString();
    return ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("nats-server"))
        .filter(p -> String.join(" ", p.info().arguments().orElse(new String[0])).contains(marker)).toList();
  }

  private static boolean resetsSigint() {
    try {
      Process env = new ProcessBuilder("/usr/bin/env", "--default-signal=INT", "true").start();
      return env.waitFor(10, TimeUnit.SECONDS) && env.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void signal(String signal, String target) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, "--", target).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + signal + " " + target)
        .isTrue();
  }

  @Test
  void ctrlC_stopsTheNodeFirst_soItsActorsStopSnapshotsAreStored_thenTheEmbeddedServer() throws Exception {
    String url = serve("serve.out");
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> opened = send(url, "ctrl-" + i, "Open", "{\"owner\": \"Ada\"}");
      assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
    }
    List<ProcessHandle> servers = embeddedServers();
    assertThat(servers).as("the embedded nats-server").hasSize(1);

    signal("INT", "-" + node.pid()); // the whole process group, as a terminal's Ctrl-C

    assertThat(node.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).as("the node stops").isTrue();
    assertThat(node.exitValue()).as("stopped normally: exit code 0 (--help)").isZero();
    await().atMost(Duration.ofSeconds(30)).until(() -> !servers.getFirst().isAlive());
    assertThat(Files.readString(work.resolve("serve.out"))).as("the node's output")
        .doesNotContain("snapshot of Account/ctrl-").doesNotContain("Exception");
  }

  @Test
  void sigterm_stopsTheNodeCleanly_withExitCode0_andItsAccountsSurviveTheRestart() throws Exception {
    String url = serve("term.out");
    assertThat(send(url, "term-1", "Open", "{\"owner\": \"Ada\", \"initialDeposit\": 7}").statusCode())
        .isEqualTo(200);
    List<ProcessHandle> servers = embeddedServers();
    assertThat(servers).hasSize(1);

    signal("TERM", Long.toString(node.pid())); // the node alone, as a service manager (systemd, docker stop) does

    assertThat(node.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).as("the node stops").isTrue();
    assertThat(node.exitValue()).as("stopped normally: exit code 0 (--help), not 143").isZero();
    assertThat(servers.getFirst().isAlive()).as("the node stopped its embedded nats-server").isFalse();
    assertThat(Files.readString(work.resolve("term.out"))).as("the node's output").doesNotContain("Exception")
        .doesNotContain("left running");
    assertThat(state(serve("term-again.out"), "term-1")).contains("\"balance\":7");
  }

  @Test
  void sigtermWhileTheNodeStarts_stopsItOnceStarted_andItsEmbeddedServer_exitCode0() throws Exception {
    // found by a README walkthrough: the hook was installed only once the node had started, so a SIGTERM in the
    // seconds after the embedded nats-server came up ended the JVM with 143 and left that server running
    Path out = launch("starting.out");
    await().atMost(LIMIT).pollInterval(Duration.ofMillis(25)).until(() -> !embeddedServers().isEmpty()
        || !node.isAlive());
    List<ProcessHandle> servers = embeddedServers();
    boolean serving = Files.readString(out).contains("listening on");

    signal("TERM", Long.toString(node.pid()));

    assertThat(node.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).as("the node stops").isTrue();
    assertThat(servers).as("the embedded nats-server").hasSize(1);
    await().atMost(Duration.ofSeconds(30)).until(() -> !servers.getFirst().isAlive());
    assertThat(node.exitValue()).as(Files.readString(out)).isZero();
    String printed = Files.readString(out);
    assertThat(printed).doesNotContain("Exception");
    // found by an operator: "listening" and the Try line came after the stop began, naming port -1
    assertThat(printed).doesNotContain(":-1/");
    if (printed.contains("listening on")) {
      assertThat(printed.indexOf("listening on")).as(printed).isLessThan(printed.indexOf("stopping"));
    }
    assumeThat(serving).as("the signal came while the node was starting (not after)").isFalse();
  }

  @Test
  void aStartRefusingASetting_exits2_theHookInstalledBeforeTheStartDoesNotTakeOver() throws Exception {
    // the hook is installed before the start now: a failed start must still exit with its own code
    serve("cluster.out", "--cluster");
    Matcher nats = Pattern.compile("on (nats://\\S+)").matcher(Files.readString(work.resolve("cluster.out")));
    assertThat(nats.find()).as("the embedded server's URL in the log").isTrue();
    Process clusterNode = node;
    try {
      Path out = launch("alone.out", "--nats", nats.group(1), "--data-dir", work.resolve("other").toString());
      assertThat(node.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).as("the refused node ends").isTrue();
      assertThat(node.exitValue()).as(Files.readString(out)).isEqualTo(2);
      assertThat(Files.readString(out)).contains("is a running cluster's");
    } finally {
      node = clusterNode;
    }
  }

  @Test
  void aClusterNodeThatLostItsIdToALiveNode_stopsTheProcessWithExitCode1_sayingWhy() throws Exception {
    // a serve process whose cluster node stopped by itself served nothing any more and never ended
    serve("fenced.out", "--cluster");
    Matcher nats = Pattern.compile("on (nats://\\S+)").matcher(Files.readString(work.resolve("fenced.out")));
    assertThat(nats.find()).as("the embedded server's URL in the log").isTrue();
    try (Connection connection = Nats.connect(nats.group(1))) {
      KeyValue leases = connection.keyValue(connection.keyValueManagement().getBucketNames().stream()
          .filter(name -> name.endsWith("_default_LEASES")).findFirst().orElseThrow());
      long end = System.nanoTime() + LIMIT.toNanos();
      while (node.isAlive() && System.nanoTime() < end) { // another live node with its id renews, as nodes do
        leases.put("node.node-1", "{\"node\":\"node-1\",\"incarnation\":\"other\",\"state\":\"ACTIVE\"}");
        node.waitFor(200, TimeUnit.MILLISECONDS);
      }
    } catch (IOException | RuntimeException serverGone) {
      // the node stopped its embedded nats-server as it ended
    }

    assertThat(node.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).as("the node stops").isTrue();
    String printed = Files.readString(work.resolve("fenced.out"));
    assertThat(node.exitValue()).as(printed).isEqualTo(1);
    assertThat(printed).contains("error: the node stopped serving: its cluster node stopped: another live node"
        + " holds its id");
  }

  @Test
  void aServerLeftRunningByAKilledNode_isStoppedByTheNextNode_beforeItStartsItsOwn() throws Exception {
    String url = serve("first.out");
    assertThat(send(url, "killed-1", "Open", "{\"owner\": \"Ada\", \"initialDeposit\": 5}").statusCode())
        .isEqualTo(200);
    List<ProcessHandle> servers = embeddedServers();
    assertThat(servers).hasSize(1);

    signal("KILL", Long.toString(node.pid()));
    assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(servers.getFirst().isAlive()).as("the embedded server outlives a killed node").isTrue();

    String again = serve("second.out");

    assertThat(servers.getFirst().isAlive()).as("the left-over server was stopped").isFalse();
    assertThat(embeddedServers()).as("one server on the directory").hasSize(1)
        .noneMatch(p -> p.pid() == servers.getFirst().pid());
    assertThat(Files.readString(work.resolve("second.out"))).contains("left running");
    assertThat(state(again, "killed-1")).contains("\"balance\":5");
  }

  @Test
  void aRestartWithAModelFileTheRecordedModelRefuses_exits1NamingTheChange_andStartsWithForceModel()
      throws Exception {
    serve("v1.out");
    signal("TERM", Long.toString(node.pid()));
    assertThat(node.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).as("the node stops").isTrue();
    Path model = work.resolve("examples/bank.yaml"); // another model under its version label
    Files.writeString(model, Files.readString(model).replace("      - name: Deposited\n",
        "      - name: Noted\n      - name: Deposited\n"));

    Path out = launch("refused.out");

    assertThat(node.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).as("the refused node ends").isTrue();
    String printed = Files.readString(out);
    assertThat(node.exitValue()).as(printed).isEqualTo(1);
    assertThat(printed).contains("error: model examples/bank.yaml (bank 1) is refused against the model this node"
        + " ran before (bank 1", "version: version-reused: ", "--force-model").doesNotContain("Exception");
    await().atMost(LIMIT).untilAsserted(() -> assertThat(embeddedServers())
        .as("the refused start stopped its embedded server").isEmpty());

    assertThat(serve("forced.out", "--force-model")).startsWith("http://");
  }
}
