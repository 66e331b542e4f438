package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Nodes in separate JVMs ({@link NodeMain}) next to in-JVM nodes, under the bank load: one joins and is stopped
 * with SIGTERM (a graceful leave), another joins and is killed with {@code kill -9} (its shards go to the others
 * once its lease is seen expiring). Clients resend transient outcomes with the same command id; no command
 * fails and the log keeps every invariant.
 */
@NatsTest
class ClusterProcessesIT {

  private ClusterFixture cluster;
  private String url;
  private final List<Process> processes = new ArrayList<>();

  @BeforeEach
  void cluster(NatsServer server) {
    url = server.url();
    cluster = new ClusterFixture(url);
  }

  @AfterEach
  void close() {
    processes.forEach(Process::destroyForcibly);
    cluster.close();
  }

  private Process nodeProcess(String nodeId) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        NodeMain.class.getName(), url, cluster.store.namespace(), nodeId)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    processes.add(process);
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.equals("READY " + nodeId)) {
      // the node's log
    }
    assertThat(line).as("node process %s started", nodeId).isEqualTo("READY " + nodeId);
    Thread.ofVirtual().start(() -> out.lines().forEach(l -> {})); // keep draining its output
    return process;
  }

  @Test
  void nodesInOtherJvms_joinUnderLoad_leaveOnSigterm_andAreReplacedAfterKill9() throws Exception {
    cluster.start("n1");
    cluster.start("n2");
    cluster.awaitSettled("n1", "n2");
    BankWorkload bank = new BankWorkload("proc", 40, cluster::anyGateway);
    bank.openAccounts();
    bank.startTransfers(4);

    Process graceful = nodeProcess("p3");
    cluster.awaitSettled("n1", "n2", "p3");
    bank.awaitMoreCompleted(200);
    graceful.destroy(); // SIGTERM: the shutdown hook leaves gracefully
    assertThat(graceful.waitFor(60, TimeUnit.SECONDS)).isTrue();
    cluster.awaitSettled("n1", "n2");

    Process crashing = nodeProcess("p4");
    cluster.awaitSettled("n1", "n2", "p4");
    bank.awaitMoreCompleted(200);
    crashing.destroyForcibly(); // kill -9
    assertThat(crashing.waitFor(60, TimeUnit.SECONDS)).isTrue();
    cluster.awaitSettled("n1", "n2");
    bank.awaitMoreCompleted(100);

    bank.stopTransfers();
    System.out.println("ClusterProcessesIT: " + bank.summary());
    bank.check(cluster.reader(), false);
  }
}
