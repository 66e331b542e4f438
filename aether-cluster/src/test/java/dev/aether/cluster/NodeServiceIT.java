package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.nats.client.Connection;
import io.nats.service.Discovery;
import io.nats.service.Endpoint;
import io.nats.service.EndpointStats;
import io.nats.service.InfoResponse;
import io.nats.service.ServiceResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each node is an instance of the NATS service {@code aether} ({@code nats micro ls / info / stats}): its any-node
 * endpoints (commands, state reads, the cluster's status) in the nodes' queue group, with the node and the
 * namespace's subjects as metadata, and the standard request counts.
 */
@NatsTest
class NodeServiceIT {

  private ClusterFixture cluster;

  @BeforeEach
  void cluster(NatsServer server) {
    cluster = new ClusterFixture(server.url());
    cluster.startSettled("n1", "n2");
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  /** This test's instances: the server may hold other namespaces' nodes. */
  private <T extends ServiceResponse> List<T> ours(List<T> responses) {
    String stem = ClusterNames.of(cluster.store).subjectStem();
    return responses.stream().filter(r -> stem.equals(r.getMetadata().get("subjects"))).toList();
  }

  @Test
  void everyNodeIsAnInstanceOfTheAetherService_withItsEndpoints_andCountsTheirRequests() {
    Connection connection = cluster.connect();
    Discovery discovery = new Discovery(connection, 2_000, 1_000);
    ClusterNames names = ClusterNames.of(cluster.store);

    assertThat(ours(discovery.ping(NodeEndpoints.SERVICE_NAME)))
        .extracting(r -> r.getMetadata().get("node")).containsExactlyInAnyOrder("n1", "n2");
    List<InfoResponse> infos = ours(discovery.info(NodeEndpoints.SERVICE_NAME));
    assertThat(infos).hasSize(2).allSatisfy(info -> {
      assertThat(info.getVersion()).isEqualTo(NodeEndpoints.SERVICE_VERSION);
      assertThat(info.getEndpoints()).extracting(Endpoint::getName, Endpoint::getSubject, Endpoint::getQueueGroup)
          .containsExactlyInAnyOrder(
              tuple("commands", names.anyNodeCommands(), ClusterNames.NODE_QUEUE),
              tuple("state", names.anyNodeStates(), ClusterNames.NODE_QUEUE),
              tuple("status", names.status(), ClusterNames.NODE_QUEUE));
    });

    for (int i = 0; i < 4; i++) {
      assertThat(cluster.status(connection).nodes()).extracting(ClusterStatus.Node::id)
          .containsExactlyInAnyOrder("n1", "n2");
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ours(discovery.stats(
        NodeEndpoints.SERVICE_NAME)).stream().flatMap(s -> s.getEndpointStatsList().stream())
        .filter(e -> e.getName().equals("status")).mapToLong(EndpointStats::getNumRequests).sum())
        .as("the status requests, counted by the instances that answered them").isEqualTo(4));
  }
}
