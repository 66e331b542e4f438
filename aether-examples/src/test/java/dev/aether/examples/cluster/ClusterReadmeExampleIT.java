package dev.aether.examples.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.cluster.AetherClient;
import dev.aether.cluster.ClusterConfig;
import dev.aether.cluster.ClusterNode;
import dev.aether.cluster.ClusterStatus;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.StoredState;
import dev.aether.runtime.behavior.Effect;
import dev.aether.runtime.behavior.JavaBehavior;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The example at the top of aether-cluster/README.md, as written there (the server URL from the fixture). */
@NatsTest
class ClusterReadmeExampleIT {

  record Account(long balance) {}

  record Deposit(long amount) {}

  record Deposited(long amount) {}

  @Test
  void theReadmeExample_runsAsWritten(NatsServer server) throws Exception {
    String url = server.url();
    JavaBehavior<Account> account = JavaBehavior.builder("Account", Account.class, new Account(0))
        .command("Deposit", Deposit.class, (s, c) -> Effect.persist(new Deposited(c.amount())))
        .event("Deposited", Deposited.class, (s, e) -> new Account(s.balance() + e.amount()))
        .build();

    JetStreamConfig store = JetStreamConfig.builder().servers(url).namespace("bank-" + UUID.randomUUID()).build();
    try (Connection connection = Nats.connect(url);
        JetStreamEventStore events = JetStreamEventStore.connect(store)) {
      ClusterConfig config = ClusterConfig.builder(store).nodeId("node-1").build();
      try (ClusterNode node = ClusterNode.builder(config).connection(connection)
          .runtime(gateway -> Runtime.builder().eventStore(events).reactionGateway(gateway).behavior(account).build())
          .start()) {
        CommandResult r = node.gateway().sendMessage(RuntimeMessage.of("Account", "acc-42", "Deposit",
            Map.of("amount", 5))).join();
        ClusterStatus status = node.status();
        assertThat(r).isInstanceOfSatisfying(CommandResult.Accepted.class, a -> assertThat(a.newVersion()).isEqualTo(1));
        assertThat(status.nodes()).extracting(ClusterStatus.Node::id).containsExactly("node-1");
        assertThat(status.leader()).isEqualTo("node-1");

        try (AetherClient client = AetherClient.builder(connection, store).build()) {
          CommandResult viaClient = client.sendMessage(RuntimeMessage.of("Account", "acc-42", "Deposit",
              Map.of("amount", 5))).join();
          assertThat(viaClient).isInstanceOfSatisfying(CommandResult.Accepted.class,
              a -> assertThat(a.newVersion()).isEqualTo(2));
          StoredState read = client.readState(ActorKey.of("Account", "acc-42")).join();
          assertThat(read.version()).isEqualTo(2);
          assertThat(read.state()).containsEntry("balance", 10L);
        }

        // a second node registers a runtime it built itself, under the seed's name
        Runtime second = Runtime.builder().eventStore(events).behavior(account).build();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Connection other = Nats.connect(url);
            ClusterNode node2 = ClusterNode.builder(ClusterConfig.builder(store).nodeId("node-2").build())
                .connection(other).setVMProvider(second).meterRegistry(meters).start()) {
          await().atMost(Duration.ofSeconds(30))
              .until(() -> node.status().nodes().stream().allMatch(n -> n.shards() > 0)
                  && node.status().movesInProgress() == 0 && node.status().nodes().size() == 2);
          for (int i = 0; i < 20; i++) {
            assertThat(node2.gateway().sendMessage(RuntimeMessage.of("Account", "acc-" + i, "Deposit",
                Map.of("amount", 1))).join()).isInstanceOf(CommandResult.Accepted.class);
          }
          assertThat(second.getActiveVMs()).isNotEmpty()
              .allSatisfy((key, vm) -> assertThat(node2.map().orElseThrow().ownerOf(key.streamId())).contains("node-2"));
          double local = meters.get("aether.cluster.commands").tag("route", "local").counter().count();
          double remote = meters.get("aether.cluster.commands").tag("route", "remote").counter().count();
          assertThat(local + remote).isEqualTo(20);
          long ownedBySecond = IntStream.range(0, 20).filter(i -> node2.map().orElseThrow()
              .ownerOf("Account/acc-" + i).orElseThrow().equals("node-2")).count();
          assertThat(local).isEqualTo(ownedBySecond);
          assertThat(meters.get("aether.cluster.shards").gauge().value())
              .isEqualTo(node2.map().orElseThrow().shardsOf("node-2").size()).isPositive();
        }
      }
    }
  }
}
