package dev.aether.cluster;

import static dev.aether.cluster.ClusterFixture.account;
import static dev.aether.cluster.ClusterFixture.deposit;
import static dev.aether.cluster.ClusterFixture.openAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.aether.InvalidInputException;
import dev.aether.cluster.ControlJson.StateAnswer;
import dev.aether.cluster.ControlJson.StateRequest;
import dev.aether.event.Event;
import dev.aether.runtime.ActorFailedException;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.StoredState;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AetherClient#readState}: a thin client reads an actor's state through its VM on the owner; MOVED followed;
 * through the other members by name, then any node ({@code <p>.<ns>.state}), when the owner does not answer; typed
 * failures; no node running; reads still waiting when the client closes.
 * {@link AetherClient#status()} from any node.
 */
@NatsTest
class ClientStateReadsIT {

  private ClusterFixture cluster;

  @BeforeEach
  void cluster(NatsServer server) {
    cluster = new ClusterFixture(server.url());
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  /** A client's reads with a map that never changes: the current one with the account's shard given to node. */
  private ClientStateReads readerGiving(Connection connection, String account, String node) {
    return new ClientStateReads(connection, ClusterNames.of(cluster.store),
        cluster.frozenMap(connection, cluster.mapGiving(account, node)), new AnyNode(connection, Duration.ofSeconds(4)),
        3, Duration.ofSeconds(10), Duration.ofSeconds(1));
  }

  @Test
  void aClientReadsThroughTheOwnersVm_andSeesEveryAcknowledgedCommand_andActivatesItOnlyThere() {
    cluster.startSettled("n1", "n2", "n3");
    try (AetherClient client = AetherClient.builder(cluster.connect(), cluster.store).build()) {
      for (int i = 0; i < 6; i++) {
        String id = "client-read-" + i;
        assertThat(client.sendMessage(openAccount(id)).join()).isInstanceOf(Accepted.class);
        assertThat(cluster.running().get(i % 3).gateway().sendMessage(deposit(id, i + 1)).join())
            .isInstanceOf(Accepted.class);
        String owner = cluster.ownerOf(id);
        cluster.node(owner).runtime().stopVM(account(id)).join();

        StoredState read = client.readState(account(id)).join();

        assertThat(read.key()).isEqualTo(account(id));
        assertThat(read.version()).isEqualTo(3);
        assertThat(read.state()).containsEntry("balance", 100L + i + 1).containsEntry("open", true);
        for (ClusterNode node : cluster.running()) {
          assertThat(node.runtime().registry().get(account(id)).isPresent())
              .as("%s active on %s", id, node.nodeId()).isEqualTo(node.nodeId().equals(owner));
        }
      }
      StoredState unknown = client.readState(account("never-written")).join();
      assertThat(unknown.version()).as("an actor without events").isZero();

      ClusterStatus status = client.status().join();
      assertThat(status.nodes()).extracting(ClusterStatus.Node::id).containsExactlyInAnyOrder("n1", "n2", "n3");
      assertThat(status.leader()).isNotNull();
      assertThat(status.unownedShards()).isZero();
    }
  }

  @Test
  void aClientWithAStaleMap_orWhoseOwnerIsGoneMuteOrFailing_stillReadsTheStateTheOwnerWouldAnswer()
      throws Exception {
    cluster.startSettled("n1", "n2", "n3");
    String id = "client-stale-1";
    assertThat(cluster.node("n1").gateway().sendMessage(openAccount(id)).join()).isInstanceOf(Accepted.class);
    assertThat(cluster.node("n2").gateway().sendMessage(deposit(id, 7)).join()).isInstanceOf(Accepted.class);
    String owner = cluster.ownerOf(id);
    String other = cluster.running().stream().map(ClusterNode::nodeId).filter(n -> !n.equals(owner))
        .findFirst().orElseThrow();
    cluster.node(owner).runtime().stopVM(account(id)).join();
    Connection connection = cluster.connect();

    StoredState moved = readerGiving(connection, id, other).read(account(id)).join();
    assertThat(moved.version()).isEqualTo(3);
    assertThat(moved.state()).containsEntry("balance", 107L);
    assertThat(cluster.node(other).runtime().registry().get(account(id))).as("the stale owner").isEmpty();

    // "ghost" is in the map but nowhere (no responders); "mute" takes the request and never answers; "broken"
    // answers that its read failed; "elder" knows no state request (a node of an earlier version)
    Connection fakes = cluster.connect();
    ClusterNames names = ClusterNames.of(cluster.store);
    fakes.createDispatcher(m -> {}).subscribe(names.nodeControl("mute"));
    fakes.createDispatcher(m -> fakes.publish(m.getReplyTo(), new Headers().put(Wire.STATUS, Wire.UNAVAILABLE),
        "store down".getBytes(StandardCharsets.UTF_8))).subscribe(names.nodeControl("broken"));
    fakes.createDispatcher(m -> fakes.publish(m.getReplyTo(), new Headers().put(Wire.STATUS, Wire.BAD_REQUEST)
        .put(Wire.ERROR_FIELD, "Control"), "names no operation".getBytes(StandardCharsets.UTF_8)))
        .subscribe(names.nodeControl("elder"));
    fakes.flush(Duration.ofSeconds(5));
    for (String node : List.of("ghost", "mute", "broken", "elder")) {
      assertThat(readerGiving(connection, id, node).read(account(id)).join()).as("read with the owner %s", node)
          .isEqualTo(moved);
    }
  }

  @Test
  void aPausedOwner_isReadThroughTheOtherNodes_whileItIsPausedAndAfterItsShardsMoved() {
    cluster.startSettled("n1", "n2", "n3");
    List<String> ids = new ArrayList<>();
    for (int i = 0; ids.size() < 4; i++) {
      String id = "paused-read-" + i;
      if (cluster.ownerOf(id).equals("n3")) {
        assertThat(cluster.node("n1").gateway().sendMessage(openAccount(id)).join()).isInstanceOf(Accepted.class);
        ids.add(id);
      }
    }
    ClusterNode paused = cluster.node("n3");
    // a budget of ten seconds: the paused owner costs one attempt of one second
    try (AetherClient client = AetherClient.builder(cluster.connect(), cluster.store)
        .commandTimeout(Duration.ofSeconds(10)).build()) {
      ClusterFaults.freeze(paused);
      try {
        for (int round = 0; round < 2; round++) { // the first at once, the second once the shards moved
          for (String id : ids) {
            assertThat(client.readState(account(id))).succeedsWithin(Duration.ofSeconds(30))
                .satisfies(read -> assertThat(read.version()).isEqualTo(2));
          }
          if (round == 0) {
            await().atMost(Duration.ofSeconds(30)).until(() -> client.map().orElseThrow().ownerOf("Account/"
                + ids.getFirst()).filter(owner -> !owner.equals("n3")).isPresent());
          }
        }
      } finally {
        ClusterFaults.thaw(paused);
      }
    }
  }

  @Test
  void aPausedOwner_isNotAskedAgain_theOtherMembersAreAskedByName_soEveryReadSucceedsWithinAShortBudget() {
    // nobody is declared dead during the test, so the map keeps naming the paused node the owner of its shards
    for (String node : List.of("n1", "n2", "n3")) {
      cluster.start(node, settings -> settings.deadAfter(Duration.ofMinutes(2)));
    }
    cluster.awaitSettled("n1", "n2", "n3");
    String id = null;
    for (int i = 0; id == null; i++) {
      id = cluster.ownerOf("skip-paused-" + i).equals("n3") ? "skip-paused-" + i : null;
    }
    assertThat(cluster.node("n1").gateway().sendMessage(openAccount(id)).join()).isInstanceOf(Accepted.class);
    ClusterNode paused = cluster.node("n3");
    // a budget of three one-second attempts: through the queue group alone (which still counts the paused node)
    // one read in nine would meet it twice and fail
    AetherClient client = AetherClient.builder(cluster.connect(), cluster.store).commandTimeout(Duration.ofSeconds(3))
        .build();
    await().atMost(Duration.ofSeconds(30)).until(() -> client.map().isPresent());
    ClusterFaults.freeze(paused);
    try {
      List<CompletableFuture<StoredState>> all = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        all.add(client.readState(account(id)));
      }
      for (CompletableFuture<StoredState> read : all) {
        assertThat(read).succeedsWithin(Duration.ofSeconds(30))
            .satisfies(state -> assertThat(state.version()).isEqualTo(2));
      }
    } finally {
      ClusterFaults.thaw(paused);
      client.close();
    }
  }

  @Test
  void aReadOfAnUnknownType_orOfAHistoryTheBehaviourCannotApply_failsTyped_andNothingIsRetried() {
    cluster.startSettled("n1", "n2");
    String id = "client-broken-1";
    assertThat(cluster.node("n1").gateway().sendMessage(openAccount(id)).join()).isInstanceOf(Accepted.class);
    cluster.reader().append("Account/" + id, 2, List.of(Event.builder().eventType("Mystery")
        .streamId("Account/" + id).version(3).data(Map.of("what", "nobody knows")).build()));
    cluster.node(cluster.ownerOf(id)).runtime().stopVM(account(id)).join();

    // a command timeout far longer than the waits below: a failure retrying cannot fix is not retried until then
    try (AetherClient client = AetherClient.builder(cluster.connect(), cluster.store)
        .commandTimeout(Duration.ofSeconds(60)).build()) {
      assertThat(client.readState(ActorKey.of("Nonesuch", "x")))
          .failsWithin(Duration.ofSeconds(10)).withThrowableOfType(Exception.class).havingCause()
          .isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.field()).isEqualTo("key.aggregateType");
            assertThat(e.getMessage()).contains("Nonesuch").doesNotContain("key.aggregateType: key.aggregateType");
          });
      assertThat(client.readState(account(id))).failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(Exception.class).havingCause()
          .isInstanceOfSatisfying(ActorFailedException.class, e -> {
            assertThat(e.reason().isTransient()).isFalse();
            assertThat(e.getMessage()).contains(id);
          });
      assertThatThrownBy(() -> client.readState(null))
          .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("key"));
      client.close();
      assertThat(client.readState(account(id))).failsWithin(Duration.ofSeconds(1))
          .withThrowableOfType(Exception.class).havingCause().isInstanceOf(IllegalStateException.class);
      assertThat(client.status()).failsWithin(Duration.ofSeconds(1))
          .withThrowableOfType(Exception.class).havingCause().isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void anyNodeAnswersAStateReadOnItsSubject_forClientsInAnyLanguage_andNamesTheFieldOfABadOne() throws Exception {
    cluster.startSettled("n1", "n2");
    String id = "client-raw-1";
    assertThat(cluster.node("n2").gateway().sendMessage(openAccount(id)).join()).isInstanceOf(Accepted.class);
    Connection raw = cluster.connect();
    String subject = cluster.store.subjectPrefix() + "." + cluster.store.namespaceToken() + ".state";

    Message answer = raw.request(subject, "{\"aggregateType\":\"Account\",\"actorId\":\"client-raw-1\"}"
        .getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));
    assertThat(Wire.header(answer, Wire.STATUS)).isNull();
    StateAnswer read = ControlJson.read(answer.getData(), StateAnswer.class);
    assertThat(read.version()).isEqualTo(2);
    assertThat(read.state()).containsEntry("owner", id).containsEntry("open", true);

    for (String bad : List.of("{\"aggregateType\":\"Account\",\"actorId\":\"\"}", "not json")) {
      Message refused = raw.request(subject, bad.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));
      assertThat(Wire.header(refused, Wire.STATUS)).as(bad).isEqualTo(Wire.BAD_REQUEST);
      assertThat(Wire.header(refused, Wire.ERROR_FIELD)).as(bad).isNotBlank();
    }
    Message unknown = raw.request(subject, ControlJson.write(new StateRequest("Nonesuch", "x")),
        Duration.ofSeconds(10));
    assertThat(Wire.header(unknown, Wire.ERROR_FIELD)).isEqualTo("key.aggregateType");
  }

  @Test
  void readsAndStatusRequestsStillWaiting_failAtOnce_whenTheClientCloses_andNothingIsAskedAfterwards()
      throws Exception {
    Connection connection = cluster.connect(); // stays open: the client's close alone ends the requests
    AetherClient client = AetherClient.builder(connection, cluster.store).commandTimeout(Duration.ofSeconds(60))
        .build();
    CompletableFuture<StoredState> read = client.readState(account("closing"));
    CompletableFuture<ClusterStatus> status = client.status();
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> !read.isDone() && !status.isDone()); // no node runs: both wait for one within a minute
    client.close();
    assertThat(read).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(Exception.class).havingCause()
        .isInstanceOf(IllegalStateException.class).withMessageContaining("closed");
    assertThat(status).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(Exception.class).havingCause()
        .isInstanceOf(IllegalStateException.class).withMessageContaining("closed");
    // a node that starts now gets none of them: the requests were given up, not left running to their deadline
    AtomicInteger asked = new AtomicInteger();
    Dispatcher spy = connection.createDispatcher(m -> asked.incrementAndGet());
    spy.subscribe(ClusterNames.of(cluster.store).anyNodeStates());
    spy.subscribe(ClusterNames.of(cluster.store).status());
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> asked.get() == 0);
  }

  @Test
  void aReadBeforeAnyNodeRuns_waitsForOne_andOneThatNoNodeAnswersInTime_failsAsClusterUnavailable()
      throws Exception {
    try (AetherClient quick = AetherClient.builder(cluster.connect(), cluster.store)
        .commandTimeout(Duration.ofMillis(300)).build()) {
      assertThat(quick.readState(account("early"))).failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(Exception.class).havingCause().isInstanceOf(ClusterUnavailableException.class)
          .withMessageContaining("no node");
      assertThat(quick.status()).failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(Exception.class).havingCause().isInstanceOf(ClusterUnavailableException.class);
    }
    try (AetherClient patient = AetherClient.builder(cluster.connect(), cluster.store)
        .commandTimeout(Duration.ofSeconds(30)).build()) {
      CompletableFuture<StoredState> waiting = patient.readState(account("early"));
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !waiting.isDone());
      cluster.start("n1");
      assertThat(waiting).succeedsWithin(Duration.ofSeconds(30))
          .satisfies(read -> assertThat(read.version()).isZero());
    }
  }
}
