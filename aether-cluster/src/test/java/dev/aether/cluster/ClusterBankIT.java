package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.event.Event;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.runtime.CommandGateway;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three nodes run the bank (transfers credited by a policy on every node, routed by the cluster); clients send
 * through random nodes and retry transient outcomes with the same command id. A fourth node joins under load
 * and then leaves gracefully. Nothing fails, every acknowledged command is stored exactly once, every actor's
 * versions are 1..n, money is conserved, and every actor answers afterwards.
 */
@NatsTest
class ClusterBankIT {

  private static final int ACCOUNTS = 40;
  private static final long OPENING = 1_000;

  private ClusterFixture cluster;

  @BeforeEach
  void cluster(NatsServer server) {
    cluster = new ClusterFixture(server.url());
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  /** A client's record of one command: its id, actor, and the outcome it finally got. */
  record Sent(String commandId, String account, CommandResult outcome, int attempts) {}

  @Test
  void joinAndLeaveUnderLoad_noCommandFails_eachStoredOnce_moneyConserved() throws Exception {
    cluster.start("n1");
    cluster.start("n2");
    cluster.start("n3");
    cluster.awaitSettled("n1", "n2", "n3");
    List<String> accounts = new ArrayList<>();
    for (int i = 0; i < ACCOUNTS; i++) {
      accounts.add("acc-" + i);
    }
    Queue<Sent> sent = new ConcurrentLinkedQueue<>();
    for (String account : accounts) {
      sent.add(sendUntilDone(anyNode(), RuntimeMessage.builder("Account", account, "Open")
          .payload(Map.of("owner", account, "initialDeposit", OPENING)).build()));
    }
    AtomicBoolean load = new AtomicBoolean(true);
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      clients.add(Thread.ofVirtual().start(() -> {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (load.get()) {
          String from = accounts.get(random.nextInt(ACCOUNTS));
          String to = accounts.get(random.nextInt(ACCOUNTS));
          if (!from.equals(to)) {
            sent.add(sendUntilDone(anyNode(), RuntimeMessage.builder("Account", from, "Transfer")
                .payload(Map.of("to", to, "amount", 1 + random.nextInt(20))).build()));
          }
        }
      }));
    }
    Thread.sleep(1_000);
    cluster.start("n4");
    cluster.awaitSettled("n1", "n2", "n3", "n4");
    Thread.sleep(1_000);
    ClusterNode leaving = cluster.node("n4");
    cluster.forget("n4");
    leaving.leave();
    cluster.awaitSettled("n1", "n2", "n3");
    Thread.sleep(500);
    load.set(false);
    for (Thread t : clients) {
      t.join();
    }
    System.out.println("PHASE clients stopped at " + Instant.now() + "; sent " + sent.size() + ", retried "
        + sent.stream().filter(s -> s.attempts() > 1).count() + ", most attempts "
        + sent.stream().mapToInt(Sent::attempts).max().orElse(0));

    List<Sent> failed = sent.stream().filter(s -> !(s.outcome() instanceof Accepted)
        && !(s.outcome() instanceof Rejected r && r.reason() == RejectionReason.BUSINESS_RULE)).toList();
    assertThat(failed).as("commands that did not end accepted or refused by a business rule").isEmpty();
    long accepted = sent.stream().filter(s -> s.outcome() instanceof Accepted).count();
    assertThat(accepted).isGreaterThan(ACCOUNTS + 100L);

    JetStreamEventStore reader = cluster.reader();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(totalMoney(reader, accounts)).isEqualTo(ACCOUNTS * OPENING));

    System.out.println("PHASE money conserved at " + Instant.now());
    Map<String, Integer> commitsPerCommand = new HashMap<>();
    for (String account : accounts) {
      List<Event> events = reader.getEvents("Account/" + account, 0);
      for (int i = 0; i < events.size(); i++) {
        assertThat(events.get(i).version()).as("version %d of %s", i + 1, account).isEqualTo(i + 1);
      }
      events.stream().map(e -> e.commandId().orElseThrow() + "@" + account).distinct()
          .forEach(id -> commitsPerCommand.merge(id, 1, Integer::sum));
    }
    for (Sent s : sent) {
      if (s.outcome() instanceof Accepted) {
        assertThat(commitsPerCommand.get(s.commandId() + "@" + s.account()))
            .as("commits of acknowledged command %s", s.commandId()).isEqualTo(1);
      }
    }
    for (String account : accounts) {
      CommandResult r = sendUntilDone(anyNode(), RuntimeMessage.builder("Account", account, "Deposit")
          .payload(Map.of("amount", 1)).build()).outcome();
      assertThat(r).as("%s answers after the cluster settled", account).isInstanceOf(Accepted.class);
    }
  }

  private CommandGateway anyNode() {
    List<ClusterNode> nodes = cluster.running();
    return nodes.get(ThreadLocalRandom.current().nextInt(nodes.size())).gateway();
  }

  /** Sends, and resends the same command (same id) through any node while the outcome is transient. */
  private Sent sendUntilDone(CommandGateway first, RuntimeMessage message) {
    CommandGateway gateway = first;
    Instant giveUp = Instant.now().plusSeconds(30);
    int attempts = 0;
    while (true) {
      attempts++;
      CommandResult r = gateway.sendMessage(message).join();
      if (!(r instanceof Rejected rejected && rejected.isTransient()) || Instant.now().isAfter(giveUp)) {
        return new Sent(message.commandId(), message.actorId(), r, attempts);
      }
      gateway = anyNode();
    }
  }

  /** The money on all accounts by a fold of their logs (balances change only by the model's events). */
  private static long totalMoney(JetStreamEventStore reader, List<String> accounts) {
    long total = 0;
    for (String account : accounts) {
      for (Event e : reader.getEvents("Account/" + account, 0)) {
        Object amount = e.data().get("amount");
        long value = amount instanceof Number n ? n.longValue() : 0;
        total += switch (e.eventType()) {
          case "Deposited", "TransferReceived" -> value;
          case "Withdrawn", "TransferSent" -> -value;
          default -> 0;
        };
      }
    }
    return total;
  }

}
