package dev.aether.cluster;

import static dev.aether.cluster.ClusterFixture.deposit;
import static dev.aether.cluster.ClusterFixture.openAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.event.Event;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandGateway;
import dev.aether.runtime.CommandJson;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where commands go: through any node, a thin client or the any-language subject they reach the shard's owner
 * (and are activated only there); an owner asked with a stale map answers MOVED and the sender follows it; two
 * nodes forced to own one shard keep its log linear; a crashed node's shards, and a crashed leader's work, go
 * to the others.
 */
@NatsTest
class ClusterRoutingIT {

  private ClusterFixture cluster;

  @BeforeEach
  void cluster(NatsServer server) {
    cluster = new ClusterFixture(server.url());
    cluster.startSettled("n1", "n2", "n3");
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  private static RuntimeMessage withdraw(String account, String commandId) {
    return RuntimeMessage.builder("Account", account, "Withdraw").payload(Map.of("amount", 500)).commandId(commandId)
        .build();
  }

  /** Starts node "ghost", which takes the commands routed to it and never answers; counts the first one. */
  private CountDownLatch silentGhost(ClusterNames names) throws Exception {
    CountDownLatch taken = new CountDownLatch(1);
    Connection ghost = cluster.connect();
    ghost.createDispatcher(m -> taken.countDown()).subscribe(names.nodeCommands("ghost"));
    ghost.flush(Duration.ofSeconds(5));
    return taken;
  }

  @Test
  void aCommandThroughAnyNode_aClient_orTheAnyNodeSubject_reachesTheOwner_andRunsOnlyThere() throws Exception {
    Connection raw = cluster.connect();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (AetherClient client = AetherClient.builder(cluster.connect(), cluster.store).meterRegistry(meters).build()) {
      for (int i = 0; i < 30; i++) {
        String account = "route-" + i;
        ClusterNode via = cluster.running().get(i % 3);
        assertThat(via.gateway().sendMessage(openAccount(account)).join()).isInstanceOf(Accepted.class);
        assertThat(client.sendMessage(deposit(account, 5)).join()).isInstanceOf(Accepted.class);
        Message reply = raw.request(cluster.store.subjectPrefix() + "." + cluster.store.namespaceToken() + ".cmd",
            CommandJson.messageToBytes(deposit(account, 7)), Duration.ofSeconds(10));
        CommandResult viaSubject = CommandJson.resultFromBytes(reply.getData());
        assertThat(viaSubject).isInstanceOfSatisfying(Accepted.class, a -> assertThat(a.newVersion()).isEqualTo(4));
        String owner = cluster.ownerOf(account);
        for (ClusterNode node : cluster.running()) {
          assertThat(node.runtime().registry().get(ActorKey.of("Account", account)).isPresent())
              .as("%s active on %s (owner %s)", account, node.nodeId(), owner)
              .isEqualTo(node.nodeId().equals(owner));
        }
      }
    }
    assertThat(meters.get("aether.cluster.commands").tag("route", "remote").tag("node", "client").counter().count())
        .as("the client's sends, each straight to the owner").isEqualTo(30);
    assertThat(meters.get("aether.cluster.moved").counter().count()).isZero();
  }

  @Test
  void aRejectionBeforeAnyWrite_fencesTheActorsHistory_once_andAWriteMakesFencesUnneeded() {
    String account = "fence-0";
    CommandGateway owner = cluster.node(cluster.ownerOf(account)).gateway();
    CommitLog log = new CommitLog(cluster.connect(), cluster.store);
    // the first outcome of the activation stores nothing: the node fences before answering (aether-cluster
    // README, "An outcome that stores nothing is fenced first")
    assertThat(owner.sendMessage(withdraw(account, "first")).join()).isInstanceOfSatisfying(Rejected.class,
        r -> assertThat(r.message()).contains("not open"));
    assertThat(log.refresh().fences()).isEqualTo(1);
    assertThat(owner.sendMessage(withdraw(account, "again")).join()).isInstanceOf(Rejected.class);
    assertThat(log.refresh().fences()).as("one fence per activation").isEqualTo(1);

    // after a write of its own, a rejection needs no fence: the write's sequence refuses any older decision
    assertThat(owner.sendMessage(openAccount(account)).join()).isInstanceOf(Accepted.class);
    assertThat(owner.sendMessage(withdraw(account, "too-much")).join()).isInstanceOfSatisfying(Rejected.class,
        r -> assertThat(r.message()).contains("insufficient funds"));
    assertThat(log.refresh().fences()).isEqualTo(1);
    assertThat(log.byActor().get("Account/" + account)).hasSize(1);
    assertThat(cluster.reader().getEvents("Account/" + account, 0)).extracting(Event::eventType)
        .containsExactly("Opened", "Deposited");
  }

  @Test
  void aRelayedCommand_onTheOwnerOrRouted_hasTheSameOutcome_andAResendIsADuplicate() {
    for (int i = 0; i < 12; i++) {
      String account = "relay-" + i;
      String owner = cluster.ownerOf(account);
      CommandResult opened = cluster.node(owner).gateway().sendMessageToRelay(openAccount(account)).join();
      assertThat(opened).isInstanceOf(Accepted.class);
      long version = ((Accepted) opened).newVersion();
      long balance = (Long) cluster.node(owner).runtime().registry().get(ActorKey.of("Account", account))
          .orElseThrow().getState().get("balance");
      for (ClusterNode via : cluster.running()) { // the owner's local runtime answers; the others route to it
        RuntimeMessage deposit = deposit(account, 5);
        CommandResult result = via.gateway().sendMessageToRelay(deposit).join();
        assertThat(result).as(via.nodeId() + " -> " + owner).isInstanceOf(Accepted.class);
        assertThat(((Accepted) result).newVersion()).isEqualTo(++version);
        Accepted resent = (Accepted) via.gateway().sendMessageToRelay(deposit).join();
        assertThat(resent.duplicate()).as("the same command id again").isTrue();
        assertThat(resent.newVersion()).isEqualTo(version);
      }
      Runtime owning = cluster.node(owner).runtime();
      assertThat(owning.registry().get(ActorKey.of("Account", account)).orElseThrow().getState())
          .containsEntry("balance", balance + 5L * cluster.running().size());
    }
  }

  @Test
  void aCallbackOnARoutedReply_runsOffTheNatsThreads_andMaySendAndWaitForAnotherCommand() {
    String account = "callback-1";
    String owner = cluster.ownerOf(account);
    ClusterNode via = cluster.running().stream().filter(n -> !n.nodeId().equals(owner)).findFirst().orElseThrow();
    long opened = ((Accepted) cluster.node(owner).gateway().sendMessage(openAccount(account)).join()).newVersion();

    // before: the callback ran on the NATS client's thread that delivered the reply, and the nested command's
    // reply, which that thread must deliver too, came only after the nested request's timeout
    CommandResult nested = via.gateway().sendMessage(deposit(account, 1)).thenApply(first -> {
      assertThat(Thread.currentThread().isVirtual()).as(Thread.currentThread().getName()).isTrue();
      return via.gateway().sendMessage(deposit(account, 2)).join();
    }).thenCompose(second -> via.gateway().sendMessage(deposit(account, 3))).join();

    assertThat(nested).isInstanceOfSatisfying(Accepted.class, a -> assertThat(a.newVersion()).isEqualTo(opened + 3));
  }

  @Test
  void aCommandIdBeyondAscii_isRoutedToTheOwner_andItsResendIsADuplicate() {
    String account = "unicode-1";
    String owner = cluster.ownerOf(account);
    ClusterNode via = cluster.running().stream().filter(n -> !n.nodeId().equals(owner)).findFirst().orElseThrow();
    assertThat(cluster.node(owner).gateway().sendMessage(openAccount(account)).join()).isInstanceOf(Accepted.class);
    for (String id : new String[] {"d\u00e9p\u00f4t-\u03b1\u03b2", "100%-sure", "tab\there"}) {
      RuntimeMessage deposit = RuntimeMessage.builder("Account", account, "Deposit").payload(Map.of("amount", 5))
          .commandId(id).build();
      CommandResult routed = via.gateway().sendMessage(deposit).join();
      assertThat(routed).as(id + ": " + routed).isInstanceOfSatisfying(Accepted.class,
          a -> assertThat(a.duplicate()).isFalse());
      assertThat(via.gateway().sendMessage(deposit).join()).isInstanceOfSatisfying(Accepted.class,
          a -> assertThat(a.duplicate()).as("the same id again").isTrue());
    }
    assertThat(Wire.text("d\u00e9p\u00f4t")).isEqualTo("d%C3%A9p%C3%B4t");
    assertThat(Wire.text("plain-id_1.2")).isEqualTo("plain-id_1.2");
    for (String text : new String[] {"a b+c", "100%", "d\u00e9p\u00f4t", "\u00e9 b+", "plain"}) {
      assertThat(Wire.untext(Wire.text(text))).isEqualTo(text);
    }
    assertThat(Wire.text("\u00e9 b+")).isEqualTo("%C3%A9%20b%2B");
  }

  @Test
  void theAnyNodeSubject_refusesAMalformedMessage_namingTheField() throws Exception {
    Message reply = cluster.connect().request(cluster.store.subjectPrefix() + "." + cluster.store.namespaceToken()
        + ".cmd", "{\"aggregateType\":\"Account\",\"actorId\":\"a\"}".getBytes(StandardCharsets.UTF_8),
        Duration.ofSeconds(10));
    assertThat(Wire.header(reply, Wire.STATUS)).isEqualTo(Wire.BAD_REQUEST);
    assertThat(Wire.header(reply, Wire.ERROR_FIELD)).isEqualTo("command");
  }

  @Test
  void theAnyNodeSubject_refusesAnInternalCommand_whichTheGatewayStillTakes() throws Exception {
    String account = "internal-1";
    assertThat(cluster.node("n1").gateway().sendMessage(openAccount(account)).join()).isInstanceOf(Accepted.class);
    RuntimeMessage credit = RuntimeMessage.builder("Account", account, "ReceiveTransfer")
        .payload(Map.of("from", "nobody", "amount", 1_000_000)).build();
    Message reply = cluster.connect().request(cluster.store.subjectPrefix() + "." + cluster.store.namespaceToken()
        + ".cmd", CommandJson.messageToBytes(credit), Duration.ofSeconds(10));
    assertThat(Wire.header(reply, Wire.STATUS)).isEqualTo(Wire.BAD_REQUEST);
    assertThat(Wire.header(reply, Wire.ERROR_FIELD)).isEqualTo("command");
    assertThat(new String(reply.getData(), StandardCharsets.UTF_8)).contains("Account.ReceiveTransfer is internal");
    assertThat(cluster.node("n2").gateway().sendMessage(credit.withDeadline(Instant.now().plusSeconds(10))).join())
        .as("the domain's own gateway (a policy's path)").isInstanceOf(Accepted.class);
  }

  @Test
  void aNodesSubject_refusesACommandWithoutTheActorsShardHeader_namingIt_andStoresNothing() throws Exception {
    String account = "no-shard-1";
    assertThat(cluster.node("n1").gateway().sendMessage(openAccount(account)).join()).isInstanceOf(Accepted.class);
    String owner = cluster.ownerOf(account);
    long version = cluster.node(owner).runtime().registry().get(ActorKey.of("Account", account)).orElseThrow()
        .getVersion();
    Connection connection = cluster.connect();
    ClusterNames names = ClusterNames.of(cluster.store);
    int count = cluster.node("n1").map().orElseThrow().shards().count();
    for (String shard : new String[] {null, "xx", "-1", Long.toString(1L << 32), Integer.toString(count)}) {
      Headers headers = new Headers();
      if (shard != null) {
        headers.put(Wire.SHARD, shard);
      }
      Message reply = connection.request(NatsMessage.builder().subject(names.nodeCommands(owner)).headers(headers)
          .data(CommandJson.messageToBytes(deposit(account, 1))).build(), Duration.ofSeconds(10));
      assertThat(Wire.header(reply, Wire.STATUS)).as("shard " + shard).isEqualTo(Wire.BAD_REQUEST);
      assertThat(Wire.header(reply, Wire.ERROR_FIELD)).isEqualTo(Wire.SHARD);
      assertThat(new String(reply.getData(), StandardCharsets.UTF_8)).contains("0.." + (count - 1), ".cmd");
    }
    int actorShard = cluster.node("n1").map().orElseThrow().shards().shardOf("Account/" + account);
    Message wrong = connection.request(NatsMessage.builder().subject(names.nodeCommands(owner))
        .headers(new Headers().put(Wire.SHARD, Integer.toString((actorShard + 1) % count)))
        .data(CommandJson.messageToBytes(deposit(account, 1))).build(), Duration.ofSeconds(10));
    assertThat(Wire.header(wrong, Wire.STATUS)).as("another actor's shard, in range").isEqualTo(Wire.BAD_REQUEST);
    assertThat(Wire.header(wrong, Wire.ERROR_FIELD)).isEqualTo(Wire.SHARD);
    assertThat(new String(wrong.getData(), StandardCharsets.UTF_8)).contains("Account/" + account + " is "
        + actorShard);
    assertThat(cluster.node(owner).runtime().registry().get(ActorKey.of("Account", account)).orElseThrow()
        .getVersion()).as("no deposit stored").isEqualTo(version);
  }

  @Test
  void aNodeThatDoesNotOwnTheShard_answersMoved_andAStaleSenderFollowsIt() throws Exception {
    String account = "stale-1";
    assertThat(cluster.node("n1").gateway().sendMessage(openAccount(account)).join()).isInstanceOf(Accepted.class);
    String owner = cluster.ownerOf(account);
    String other = cluster.running().stream().map(ClusterNode::nodeId).filter(n -> !n.equals(owner)).findFirst()
        .orElseThrow();
    ShardMap current = cluster.node("n1").map().orElseThrow();
    int shard = current.shards().shardOf("Account/" + account);
    Connection connection = cluster.connect();
    ClusterNames names = ClusterNames.of(cluster.store);

    Message moved = connection.request(NatsMessage.builder().subject(names.nodeCommands(other))
        .headers(new Headers().put(Wire.SHARD, Integer.toString(shard)).put(Wire.EPOCH, Long.toString(current.epoch())))
        .data(CommandJson.messageToBytes(deposit(account, 1))).build(), Duration.ofSeconds(10));
    assertThat(Wire.header(moved, Wire.STATUS)).isEqualTo(Wire.MOVED);
    assertThat(Wire.header(moved, Wire.OWNER)).isEqualTo(owner);

    ShardMap stale = current.step(current, List.of(new ShardMove(shard, java.util.Optional.of(owner),
        java.util.Optional.of(other))));
    MapView frozen = cluster.frozenMap(connection, stale); // the sender keeps believing `other` owns it
    try (Router router = new Router(connection, names, frozen, null, null, 3, Duration.ofSeconds(10),
        Duration.ofSeconds(2), ClusterMeters.NONE)) {
      CommandResult result = router.sendMessage(deposit(account, 1)).join();
      assertThat(result).isInstanceOfSatisfying(Accepted.class, a -> assertThat(a.newVersion()).isEqualTo(3));
    }
    assertThat(cluster.node(other).runtime().registry().get(ActorKey.of("Account", account))).isEmpty();
  }

  @Test
  void aSenderWhoseConnectionClosesWhileTheOwnerHasTheCommand_answersOutcomeUnknown_notNothingStored()
      throws Exception {
    // regression: the closed connection's cancelled request was taken for "no responders", and the resend
    // that could not be sent was answered STORE_UNAVAILABLE ("nothing stored") although the owner had it
    String account = "closing-1";
    ShardMap current = cluster.node("n1").map().orElseThrow();
    int shard = current.shards().shardOf("Account/" + account);
    String owner = current.ownerId(shard);
    ShardMap toGhost = current.step(current, List.of(new ShardMove(shard, java.util.Optional.of(owner),
        java.util.Optional.of("ghost"))));
    Connection connection = cluster.connect();
    ClusterNames names = ClusterNames.of(cluster.store);
    CountDownLatch taken = silentGhost(names);
    MapView frozen = cluster.frozenMap(connection, toGhost);
    try (Router router = new Router(connection, names, frozen, null, null, 3, Duration.ofSeconds(10),
        Duration.ofSeconds(5), ClusterMeters.NONE)) {
      CompletableFuture<CommandResult> answer = router.sendMessage(deposit(account, 1));
      assertThat(taken.await(10, TimeUnit.SECONDS)).isTrue();
      connection.close();

      CommandResult result = answer.get(10, TimeUnit.SECONDS);

      assertThat(result).isInstanceOfSatisfying(Rejected.class, r -> {
        assertThat(r.reason()).isEqualTo(RejectionReason.OUTCOME_UNKNOWN);
        assertThat(r.message()).contains("may have been applied");
      });
    }
  }

  /**
   * A request unanswered for a while makes its owner suspect (probed at once: a crashed owner swallowed what it had
   * taken, and a closed-loop sender sends nothing more that could meet "no responders"), unless the owner answers
   * other requests meanwhile: then it is slow for this one, not gone. Before, every request unanswered for 250 ms
   * made its owner suspect; now 100 ms without any answer does.
   */
  private static RuntimeMessage ghostDeposit(String account, String commandId) {
    return RuntimeMessage.builder("Account", account, "Deposit").payload(Map.of("amount", 1)).commandId(commandId)
        .build();
  }

  @Test
  void aRequestUnanswered_makesItsOwnerSuspect_onlyOnceTheOwnerAnswersNothingElse() throws Exception {
    String account = "swallowed-1";
    ShardMap toGhost = cluster.mapGiving(account, "ghost");
    Connection connection = cluster.connect();
    ClusterNames names = ClusterNames.of(cluster.store);
    Connection ghost = cluster.connect(); // answers every command but those it swallows
    ghost.createDispatcher(m -> {
      if (!Wire.header(m, Wire.COMMAND_ID).startsWith("swallow")) {
        Headers refused = new Headers().put(Wire.STATUS, Wire.BAD_REQUEST).put(Wire.ERROR_FIELD, "payload");
        ghost.publish(NatsMessage.builder().subject(m.getReplyTo()).headers(refused).data("no").build());
      }
    }).subscribe(names.nodeCommands("ghost"));
    ghost.flush(Duration.ofSeconds(5));
    List<String> suspects = new java.util.concurrent.CopyOnWriteArrayList<>();
    MapView frozen = cluster.frozenMap(connection, toGhost);
    try (Router router = new Router(connection, names, frozen, null, null, 3, Duration.ofSeconds(30),
        Duration.ofSeconds(20), ClusterMeters.NONE, suspects::add)) {
      CompletableFuture<CommandResult> swallowed = router.sendMessage(ghostDeposit(account, "swallow-1"));
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600);
      List<Thread> busy = new ArrayList<>();
      for (int t = 0; t < 2; t++) { // two senders with no pause: the ghost answers these, busy, not gone
        String prefix = "answered-" + t + "-";
        busy.add(Thread.ofVirtual().start(() -> {
          for (int i = 0; System.nanoTime() < until; i++) {
            router.sendMessage(ghostDeposit(account, prefix + i)).join();
          }
        }));
      }
      for (Thread t : busy) {
        t.join();
      }
      assertThat(suspects).as("suspected while it answered other requests").isEmpty();
      assertThat(swallowed).isNotDone();

      await().atMost(Duration.ofSeconds(5)).until(() -> suspects.contains("ghost")); // it answers nothing now
    }
  }

