package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import dev.aether.testkit.process.JvmProcess;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fault suite, rolling restart: three nodes, each its own JVM ({@link NodeMain}), under the bank load sent by a
 * thin {@link AetherClient}; every node in turn gets SIGTERM (a graceful leave within a deadline: its shards are
 * handed over warm), must exit by itself, and comes back with the same id. No command fails (a client resend
 * that succeeded is not a failure) and the log read straight from JetStream keeps every invariant; the map's
 * epochs only grew.
 */
@NatsTest
class ClusterRollingRestartIT {

  private static final List<String> NODES = List.of("p1", "p2", "p3");
  /** More than the leave timeout (30 s): a node that needs longer has failed to leave. */
  private static final Duration LEAVE_DEADLINE = Duration.ofSeconds(45);

  private ClusterFixture cluster;

  @BeforeEach
  void cluster(NatsServer server) {
    cluster = new ClusterFixture(server.url());
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void everyNodeRestartedInTurnUnderLoad_noCommandFails_logKeepsEveryInvariant() throws Exception {
    Map<String, JvmProcess> processes = new LinkedHashMap<>();
    processes.put("p1", cluster.startProcess("p1"));
    MapHistory maps = cluster.watchMaps();
    CompletableFuture<JvmProcess> p2 = CompletableFuture.supplyAsync(() -> cluster.startProcess("p2"));
    processes.put("p3", cluster.startProcess("p3"));
    processes.put("p2", p2.join());
    Connection connection = cluster.connect();
    cluster.awaitSettledVia(connection, NODES.toArray(String[]::new));
    try (AetherClient client = AetherClient.builder(connection, cluster.store).build()) {
      BankWorkload bank = new BankWorkload("roll", 40, () -> client);
      bank.openAccounts();
      bank.startTransfers(4);
      bank.awaitMoreCompleted(100);

      for (String id : NODES) {
        JvmProcess.Exit exit = processes.get(id).terminate(LEAVE_DEADLINE);
        assertThat(exit.graceful()).as("%s left by itself within %s (exit %d)", id, LEAVE_DEADLINE, exit.code())
            .isTrue();
        List<String> others = new ArrayList<>(NODES);
        others.remove(id);
        cluster.awaitSettledVia(connection, others.toArray(String[]::new));
        bank.awaitMoreCompleted(50);
        processes.put(id, cluster.startProcess(id));
        cluster.awaitSettledVia(connection, NODES.toArray(String[]::new));
        bank.awaitMoreCompleted(100);
      }

      bank.stopTransfers();
      System.out.println("ClusterRollingRestartIT: " + bank.summary() + ", " + maps.maps().size() + " maps");
      bank.verify(connection, cluster.store, maps, false);
    }
  }
}
