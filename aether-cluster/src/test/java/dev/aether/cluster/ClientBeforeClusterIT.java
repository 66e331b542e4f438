package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An {@link AetherClient} of a namespace where no node has run yet: it waits for the cluster, as a client should. */
@NatsTest
class ClientBeforeClusterIT {

  private ClusterFixture cluster;

  @BeforeEach
  void cluster(NatsServer server) {
    cluster = new ClusterFixture(server.url()); // no node started
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void aClientStartedBeforeAnyNode_waitsForTheCluster_andItsCommandIsAppliedOnceANodeStarts() throws Exception {
    // found by a new user's test: build() failed with "stream not found" when no node had run in the namespace
    AetherClient closed;
    try (AetherClient client = AetherClient.builder(cluster.connect(), cluster.store).build()) {
      closed = client;
      assertThat(client).hasToString("AetherClient[namespace=" + cluster.store.namespace() + ", epoch=none]");
      CommandResult tooEarly = client.sendMessage(RuntimeMessage.builder("Account", "early-0", "Open")
          .payload(Map.of("owner", "Ada")).deadline(Instant.now().plusMillis(300)).build()).get(10, TimeUnit.SECONDS);
      assertThat(tooEarly).isInstanceOfSatisfying(Rejected.class, r -> {
        assertThat(r.reason()).isEqualTo(RejectionReason.TIMEOUT);
        assertThat(r.message()).contains("it was not applied");
      });

      CompletableFuture<CommandResult> waiting = client.sendMessage(RuntimeMessage.builder("Account", "early-1",
          "Open").payload(Map.of("owner", "Ada")).deadline(Instant.now().plusSeconds(30)).build());
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)) // the client retries: no cluster yet
          .until(() -> !waiting.isDone());
      cluster.start("n1");

      assertThat(waiting).succeedsWithin(Duration.ofSeconds(30)).isInstanceOf(Accepted.class);
      assertThat(client.sendMessage(RuntimeMessage.builder("Account", "early-1", "Deposit")
          .payload(Map.of("amount", 5)).build())).succeedsWithin(Duration.ofSeconds(10))
          .isInstanceOfSatisfying(Accepted.class, a -> assertThat(a.newVersion()).isEqualTo(2));
      assertThat(cluster.reader().getLatestVersion("Account/early-0")).as("the early command").isZero();
      assertThat(client.toString()).matches("AetherClient\\[namespace=.+, epoch=[1-9][0-9]*]");
    }
    assertThat(closed.toString()).endsWith(", closed]");
  }
}
