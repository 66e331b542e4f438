package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import dev.aether.testkit.process.JvmProcess;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fault suite, node faults one after another under the bank load, checked by the whole checker: a node process
 * frozen with SIGSTOP until the others replaced it, then let run again (it must rejoin and take shards again), then
 * killed with {@code kill -9}; then an in-JVM node crashed (connections closed without a goodbye).
 */
@NatsTest
class ClusterNodeFaultsIT {

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
  void pausedThenResumedThenKilledProcess_andACrashedNode_noCommandFails_logKeepsEveryInvariant() throws Exception {
    cluster.start("n1");
    MapHistory maps = cluster.watchMaps();
    cluster.start("n2");
    JvmProcess p3 = cluster.startProcess("p3");
    cluster.awaitSettled("n1", "n2", "p3");
    BankWorkload bank = new BankWorkload("faults", 40, cluster::anyGateway).resendFor(Duration.ofSeconds(60));
    bank.openAccounts();
    bank.startTransfers(4);
    bank.awaitMoreCompleted(100);

    p3.pause(); // frozen: its lease stops, its shards go to n1 and n2
    cluster.awaitSettled("n1", "n2");
    bank.awaitMoreCompleted(100);
    p3.resume(); // it comes back believing it owns shards: fenced, it learns the map and joins again
    cluster.awaitSettled("n1", "n2", "p3");
    bank.awaitMoreCompleted(100);

    assertThat(p3.kill()).isEqualTo(137);
    cluster.awaitSettled("n1", "n2");
    bank.awaitMoreCompleted(100);

    cluster.crash("n2");
    cluster.awaitSettled("n1");
    bank.awaitMoreCompleted(100);

    bank.stopTransfers();
    System.out.println("ClusterNodeFaultsIT: " + bank.summary() + ", " + maps.maps().size() + " maps");
    bank.verify(cluster.connect(), cluster.store, maps, false);
  }
}
