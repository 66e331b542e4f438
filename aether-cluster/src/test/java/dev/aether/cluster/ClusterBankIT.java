package dev.aether.cluster;

import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three in-JVM nodes (each with its own connections) run the bank: transfers credited by a policy that every
 * node runs, its commands routed by the cluster; clients send through random nodes and resend transient
 * outcomes with the same command id. A fourth node joins under load and then leaves gracefully: no command
 * fails, every acknowledged command is stored exactly once, versions are 1..n, money is conserved, and every
 * actor answers afterwards.
 */
@NatsTest
class ClusterBankIT {

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
  void joinAndLeaveUnderLoad_noCommandFails_eachStoredOnce_moneyConserved() throws Exception {
    cluster.start("n1");
    cluster.start("n2");
    cluster.start("n3");
    cluster.awaitSettled("n1", "n2", "n3");
    BankWorkload bank = new BankWorkload("acc", 40, cluster::anyGateway);
    bank.openAccounts();
    bank.startTransfers(4);
    bank.awaitMoreCompleted(200);

    cluster.start("n4");
    cluster.awaitSettled("n1", "n2", "n3", "n4");
    bank.awaitMoreCompleted(200);
    ClusterNode leaving = cluster.node("n4");
    cluster.forget("n4");
    leaving.leave();
    cluster.awaitSettled("n1", "n2", "n3");
    bank.awaitMoreCompleted(100);

    bank.stopTransfers();
    System.out.println("ClusterBankIT: " + bank.summary());
    bank.check(cluster.reader(), true);
  }
}
