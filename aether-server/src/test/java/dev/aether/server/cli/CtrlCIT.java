package dev.aether.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Ctrl-C stops the node": a SIGINT to the node's whole process group, as a terminal sends it,
 * stops the node cleanly (its actors' stop snapshots reach the embedded nats-server, which it stops last). The
 * node runs in a session of its own here, so that the signal reaches it and its children only, as it would in
 * a terminal.
 */
@Tag("nats")
class CtrlCIT {

  private static final Duration LIMIT = Duration.ofMinutes(2);
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

  @TempDir
  Path work;

  @Test
  void ctrlC_stopsTheNodeFirst_soItsActorsStopSnapshotsAreStored_thenTheEmbeddedServer() throws Exception {
    assumeThat(Path.of("/usr/bin/setsid")).as("a terminal's process group needs setsid here").isExecutable();
    Files.createDirectories(work.resolve("examples"));
    Files.copy(Path.of("../examples/bank.yaml"), work.resolve("examples/bank.yaml"));
    Path script = work.resolve("aether");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.writeString(script, "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path")
        + "' " + AetherCli.class.getName() + " \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path output = work.resolve("serve.out");
    Process node = new ProcessBuilder("/usr/bin/setsid", "./aether", "serve", "--model", "examples/bank.yaml",
        "--http", "127.0.0.1:0").directory(work.toFile()).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    try {
      await().atMost(LIMIT).until(() -> !node.isAlive() || Files.readString(output).contains("Try: "));
      Matcher url = LISTENING.matcher(Files.readString(output));
      assertThat(url.find()).as(Files.readString(output)).isTrue();
      HttpClient http = HttpClient.newHttpClient();
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> opened = http.send(HttpRequest.newBuilder(
            URI.create(url.group(1) + "/v1/actors/Account/ctrl-" + i + "/commands/Open"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"owner\": \"Ada\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
      }
      List<ProcessHandle> natsServers = node.descendants().filter(p -> p.info().command().orElse("")
          .endsWith("nats-server")).toList();
      assertThat(natsServers).as("the embedded nats-server").hasSize(1);

      Process ctrlC = new ProcessBuilder("kill", "-INT", "--", "-" + node.pid()).inheritIO().start();
      assertThat(ctrlC.waitFor(10, TimeUnit.SECONDS) && ctrlC.exitValue() == 0).as("kill -INT of the group").isTrue();

      assertThat(node.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).as("the node stops").isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> !natsServers.getFirst().isAlive());
      String log = Files.readString(output);
      assertThat(log).as("the node's output").doesNotContain("snapshot of Account/ctrl-")
          .doesNotContain("Exception");
    } finally {
      node.descendants().forEach(ProcessHandle::destroyForcibly);
      node.destroyForcibly();
    }
  }
}
