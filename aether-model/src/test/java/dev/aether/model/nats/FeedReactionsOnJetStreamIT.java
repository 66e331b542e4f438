package dev.aether.model.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.event.Event;
import dev.aether.model.ModelLoader;
import dev.aether.model.exec.ModelExecution;
import dev.aether.model.exec.Policy;
import dev.aether.model.exec.RunningPolicy;
import dev.aether.model.exec.ReadModel;
import dev.aether.model.projection.Projection;
import dev.aether.model.projection.RunningProjection;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.nats.JetStreamReadModelStore;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.behavior.Effect;
import dev.aether.runtime.behavior.JavaBehavior;
import dev.aether.store.InMemoryReadModelStore;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reactions on JetStream read every writer's events from the feed: a policy and a read model in one runtime
 * react to events another runtime (its own connection and store, no model) wrote, across the loss of their connection (a kill, as the server sees it)
 * and a restart, each credit applied once and the read model equal to a fold of the log.
 */
@NatsTest
class FeedReactionsOnJetStreamIT {

  private static final String TARGETS_READ_MODEL = """
      readModels:
        - name: Received
          key: actorId
          fields:
            - {name: total, type: int}
            - {name: count, type: int}
          on:
            - {event: TransferReceived, set: {total: "row.total + event.amount", count: "row.count + 1"}}
      """;

  private JetStreamConfig config;
  private String bucket;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void namespace(NatsServer server) {
    String id = UUID.randomUUID().toString().substring(0, 8);
    config = JetStreamConfig.builder().servers(server.url()).namespace("feed-" + id).build();
    bucket = "rm-" + id;
    System.setProperty("aether.feed.ack-timeout", "1s"); // a killed member's deliveries come back quickly
  }

