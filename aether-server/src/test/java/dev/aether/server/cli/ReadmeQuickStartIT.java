package dev.aether.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the root README's quick start and five-minute tour as written, parsed out of README.md, so that this
 * test breaks when the README and the product part ways.
 *
 * <p>The layout is a fresh clone's: a temporary working directory with {@code examples/bank.yaml} and a
 * {@code scripts/aether} that runs the CLI's main class on this test's class path (the real script does the
 * same with the jar, after building it with Maven, which a test cannot do in the middle of a build). The
 * node runs on the embedded default (a nats-server it starts itself, data in {@code .aether/} under the
 * working directory) on a free port instead of 8080: the serve command gets {@code --http 127.0.0.1:0}
 * appended, the tour's {@code http://127.0.0.1:8080} is replaced by the node's URL, and the CLI gets it in
 * {@code AETHER_URL}. Every tour line must exit 0, or the code its comment names ({@code exit code 4}); the
 * {@code state} output must equal the README's JSON; {@code tail} must print the policy's event while it
 * runs; the node's printed first {@code curl} must work; after a restart on the same directory the state is
 * the same.
 */
@Tag("nats")
class ReadmeQuickStartIT {

  static final Path README = Path.of("../README.md");
  static final String SERVE = "./scripts/aether serve --model examples/bank.yaml";
  private static final Duration COMMAND_LIMIT = Duration.ofMinutes(2);
  private static final Pattern EXIT_CODE = Pattern.compile("exit code (\\d)");
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

  @TempDir
  Path work;

  @Test
  void quickStartAndTour_asWritten() throws Exception {
    String readme = Files.readString(README);
    List<String> quickStart = commands(blocks(section(readme, "## Quick start"), "bash").get(0));
    assertThat(quickStart).as("the README's first commands").containsExactly(SERVE, "./scripts/test");
    String tour = section(readme, "## A five-minute tour");
    List<String> tourBlocks = blocks(tour, "bash");
    JsonNode expectedState = Console.JSON.readTree(blocks(tour, "json").get(0));
    freshClone();

    Node node = Node.start(work, quickStart.get(0));
    try {
      String url = node.url();
      runPrintedCurl(node.firstCurl());
      List<Running> background = new ArrayList<>();
      for (String block : tourBlocks) {
        for (String command : commands(block)) {
          String line = command.replace("http://127.0.0.1:8080", url);
          if (line.startsWith("./scripts/aether tail ")) {
            background.add(Running.start(work, url, line));
            continue;
          }
          Result result = run(url, line);
          assertThat(result.code()).as(line + "\nstdout: " + result.out() + "\nstderr: " + result.err())
              .isEqualTo(expectedCode(line));
          if (line.equals("./scripts/aether state Account acc-1")) {
            assertThat(Console.JSON.readTree(result.out())).as("the README's state of acc-1").isEqualTo(expectedState);
          }
        }
      }
      assertThat(background).as("the tour follows events with tail").hasSize(1);
      Running tail = background.get(0);
      await().atMost(COMMAND_LIMIT).until(() -> tail.out().contains("\"TransferReceived\""));
      assertThat(tail.process().isAlive()).as("tail follows until stopped").isTrue();
      tail.stop();
    } finally {
      node.stop();
    }
    assertThat(work.resolve(".aether")).as("the embedded default keeps its data under the working directory")
        .isDirectory();

    Node again = Node.start(work, quickStart.get(0));
    try {
      Result state = run(again.url(), "./scripts/aether state Account acc-1");
      assertThat(state.code()).as(state.err()).isZero();
      assertThat(Console.JSON.readTree(state.out())).as("the state after a restart").isEqualTo(expectedState);
    } finally {
      again.stop();
    }
  }

  @Test
  void examplesBankYaml_isTheExamplesModuleModel() throws IOException {
    assertThat(Files.readString(Path.of("../examples/bank.yaml"))).isEqualTo(Files.readString(
        Path.of("../aether-examples/src/main/resources/dev/aether/examples/models/bank.yaml")));
  }

