package dev.aether.examples.quickstart;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import dev.aether.testkit.net.RefusingPort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quick-start demo with {@code --nats} against a real nats-server (testkit fixture). */
@NatsTest
class QuickStartDemoIT {

  private static final Pattern NAMESPACE = Pattern.compile("\\(namespace (demo-[0-9a-f]{8})\\)");

  private record Run(int code, String out, String err) {}

  /** Runs the demo's main method in a new JVM, as {@code ./scripts/demo} does. */
  private static Run mainInNewJvm(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        QuickStartDemo.class.getName()));
    command.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the demo did not finish in 120 s; output so far:\n" + Files.readString(out, UTF_8));
    }
    return new Run(process.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
  }

  private static Run main(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = QuickStartDemo.run(args, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
    return new Run(code, out.toString(UTF_8), err.toString(UTF_8));
  }

  private static String namespaceOf(Run run) {
    Matcher m = NAMESPACE.matcher(run.out());
    assertThat(m.find()).as("namespace in the output:\n%s", run.out()).isTrue();
    return m.group(1);
  }

  @Test
  void main_withNats_runsTheDemoOnJetStream_recoversEveryBalance_andExitsZero(NatsServer server, @TempDir Path dir)
      throws Exception {
    Run run = mainInNewJvm(dir, "--nats", server.url());

    assertThat(run.code()).as("exit code; stderr: %s", run.err()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out())
        .startsWith("Aether quick start: bank accounts as virtual actors, on JetStream at " + server.url())
        .contains("Withdraw rejected: BUSINESS_RULE (not transient: resending will not help)"
            + " - insufficient funds: balance 1000, asked 5000")
        .contains("t-1/deposit  -> accepted, duplicate=true, v102 (the first outcome)")
        .contains("alice  Alice    850 v103  ->   850 v103  same")
        .contains("bob    Bob     1250 v102  ->  1250 v102  same")
        .contains("carol  Carol   1000 v101  ->  1000 v101  same")
        .contains("Every balance recovered. Total 3100")
        .doesNotContain("DIFFERENT");

    // The events are on the server, in the namespace the demo printed.
    JetStreamConfig config = JetStreamConfig.builder().servers(server.url()).namespace(namespaceOf(run)).build();
    try (JetStreamEventStore store = JetStreamEventStore.connect(config)) {
      assertThat(store.getLatestVersion("Account/alice")).isEqualTo(103);
      assertThat(store.getLatestVersion("Account/bob")).isEqualTo(102);
      assertThat(store.getLatestVersion("Account/carol")).isEqualTo(101);
      assertThat(store.getLatestSnapshot("Account/alice")).hasValueSatisfying(s ->
          assertThat(s.version()).isEqualTo(103));
    }
  }

  @Test
  void main_twiceOnOneServer_usesAFreshNamespaceEachTime(NatsServer server) {
    Run first = main("--nats", server.url());
    Run second = main("--nats", server.url());

    assertThat(first.code()).as("first run; stderr: %s", first.err()).isZero();
    assertThat(second.code()).as("second run; stderr: %s", second.err()).isZero();
    assertThat(namespaceOf(first)).isNotEqualTo(namespaceOf(second));
  }

  @Test
  void main_withAUsedNamespace_refusesItInOneLine_andExitsOne(NatsServer server) {
    String namespace = "demo-it-" + UUID.randomUUID().toString().substring(0, 8);

    Run first = main("--nats", server.url(), "--namespace", namespace);
    Run again = main("--nats", server.url(), "--namespace", namespace);

    assertThat(first.code()).as("stderr: %s", first.err()).isZero();
    assertThat(first.out()).contains("(namespace " + namespace + ")");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.out()).isEmpty();
    assertThat(again.err()).isEqualTo("error: namespace " + namespace + " already holds the demo's accounts;"
        + " choose another --namespace, or leave it out for a fresh one" + System.lineSeparator());
  }

  @Test
  void main_withAnUnreachableServer_exitsWithANonZeroCode_andOneLine(@TempDir Path dir) throws Exception {
    try (RefusingPort down = RefusingPort.open()) {
      Run run = mainInNewJvm(dir, "--nats", "nats://127.0.0.1:" + down.port());

      assertThat(run.code()).isEqualTo(1);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).startsWith("error: cannot connect to NATS server").hasLineCount(1);
    }
  }
}