  @AfterEach
  void closeAll() throws Exception {
    System.clearProperty("aether.feed.ack-timeout");
    for (AutoCloseable c : open.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        // a killed member's resources may refuse to close cleanly
      }
    }
  }

  private static String bankWithReadModel() {
    try (var in = FeedReactionsOnJetStreamIT.class.getResourceAsStream("/models/bank.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8) + TARGETS_READ_MODEL;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A reacting process: its own connection, event store, read-model bucket and runtime. */
  private record Member(Connection connection, JetStreamEventStore store, Runtime runtime) {}

  private Member member(NatsServer server) throws Exception {
    Connection connection = Nats.connect(server.url());
    JetStreamEventStore store = JetStreamEventStore.create(connection, config);
    Runtime runtime = Runtime.builder().eventStore(store)
        .readModelStore(JetStreamReadModelStore.create(connection, bucket)).build();
    runtime.loadModel(ModelLoader.fromYaml(bankWithReadModel()));
    runtime.start();
    open.add(connection);
    open.add(runtime);
    return new Member(connection, store, runtime);
  }

  record Transfer(String to, long amount) {}

  record TransferSent(String to, long amount) {}

  /**
   * The writing process: its own connection and store, and a runtime whose Java behaviour (no model, so no
   * policy and no read model of its own) turns {@code Transfer} into {@code TransferSent}.
   */
  private Runtime writerRuntime(JetStreamEventStore store) {
    JavaBehavior<Long> sources = JavaBehavior.builder("Account", Long.class, 0L)
        .command("Transfer", Transfer.class, (sent, c) -> Effect.persist(new TransferSent(c.to(), c.amount())))
        .event("TransferSent", TransferSent.class, (sent, e) -> sent + e.amount())
        .build();
    Runtime runtime = Runtime.builder().eventStore(store).behavior(sources).build();
    runtime.start();
    open.add(runtime);
    return runtime;
  }

  /** Transfers sent through the writing runtime: {@code count} commands, amounts from + 1, from + 2, ... */
  private static void writeTransfers(Runtime writer, int from, int count) {
    for (int i = from; i < from + count; i++) {
      CommandResult result = writer.sendMessage(RuntimeMessage.of("Account", "s" + (i % 10), "Transfer",
          Map.of("to", "t" + (i % 3), "amount", i + 1))).join();
      assertThat(result.isAccepted()).as("transfer %s", i).isTrue();
    }
  }

  private static long credits(JetStreamEventStore store) {
    long credits = 0;
    for (int t = 0; t < 3; t++) {
      credits += store.getLatestVersion("Account/t" + t);
    }
    return credits;
  }

  @Test
  void anotherProcessesEvents_reachThePolicyAndTheReadModel_onceEach_acrossAKillAndARestart(NatsServer server)
      throws Exception {
    JetStreamEventStore writer = JetStreamEventStore.connect(config);
    open.add(writer);
    Runtime writing = writerRuntime(writer);
    Member first = member(server);
    writeTransfers(writing, 0, 150);
    await().atMost(Duration.ofSeconds(30)).until(() -> credits(writer) >= 20);

    first.connection().close(); // killed mid-stream: nothing acknowledged from now on
    writeTransfers(writing, 150, 150);
    Member second = member(server);

    await().atMost(Duration.ofSeconds(60)).until(() -> credits(writer) == 300);
    ModelExecution execution = ModelExecution.of(second.runtime()).orElseThrow();
    await().atMost(Duration.ofSeconds(30)).until(() -> execution.pendingPolicyDeliveries() == 0);
    ReadModel received = execution.readModel("Received").orElseThrow();
    received.idle().orTimeout(30, TimeUnit.SECONDS).join();

    // an independent fold of the log: what each target must have received, credit by credit
    Map<String, Long> expectedTotal = new HashMap<>();
    Set<String> expectedCommands = new HashSet<>();
    for (int s = 0; s < 10; s++) {
      for (Event sent : writer.getEvents("Account/s" + s, 1)) {
        expectedTotal.merge((String) sent.data().get("to"), ((Number) sent.data().get("amount")).longValue(),
            Long::sum);
        expectedCommands.add(ModelExecution.policyCommandId("creditTransfer", sent.id()));
      }
    }
    Set<String> appliedCommands = new HashSet<>();
    for (int t = 0; t < 3; t++) {
      String target = "t" + t;
      List<Event> credits = writer.getEvents("Account/" + target, 1);
      credits.forEach(e -> assertThat(appliedCommands.add(e.commandId().orElseThrow()))
          .as("credit %s applied once", e.commandId()).isTrue());
      long total = credits.stream().mapToLong(e -> ((Number) e.data().get("amount")).longValue()).sum();
      assertThat(total).as("credits of " + target).isEqualTo(expectedTotal.get(target));
      assertThat(received.get(target)).as("read model row of " + target)
          .contains(Map.of("total", total, "count", (long) credits.size()));
    }
    assertThat(appliedCommands).isEqualTo(expectedCommands);
    assertThat(execution.deadLetters()).isEmpty();
  }

  record Credit(long amount) {}

  record Credited(long amount) {}

  private static final Policy JAVA_CREDIT = Policy.builder("java-credit")
      .on("Account", "TransferSent", TransferSent.class, (sent, event) -> RuntimeMessage.of("Account", sent.to(),
          "Credit", Map.of("amount", sent.amount())))
      .build();

  /** A process running the Java policy: its own connection, store and runtime (credits only). */
  private RunningPolicy javaMember(NatsServer server) throws Exception {
    Connection connection = Nats.connect(server.url());
    JetStreamEventStore store = JetStreamEventStore.create(connection, config);
    Runtime runtime = Runtime.builder().eventStore(store).behavior(JavaBehavior.builder("Account", Long.class, 0L)
        .command("Credit", Credit.class, (total, c) -> Effect.persist(new Credited(c.amount())))
        .event("Credited", Credited.class, (total, e) -> total + e.amount()).build()).build();
    runtime.start();
    RunningPolicy running = JAVA_CREDIT.start(store, runtime, JetStreamReadModelStore.create(store));
    open.add(connection);
    open.add(runtime);
    open.add(running);
    return running;
  }

  @Test
  void aJavaPolicyInTwoProcesses_handlesEachEventOnce_andASurvivorTakesOverAKilledMembersShare(NatsServer server)
      throws Exception {
    JetStreamEventStore writer = JetStreamEventStore.connect(config);
    open.add(writer);
    Runtime writing = writerRuntime(writer);
    RunningPolicy first = javaMember(server);
    RunningPolicy second = javaMember(server);
    writeTransfers(writing, 0, 100);
    await().atMost(Duration.ofSeconds(30)).until(() -> credits(writer) >= 20);
    first.close(); // one member goes: what it held goes to the other after the ack timeout
    writeTransfers(writing, 100, 100);

    await().atMost(Duration.ofSeconds(60)).until(() -> credits(writer) == 200);
    await().atMost(Duration.ofSeconds(30)).until(() -> second.pending() == 0);
    Set<String> expected = new HashSet<>();
    for (int s = 0; s < 10; s++) {
      writer.getEvents("Account/s" + s, 1).forEach(sent -> expected.add(
          JAVA_CREDIT.commandId(sent.id())));
    }
    Set<String> applied = new HashSet<>();
    for (int t = 0; t < 3; t++) {
      writer.getEvents("Account/t" + t, 1).forEach(e -> assertThat(applied.add(e.commandId().orElseThrow()))
          .as("credit %s applied once", e.commandId()).isTrue());
    }
    assertThat(applied).isEqualTo(expected);
    assertThat(second.deadLetters()).isEmpty();
    assertThat(second.backlog()).isZero();
  }

  record Sum(long total, long events) {}

  record Amount(long amount) {}

  @Test
  void aProjectionStoppedWhile10000EventsAreWritten_catchesUp_andARebuildGivesTheSameView(NatsServer server) {
    Projection<Sum> sums = Projection.builder("sums", Sum.class).initialView(() -> new Sum(0, 0))
        .on("Meter", "Measured", Amount.class, (view, e, event) -> new Sum(view.total() + e.amount(),
            view.events() + 1))
        .build();
    JetStreamEventStore store = JetStreamEventStore.connect(config);
    open.add(store);
    InMemoryReadModelStore views = InMemoryReadModelStore.create();
    RunningProjection<Sum> before = sums.start(store, views);
    before.idle().orTimeout(30, TimeUnit.SECONDS).join();
    before.close();

    Map<String, Sum> fold = new HashMap<>();
    for (int commit = 0; commit < 1_000; commit++) { // 10,000 events, 10 per commit, over 50 meters
      String meter = "m" + (commit % 50);
      long version = store.getLatestVersion("Meter/" + meter);
      List<Event> batch = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        long amount = commit * 10L + i;
        batch.add(Event.builder().eventType("Measured").streamId("Meter/" + meter).version(version + i)
            .data(Map.of("amount", amount)).build());
        fold.merge(meter, new Sum(amount, 1), (a, b) -> new Sum(a.total() + b.total(), a.events() + b.events()));
      }
      store.append("Meter/" + meter, version, batch);
    }

    RunningProjection<Sum> after = sums.start(store, views);
    open.add(after);
    after.idle().orTimeout(60, TimeUnit.SECONDS).join();
    assertThat(after.rows()).isEqualTo(fold);

    after.rebuild().orTimeout(60, TimeUnit.SECONDS).join();
    assertThat(after.rows()).isEqualTo(fold);
    assertThat(after.progress().commitsBehind()).isZero();
  }

  @Test
  void aPolicyAndAProjectionWhoseStoreIsClosedUnderThem_stopSayingWhy_insteadOfRetryingForEver() {
    // found by a new user: both polled a closed store for as long as the process lived, a WARN every 10-30 s
    JetStreamEventStore store = JetStreamEventStore.connect(config);
    Runtime runtime = writerRuntime(store);
    RunningPolicy policy = JAVA_CREDIT.start(store, runtime, JetStreamReadModelStore.create(store));
    open.add(policy);
    Projection<Sum> sums = Projection.builder("sums", Sum.class).initialView(() -> new Sum(0, 0))
        .on("Meter", "Measured", Amount.class, (view, e, event) -> new Sum(view.total() + e.amount(),
            view.events() + 1))
        .build();
    RunningProjection<Sum> projection = sums.start(store, InMemoryReadModelStore.create());
    // its rows on the store's own connection: the read-model store's calls fail first, not the feed's (review)
    RunningProjection<Sum> onTheStore = sums.start(store, JetStreamReadModelStore.create(store));
    open.add(projection);
    open.add(onTheStore);
    projection.idle().orTimeout(30, TimeUnit.SECONDS).join();
    onTheStore.idle().orTimeout(30, TimeUnit.SECONDS).join();
    assertThat(policy.isRunning()).isTrue();

    store.close();

    for (RunningProjection<Sum> stopped : List.of(projection, onTheStore)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> !stopped.runsHere());
      assertThat(stopped.rebuild()).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
          .havingRootCause().isInstanceOf(dev.aether.store.FeedClosedException.class);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> !policy.isRunning());
  }
}
