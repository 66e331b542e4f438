package dev.aether.model.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.event.Event;
import dev.aether.model.exec.DeadLetter;
import dev.aether.model.exec.Policy;
import dev.aether.model.exec.RunningPolicy;
import dev.aether.model.projection.Projection;
import dev.aether.model.projection.RunningProjection;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.nats.JetStreamReadModelStore;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.behavior.Effect;
import dev.aether.runtime.behavior.EventUpcasts;
import dev.aether.runtime.behavior.JavaBehavior;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One {@link EventUpcasts} given to a behaviour, a projection and a policy on JetStream: each reads a history of
 * old-named and old-shaped events exactly as new ones, and a migration that fails is reported as a failing
 * handler's (projection: skipped and counted; policy: dead-lettered), naming the upcast.
 */
@NatsTest
class UpcastsOnJetStreamIT {

  record Transfer(String to, long amount) {}

  record TransferSent(String to, long amount) {}

  record Credit(long amount) {}

  record Credited(long amount) {}

  record Received(long total, long transfers) {}

  record Balance(long value) {}

  /** v1 stored FundsSent(recipient, amount); v2 renamed it TransferSent(to, cents); v3 has TransferSent(to, amount). */
  static final EventUpcasts TRANSFERS = EventUpcasts.builder()
      .upcast("FundsSent", "TransferSent", data -> {
        data.put("to", data.remove("recipient"));
        data.put("cents", ((Number) data.remove("amount")).longValue() * 100);
        return data;
      })
      .upcast("TransferSent", "TransferSent", data -> {
        if (data.containsKey("garbled")) {
          throw new IllegalArgumentException("a garbled transfer");
        }
        if (data.containsKey("cents")) { // stored before amounts were whole units
          data.put("amount", ((Number) data.remove("cents")).longValue() / 100);
        }
        return data;
      })
      .build();

  private JetStreamConfig config;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void namespace(NatsServer server) {
    config = JetStreamConfig.builder().servers(server.url())
        .namespace("upcasts-" + UUID.randomUUID().toString().substring(0, 8)).build();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  private static void storeAsBefore(JetStreamEventStore store, String stream, String type, Map<String, Object> data) {
    long version = store.getLatestVersion(stream) + 1;
    store.append(stream, version - 1, List.of(Event.builder().eventType(type).streamId(stream).version(version)
        .data(data).build()));
  }

  @Test
  void aBehaviourAProjectionAndAPolicy_withTheSameUpcasts_readOldEventsAsNewOnes(NatsServer server) {
    JetStreamEventStore store = JetStreamEventStore.connect(config);
    open.add(store);
    // the history as older versions of the code stored it
    storeAsBefore(store, "Account/s1", "FundsSent", Map.of("recipient", "t1", "amount", 3));
    storeAsBefore(store, "Account/s1", "TransferSent", Map.of("to", "t2", "cents", 500));
    storeAsBefore(store, "Account/s2", "TransferSent", Map.of("to", "t1", "cents", 700, "garbled", true));

    Runtime runtime = Runtime.builder().eventStore(store).behavior(JavaBehavior.builder("Account", Balance.class,
            new Balance(0))
        .upcasts(TRANSFERS)
        .command("Transfer", Transfer.class, (balance, c) -> Effect.persist(new TransferSent(c.to(), c.amount())))
        .command("Credit", Credit.class, (balance, c) -> Effect.persist(new Credited(c.amount())))
        .event("TransferSent", TransferSent.class, (balance, e) -> new Balance(balance.value() - e.amount()))
        .event("Credited", Credited.class, (balance, e) -> new Balance(balance.value() + e.amount()))
        .build()).build();
    runtime.start();
    open.add(runtime);
    assertThat(runtime.sendMessage(RuntimeMessage.of("Account", "s1", "Transfer", Map.of("to", "t1", "amount", 2)))
        .join().isAccepted()).isTrue();

    Policy credit = Policy.builder("credit").upcasts(TRANSFERS)
        .on("Account", "TransferSent", TransferSent.class, (sent, event) ->
            RuntimeMessage.of("Account", sent.to(), "Credit", Map.of("amount", sent.amount())))
        .build();
    RunningPolicy crediting = credit.start(store, runtime, JetStreamReadModelStore.create(store));
    open.add(crediting);
    Projection<Received> received = Projection.builder("received", Received.class).upcasts(TRANSFERS)
        .initialView(() -> new Received(0, 0))
        .on("Account", "TransferSent", TransferSent.class, (sent, event) -> sent.to(),
            (view, sent, event) -> new Received(view.total() + sent.amount(), view.transfers() + 1))
        .build();
    RunningProjection<Received> receiving = received.start(store, JetStreamReadModelStore.create(store));
    open.add(receiving);

    receiving.idle().orTimeout(30, TimeUnit.SECONDS).join();
    assertThat(receiving.rows()).isEqualTo(Map.of("t1", new Received(5, 2), "t2", new Received(5, 1)));
    assertThat(receiving.failures()).as("the garbled transfer").isEqualTo(1);
    await().atMost(Duration.ofSeconds(30)).until(() -> balance(runtime, "t1") == 5 && balance(runtime, "t2") == 5);
    assertThat(balance(runtime, "s1")).as("the behaviour's replay of the old events").isEqualTo(-10);
    await().atMost(Duration.ofSeconds(30)).until(() -> crediting.deadLetters().size() == 1);
    DeadLetter letter = crediting.deadLetters().getFirst();
    assertThat(letter.streamId()).isEqualTo("Account/s2");
    assertThat(letter.lastError()).contains("the upcast of TransferSent to TransferSent failed")
        .contains("a garbled transfer");
  }

  private static long balance(Runtime runtime, String actor) {
    return ((Number) runtime.readState(ActorKey.of("Account", actor)).join().state().get("value")).longValue();
  }
}