  /** The README text from a heading to the next heading of the same level. */
  static String section(String readme, String heading) {
    int start = readme.indexOf("\n" + heading + "\n");
    assertThat(start).as("README section " + heading).isNotNegative();
    int end = readme.indexOf("\n## ", start + heading.length() + 2);
    return readme.substring(start, end < 0 ? readme.length() : end);
  }

  /** The fenced code blocks of a language in a text. */
  static List<String> blocks(String text, String language) {
    List<String> blocks = new ArrayList<>();
    Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(text);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    assertThat(blocks).as(language + " blocks").isNotEmpty();
    return blocks;
  }

  /** The commands of a shell block: one per line, backslash continuations joined. */
  static List<String> commands(String block) {
    List<String> commands = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : block.lines().toList()) {
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      String command = current.toString().strip().replaceAll(" {2,}(?=-)", " ");
      if (!command.isEmpty()) {
        commands.add(command);
      }
      current.setLength(0);
    }
    return commands;
  }

  private static int expectedCode(String line) {
    int comment = line.indexOf("  # ");
    Matcher m = EXIT_CODE.matcher(comment < 0 ? "" : line.substring(comment));
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  private void freshClone() throws IOException {
    Files.createDirectories(work.resolve("examples"));
    Files.copy(Path.of("../examples/bank.yaml"), work.resolve("examples/bank.yaml"));
    Path script = work.resolve("scripts/aether");
    Files.createDirectories(script.getParent());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.writeString(script, "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path")
        + "' " + AetherCli.class.getName() + " \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private void runPrintedCurl(String curl) throws Exception {
    Result result = run("", curl + " -s -f");
    assertThat(result.code()).as(curl + "\n" + result.err()).isZero();
    assertThat(Console.JSON.readTree(result.out()).get("version").asLong()).as(curl).isPositive();
  }

  private Result run(String url, String line) throws Exception {
    Process p = shell(work, url, line).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(COMMAND_LIMIT.toSeconds(), TimeUnit.SECONDS)).as("finished: " + line).isTrue();
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  static ProcessBuilder shell(Path dir, String url, String line) {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", line).directory(dir.toFile());
    pb.environment().put("AETHER_URL", url);
    return pb;
  }

  record Result(int code, String out, String err) {}

  /** A command left running (tail): its output collected as it comes. */
  record Running(Process process, Path output) {

    static Running start(Path dir, String url, String line) throws IOException {
      Path output = Files.createTempFile(dir, "tail", ".out");
      Process p = shell(dir, url, line).redirectOutput(output.toFile())
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      return new Running(p, output);
    }

    String out() throws IOException {
      return Files.readString(output);
    }

    void stop() throws InterruptedException {
      process.destroy();
      process.waitFor(COMMAND_LIMIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  /** The node started by the quick start's serve command, on a free port. */
  record Node(Process process, Path output) {

    static Node start(Path dir, String serve) throws IOException {
      Path output = Files.createTempFile(dir, "serve", ".out");
      Process p = shell(dir, "", serve + " --http 127.0.0.1:0").redirectErrorStream(true)
          .redirectOutput(output.toFile()).start();
      Node node = new Node(p, output);
      await().atMost(COMMAND_LIMIT).until(() -> !p.isAlive() || node.printed("Try: ").isPresent());
      assertThat(p.isAlive()).as("the node runs; its output:\n" + Files.readString(output)).isTrue();
      return node;
    }

    String url() throws IOException {
      Matcher m = LISTENING.matcher(Files.readString(output));
      assertThat(m.find()).as("the node prints its URL").isTrue();
      return m.group(1);
    }

    String firstCurl() throws IOException {
      return printed("Try: ").orElseThrow().substring("Try: ".length());
    }

    Optional<String> printed(String prefix) throws IOException {
      return Files.readString(output).lines().filter(l -> l.startsWith(prefix)).findFirst();
    }

    void stop() throws InterruptedException {
      process.destroy();
      assertThat(process.waitFor(COMMAND_LIMIT.toSeconds(), TimeUnit.SECONDS)).as("the node stops").isTrue();
    }
  }
}