  @Test
  void aGatewayClosedWhileTheOwnerHasTheCommand_answersOutcomeUnknown_notNotRunning() throws Exception {
    // NOT_RUNNING says nothing was stored (RejectionReason): a gateway closed after its attempt reached an owner
    // that never answered cannot say so
    String account = "gateway-closing-1";
    ShardMap current = cluster.node("n1").map().orElseThrow();
    int shard = current.shards().shardOf("Account/" + account);
    ShardMap toGhost = current.step(current, List.of(new ShardMove(shard,
        java.util.Optional.of(current.ownerId(shard)), java.util.Optional.of("ghost"))));
    Connection connection = cluster.connect();
    ClusterNames names = ClusterNames.of(cluster.store);
    CountDownLatch taken = silentGhost(names);
    MapView frozen = cluster.frozenMap(connection, toGhost);
    Router router = new Router(connection, names, frozen, null, null, 3, Duration.ofSeconds(30),
        Duration.ofSeconds(1), ClusterMeters.NONE);
    CompletableFuture<CommandResult> answer = router.sendMessage(deposit(account, 1));
    assertThat(taken.await(10, TimeUnit.SECONDS)).isTrue();
    router.close();

    CommandResult result = answer.get(10, TimeUnit.SECONDS); // the attempt's 1 s, then no resend

    assertThat(result).isInstanceOfSatisfying(Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(RejectionReason.OUTCOME_UNKNOWN);
      assertThat(r.message()).contains("the gateway closed after node ghost did not answer in time")
          .contains("may have been applied");
    });
  }

  @Test
  void aRequestTheOwnerNeverAnswers_isResentOnceANewerMapMovesItsShard_thoughThatOwnerKeepsOtherShards()
      throws Exception {
    // regression: only a map giving the silent node no shard at all resent its requests; a crashed owner whose
    // shards had moved before the request was registered kept it waiting the whole attempt timeout (2 s)
    String account = "silent-1";
    CommandResult opened = cluster.node("n1").gateway().sendMessage(openAccount(account)).join();
    assertThat(opened).isInstanceOf(Accepted.class);
    ShardMap current = cluster.node("n1").map().orElseThrow();
    int shard = current.shards().shardOf("Account/" + account);
    int kept = (shard + 1) % current.shards().count();
    String owner = current.ownerId(shard);
    ShardMap toGhost = current.step(current, List.of(
        new ShardMove(shard, Optional.of(owner), Optional.of("ghost")),
        new ShardMove(kept, Optional.of(current.ownerId(kept)), Optional.of("ghost"))));
    Connection connection = cluster.connect();
    ClusterNames names = ClusterNames.of(cluster.store);
    CountDownLatch taken = silentGhost(names);
    MapView maps = new MapView(connection, ClusterKv.findMapBucket(connection, names), (a, b) -> {});
    maps.offer(toGhost, Long.MAX_VALUE - 1); // never replaced by the watch
    try (Router router = new Router(connection, names, maps, null, null, 3, Duration.ofSeconds(60),
        Duration.ofSeconds(60), ClusterMeters.NONE)) {
      CompletableFuture<CommandResult> answer = router.sendMessage(deposit(account, 1));
      assertThat(taken.await(10, TimeUnit.SECONDS)).isTrue();
      maps.offer(toGhost.step(toGhost, List.of(new ShardMove(shard, Optional.of("ghost"), Optional.of(owner)))),
          Long.MAX_VALUE);

      CommandResult result = answer.get(20, TimeUnit.SECONDS); // well within the attempt timeout of 60 s

      assertThat(result).isInstanceOfSatisfying(Accepted.class,
          a -> assertThat(a.newVersion()).isEqualTo(((Accepted) opened).newVersion() + 1));
    }
  }

  @Test
  void twoNodesForcedToOwnOneShard_keepItsLogLinear_andConverge() throws Exception {
    String account = "double-1";
    assertThat(cluster.node("n1").gateway().sendMessage(openAccount(account)).join()).isInstanceOf(Accepted.class);
    String owner = cluster.ownerOf(account);
    String other = cluster.running().stream().map(ClusterNode::nodeId).filter(n -> !n.equals(owner)).findFirst()
        .orElseThrow();
    int shard = cluster.node(owner).map().orElseThrow().shards().shardOf("Account/" + account);
    ClusterFaults.forceOwnership(cluster.node(other), s -> s == shard);
    Runtime first = cluster.node(owner).runtime();
    Runtime second = cluster.node(other).runtime();

    List<RuntimeMessage> sent = new ArrayList<>();
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      RuntimeMessage m = deposit(account, 1);
      sent.add(m);
      Runtime target = i % 2 == 0 ? first : second;
      done.add(CompletableFuture.runAsync(() -> untilAccepted(target, m)));
    }
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();

    List<Event> log = cluster.reader().getEvents("Account/" + account, 0);
    assertThat(log).hasSize(2 + 100);
    for (int i = 0; i < log.size(); i++) {
      assertThat(log.get(i).version()).isEqualTo(i + 1);
    }
    assertThat(log.stream().skip(1).map(e -> e.commandId().orElseThrow()).distinct().count()).isEqualTo(101);
    assertThat(log.stream().map(e -> e.commandId().orElseThrow()).toList())
        .containsAll(sent.stream().map(RuntimeMessage::commandId).toList());
    Accepted a = (Accepted) untilAccepted(first, deposit(account, 1));
    Accepted b = (Accepted) untilAccepted(second, deposit(account, 1));
    assertThat(a.newVersion()).isEqualTo(103);
    assertThat(b.newVersion()).isEqualTo(104);
    assertThat(second.registry().get(ActorKey.of("Account", account)).orElseThrow().getState().get("balance"))
        .isEqualTo(100L + 100 + 2);
  }

  private static CommandResult untilAccepted(Runtime runtime, RuntimeMessage message) {
    for (int attempt = 0; attempt < 50; attempt++) {
      CommandResult r = runtime.sendMessage(message).join();
      if (!(r instanceof Rejected rejected && rejected.isTransient())) {
        return r;
      }
    }
    throw new AssertionError("still transient after 50 attempts: " + message);
  }

  @Test
  void aCrashedNodesShards_goToTheOthers_andItsActorsAnswerThere() {
    List<String> accounts = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      accounts.add("crash-" + i);
      assertThat(cluster.node("n1").gateway().sendMessage(openAccount("crash-" + i)).join())
          .isInstanceOf(Accepted.class);
    }
    String leader = cluster.node("n1").status().leader();
    String victim = leader.equals("n3") ? "n2" : "n3";
    ClusterNode crashed = cluster.node(victim);
    cluster.forget(victim);
    ClusterFaults.crash(crashed);
    List<String> left = cluster.running().stream().map(ClusterNode::nodeId).toList();
    cluster.awaitSettled(left.toArray(String[]::new));
    for (String account : accounts) {
      assertThat(cluster.node(left.get(0)).gateway().sendMessage(deposit(account, 1)).join())
          .as(account).isInstanceOf(Accepted.class);
    }

    ClusterNode oldLeader = cluster.node(leader);
    cluster.forget(leader);
    oldLeader.crash();
    String survivor = cluster.running().get(0).nodeId();
    await().atMost(Duration.ofSeconds(20)).until(() -> survivor.equals(cluster.node(survivor).status().leader()));
    cluster.awaitSettled(survivor);
    for (String account : accounts) {
      assertThat(cluster.node(survivor).gateway().sendMessage(deposit(account, 1)).join())
          .as(account).isInstanceOf(Accepted.class);
    }
  }

  @Test
  void theStatus_countsEachNodesActiveActors_fromItsLeaseRenewals() throws Exception {
    assertThat(cluster.node("n1").status().nodes()).allSatisfy(n -> assertThat(n.activeActors()).isZero());
    Map<String, Integer> expected = new TreeMap<>(Map.of("n1", 0, "n2", 0, "n3", 0));
    for (int i = 0; i < 12; i++) {
      String account = "counted-" + i;
      assertThat(cluster.node("n1").gateway().sendMessage(openAccount(account)).join()).isInstanceOf(Accepted.class);
      expected.merge(cluster.ownerOf(account), 1, Integer::sum);
    }
    String subject = cluster.store.subjectPrefix() + "." + cluster.store.namespaceToken() + ".cluster.status";
    try (Connection raw = cluster.connect()) {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        Message overNats = raw.request(subject, new byte[0], Duration.ofSeconds(5));
        for (ClusterStatus status : List.of(cluster.node("n1").status(), cluster.node("n3").status(),
            ControlJson.read(overNats.getData(), ClusterStatus.class))) {
          Map<String, Integer> reported = new TreeMap<>();
          status.nodes().forEach(n -> reported.put(n.id(), n.activeActors()));
          assertThat(reported).as("as %s reports them", status.reportedBy()).isEqualTo(expected);
        }
      });
    }
  }

  @Test
  void theStatus_isAnsweredByAnyNode_asJson() throws Exception {
    Message reply = cluster.connect().request(cluster.store.subjectPrefix() + "." + cluster.store.namespaceToken()
        + ".cluster.status", new byte[0], Duration.ofSeconds(10));
    ClusterStatus status = ControlJson.read(reply.getData(), ClusterStatus.class);
    assertThat(status.shards()).isEqualTo(1024);
    assertThat(status.unownedShards()).isZero();
    assertThat(status.leader()).isIn("n1", "n2", "n3");
    assertThat(status.nodes()).extracting(ClusterStatus.Node::id).containsExactly("n1", "n2", "n3");
    assertThat(status.nodes()).allSatisfy(n -> {
      assertThat(n.state()).isEqualTo("ACTIVE");
      assertThat(n.alive()).isTrue();
      assertThat(n.shards()).isBetween(1, 376); // under the load cap, ceil(1.1 * 1024 / 3)
    });
    assertThat(status.nodes().stream().mapToInt(ClusterStatus.Node::shards).sum()).isEqualTo(1024);
  }

  /**
   * A join moves shards in several batches; a node that does not lead must show the moves still to come until the
   * last batch switched, or a script that waits for "no moves in progress" (a rolling restart) goes on half-way:
   * before, the count came with the leader's lease renewals only, and a status asked between them showed a plan
   * under way as settled. (The leader's count of 0 may reach the observer before the last map does, through
   * another watch: the count's epoch tells the observer it is behind.)
   */
  @Test
  void aNodeThatDoesNotLead_showsAJoinsMovesInProgress_untilItsLastBatch() throws Exception {
    String leader = cluster.node("n1").status().leader();
    ClusterNode observer = cluster.node(leader.equals("n1") ? "n2" : "n1");
    record Seen(long epoch, int moves, boolean joinerOwns) {}
    List<Seen> seen = new ArrayList<>(); // the poller's alone until it is joined
    AtomicBoolean polling = new AtomicBoolean(true);
    Thread poller = Thread.ofVirtual().start(() -> {
      while (polling.get()) {
        ClusterStatus s = observer.status();
        Seen now = new Seen(s.epoch(), s.movesInProgress(),
            s.nodes().stream().anyMatch(n -> n.id().equals("n4") && n.shards() > 0));
        if (seen.isEmpty() || !seen.getLast().equals(now)) {
          seen.add(now);
        }
        LockSupport.parkNanos(2_000_000);
      }
    });

    cluster.start("n4");
    ClusterNode leading = cluster.node(leader);
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      ClusterStatus s = leading.status(); // the leader's own count is its planner's
      return s.movesInProgress() == 0 && s.nodes().stream().allMatch(n -> n.shards() > 0) && s.nodes().size() == 4;
    });
    long last = leading.map().orElseThrow().epoch();
    await().atMost(Duration.ofSeconds(10)).until(() -> observer.map().orElseThrow().epoch() == last);
    polling.set(false);
    poller.join();

    assertThat(seen).as("the observer saw the plan under way").anyMatch(s -> s.joinerOwns() && s.epoch() < last);
    assertThat(seen).as("statuses of %s showing a map before the join's last (epoch %d) with no moves in progress",
        observer.nodeId(), last).noneMatch(s -> s.joinerOwns() && s.epoch() < last && s.moves() == 0);
  }

  /**
   * A frozen nats-server keeps the node's connection open: the node cannot renew its lease, so it stops serving
   * its shards, and a command for one of them is answered TIMEOUT at its deadline, not applied, saying why (the
   * resends' map reads, which wait for the frozen server, do not hold the answer past the deadline; found by a
   * drill: 6.3 s for a 5 s deadline).
   */
  @Test
  void withNatsFrozen_aCommandForAShardOfThisNode_isAnsweredAtItsDeadline_notApplied_sayingWhy(NatsServer server)
      throws Exception {
    String account = "frozen-0";
    ClusterNode owner = cluster.node(cluster.ownerOf(account));
    assertThat(owner.gateway().sendMessage(openAccount(account)).join()).isInstanceOf(Accepted.class);
    server.freeze();
    try {
      // its own lease goes stale: the node stops serving its shards
      await().atMost(Duration.ofSeconds(10)).until(() -> !owner.allows(ActorKey.of("Account", account)));
      Instant deadline = Instant.now().plusMillis(1500);
      CommandResult result = owner.gateway().sendMessage(deposit(account, 5).withDeadline(deadline)).join();
      Duration late = Duration.between(deadline, Instant.now());

      assertThat(result).isInstanceOfSatisfying(Rejected.class, r -> {
        assertThat(r.reason()).isEqualTo(RejectionReason.TIMEOUT);
        assertThat(r.message()).contains("does not serve it now").endsWith("it was not applied");
      });
      assertThat(late).as("answered after the deadline by").isLessThan(Duration.ofMillis(900));
    } finally {
      server.thaw();
    }
    // the cluster recovers: one node leads, every node is alive, and a node leaves with its shards handed off
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      ClusterStatus status = cluster.node("n1").status();
      assertThat(status.leader()).isNotNull();
      assertThat(status.movesInProgress()).isZero();
      assertThat(status.nodes()).allSatisfy(n -> assertThat(n.alive()).as("%s", n).isTrue());
    });
    assertThat(owner.gateway().sendMessage(deposit(account, 5)).join()).isInstanceOf(Accepted.class);
    ClusterNode leaving = cluster.running().stream().filter(n -> !n.isLeader()).findFirst().orElseThrow();
    leaving.close();
    cluster.forget(leaving.nodeId());
    assertThat(cluster.running().getFirst().map().orElseThrow().shardsOf(leaving.nodeId())).isEmpty();
  }
}
