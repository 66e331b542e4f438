package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Commands on the any-node subject ({@code <prefix>.<ns>.cmd}, raw NATS requests of a client in any language) are
 * all decided while a node leaves gracefully (found by a user: requests that reached the leaving node after its
 * gateway stopped, before its endpoints did, were answered {@code NOT_RUNNING}: "the cluster node n2 is not
 * running").
 */
@NatsTest
class AnyNodeLeaveIT {

  private static final int REQUESTERS = 6;

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
  void aLeavingNode_leavesTheAnyNodeQueueGroupFirst_soNoAnyNodeCommandIsAnsweredNotRunning() throws Exception {
    cluster.startSettled("n1", "n2", "n3");
    Connection client = cluster.connect();
    String subject = ClusterNames.of(cluster.store).anyNodeCommands();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong accepted = new AtomicLong();
    Map<String, AtomicLong> others = new ConcurrentHashMap<>();
    List<Thread> requesters = new ArrayList<>();
    for (int t = 0; t < REQUESTERS; t++) {
      String prefix = "r" + t + "-";
      requesters.add(Thread.ofVirtual().start(() -> {
        for (int k = 0; !stop.get(); k++) {
          String answer = request(client, subject, prefix + k);
          if (answer.startsWith("{\"type\":\"accepted\"")) {
            accepted.incrementAndGet();
          } else {
            others.computeIfAbsent(answer, a -> new AtomicLong()).incrementAndGet();
          }
        }
      }));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> accepted.get() > 100);

    ClusterNode n1 = cluster.node("n1");
    Thread leave = Thread.ofVirtual().start(cluster.node("n2")::close);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> n1.status().nodes()
        .stream().anyMatch(n -> n.id().equals("n2") && n.state().equals("LEAVING")));
    List<String> reporters = new ArrayList<>(); // its shards are still being handed off: it still runs
    for (int i = 0; i < 30; i++) {
      reporters.add(cluster.status(client).reportedBy());
    }
    leave.join(Duration.ofSeconds(40));
    long acceptedAtLeave = accepted.get();
    await().atMost(Duration.ofSeconds(10)).until(() -> accepted.get() > acceptedAtLeave + 100);
    stop.set(true);
    for (Thread requester : requesters) {
      requester.join(Duration.ofSeconds(10));
    }

    assertThat(reporters).as("any-node requests answered by the leaving node").doesNotContain("n2")
        .contains("n1", "n3");
    assertThat(others).as("answers other than accepted").isEmpty();
  }

  /** Opens an account through the any-node subject; the answer's JSON, or what came instead. */
  private static String request(Connection client, String subject, String account) {
    String body = "{\"aggregateType\":\"Account\",\"actorId\":\"" + account + "\",\"command\":\"Open\",\"commandId\":\""
        + UUID.randomUUID() + "\",\"payload\":{\"owner\":\"" + account + "\"},\"deadline\":\""
        + Instant.now().plusSeconds(5) + "\"}";
    try {
      Message reply = client.request(subject, body.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(6));
      if (reply == null) {
        return "no answer";
      }
      String json = new String(reply.getData(), StandardCharsets.UTF_8);
      return json.startsWith("{\"type\":\"accepted\"") ? json : json.replaceAll(".*\"reason\":\"([A-Z_]+)\".*",
          "$1") + ": " + json;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
