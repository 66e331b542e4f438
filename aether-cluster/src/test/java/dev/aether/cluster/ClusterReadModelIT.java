package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.event.Event;
import dev.aether.model.exec.ModelExecution;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.nats.JetStreamReadModelStore;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A model's read model on a read-model store every node shares (a JetStream KV bucket) runs on one node of the
 * cluster at a time (the owner of its name's shard), moves when that node leaves, and its rows equal a fold
 * of the log; every node answers queries from the shared rows.
 */
@NatsTest
class ClusterReadModelIT {

  private static final String RECEIVED = """
      readModels:
        - name: Received
          key: actorId
          fields:
            - {name: total, type: int}
            - {name: count, type: int}
          on:
            - {event: TransferReceived, set: {total: "row.total + event.amount", count: "row.count + 1"}}
      """;

  private ClusterFixture cluster;
  private final String bucket = "rm-" + UUID.randomUUID().toString().substring(0, 8);
  private final Map<String, MeterRegistry> meters = new LinkedHashMap<>();

  @BeforeEach
  void cluster(NatsServer server) {
    cluster = new ClusterFixture(server.url());
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  private ClusterNode node(String id) {
    MeterRegistry registry = new SimpleMeterRegistry();
    meters.put(id, registry);
    return cluster.start(id, b -> b, ClusterFixture.bankModel() + RECEIVED, (builder, events) -> builder
        .readModelStore(JetStreamReadModelStore.create(events, bucket)).meterRegistry(registry));
  }

  /** Events the read model took from the feed on one node (applied, or skipped as already applied). */
  private double readOn(String node) {
    return meters.get(node).find("aether.projection.events").tag("projection", "Received").counters().stream()
        .filter(c -> !"failed".equals(c.getId().getTag("outcome"))).mapToDouble(c -> c.count()).sum();
  }

  @Test
  void aReadModelOnASharedStore_runsOnOneNodeAtATime_andMovesWhenItLeaves() throws Exception {
    node("n1");
    node("n2");
    node("n3");
    cluster.awaitSettled("n1", "n2", "n3");
    BankWorkload bank = new BankWorkload("rm", 30, cluster::anyGateway);
    bank.openAccounts();
    bank.startTransfers(3);
    await().atMost(Duration.ofSeconds(30)).until(() -> meters.keySet().stream().anyMatch(n -> readOn(n) > 0));
    bank.awaitMoreCompleted(100);
    String runner = meters.keySet().stream().max((a, b) -> Double.compare(readOn(a), readOn(b))).orElseThrow();
    ClusterNode leaving = cluster.node(runner);
    cluster.forget(runner);
    leaving.leave();
    List<String> left = cluster.running().stream().map(ClusterNode::nodeId).toList();
    cluster.awaitSettled(left.toArray(String[]::new));
    bank.awaitMoreCompleted(200);
    bank.stopTransfers();
    JetStreamEventStore reader = cluster.reader();
    bank.check(reader, true);

    Map<String, Long> expected = new HashMap<>();
    long received = 0;
    for (int i = 0; i < 30; i++) {
      for (Event e : reader.getEvents("Account/rm-" + i, 0)) {
        if (e.eventType().equals("TransferReceived")) {
          expected.merge("rm-" + i, ((Number) e.data().get("amount")).longValue(), Long::sum);
          received++;
        }
      }
    }
    long events = received;
    for (ClusterNode node : cluster.running()) {
      var readModel = ModelExecution.of(node.runtime()).orElseThrow().readModel("Received").orElseThrow();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        Map<String, Long> totals = new HashMap<>();
        readModel.rows().forEach((key, row) -> totals.put(key, ((Number) row.get("total")).longValue()));
        assertThat(totals).as("rows read on %s", node.nodeId()).isEqualTo(expected);
      });
    }
    double read = meters.keySet().stream().mapToDouble(this::readOn).sum();
    assertThat(read).as("events read from the feed by all nodes together (3 copies would read %d)", 3 * events)
        .isBetween((double) events, 1.5 * events);
    assertThat(readOn(runner)).as("the first runner read some").isPositive();
    assertThat(left.stream().mapToDouble(this::readOn).sum()).as("another node took over").isPositive();
  }
}
