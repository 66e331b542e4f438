package dev.aether.cluster;

import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fault suite, nats-server restart: three in-JVM nodes under the bank load while their one nats-server is
 * restarted on the same ports and store directory. Meanwhile commands get transient outcomes (clients resend
 * them with the same id), writes resume once the connections are back, nothing acknowledged is lost, and the
 * log read straight from JetStream keeps every invariant.
 */
@Tag("nats")
class NatsServerRestartIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.perMethod();

  private ClusterFixture cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void serverRestartedUnderLoad_writesResume_nothingAcknowledgedLost(NatsServer server) throws Exception {
    cluster = new ClusterFixture(server.url());
    cluster.start("n1");
    MapHistory maps = cluster.watchMaps();
    cluster.start("n2");
    cluster.start("n3");
    cluster.awaitSettled("n1", "n2", "n3");
    BankWorkload bank = new BankWorkload("restart", 40, cluster::anyGateway).resendFor(Duration.ofSeconds(60));
    bank.openAccounts();
    bank.startTransfers(4);
    bank.awaitMoreCompleted(200);

    server.restart(); // SIGTERM, then the same ports, name and store directory

    bank.awaitMoreCompleted(300);
    cluster.awaitSettled("n1", "n2", "n3");
    bank.awaitMoreCompleted(100);
    bank.stopTransfers();
    System.out.println("NatsServerRestartIT: " + bank.summary() + ", " + maps.maps().size() + " maps");
    bank.verify(cluster.connect(), cluster.store, maps, false);
  }
}
