package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.event.Event;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.runtime.CommandGateway;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.RuntimeMessage;
import io.nats.client.Connection;
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
import java.util.function.Supplier;

/**
 * The bank workload of the cluster tests: accounts opened with a deposit, clients sending transfers (credited by
 * the model's policy) through gateways the test chooses, each command resent with the same id while its outcome
 * is transient, and the checks of the log afterwards: nothing failed, every acknowledged command in exactly
 * one commit, versions 1..n per actor, money conserved, every actor answering.
 */
final class BankWorkload {

  static final long OPENING = 1_000;

  /**
   * A client's log entry for one command: its id, actor, final outcome, how many sends it took, when it was first
   * sent (epoch ms), how long until its final outcome (ns), and the reasons of the transient outcomes before it.
   */
  record Sent(String commandId, String account, CommandResult outcome, int attempts, long sentAtMillis,
      long latencyNanos, List<RejectionReason> transients) {

    /** @return the version the command's final outcome reported (0 when it was not accepted) */
    long version() {
      return outcome instanceof Accepted a ? a.newVersion() : 0;
    }
  }

  private final List<String> accounts = new ArrayList<>();
  private final Supplier<CommandGateway> gateways;
  private final Queue<Sent> sent = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean load = new AtomicBoolean();
  private final List<Thread> clients = new ArrayList<>();
  private volatile Duration resendFor = Duration.ofSeconds(30);

  BankWorkload(String prefix, int accounts, Supplier<CommandGateway> gateways) {
    for (int i = 0; i < accounts; i++) {
      this.accounts.add(prefix + "-" + i);
    }
    this.gateways = gateways;
  }

  void openAccounts() {
    for (String account : accounts) {
      sent.add(sendUntilDone(RuntimeMessage.builder("Account", account, "Open")
          .payload(Map.of("owner", account, "initialDeposit", OPENING)).build()));
    }
  }

  void startTransfers(int clientCount) {
    load.set(true);
    for (int c = 0; c < clientCount; c++) {
      clients.add(Thread.ofVirtual().start(() -> {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (load.get()) {
          String from = accounts.get(random.nextInt(accounts.size()));
          String to = accounts.get(random.nextInt(accounts.size()));
          if (!from.equals(to)) {
            sent.add(sendUntilDone(RuntimeMessage.builder("Account", from, "Transfer")
                .payload(Map.of("to", to, "amount", 1 + random.nextInt(20))).build()));
          }
        }
      }));
    }
  }

  /** Waits until the clients finished {@code commands} more commands (the load ran through what happened). */
  void awaitMoreCompleted(int commands) {
    int target = sent.size() + commands;
    long start = System.nanoTime();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> sent.size() >= target);
    System.out.println(commands + " more commands completed in " + (System.nanoTime() - start) / 1_000_000 + " ms");
  }

  void stopTransfers() throws InterruptedException {
    load.set(false);
    for (Thread t : clients) {
      t.join();
    }
    clients.clear();
  }

  /** Sends, and resends the same command (same id) through any gateway while the outcome is transient. */
  Sent sendUntilDone(RuntimeMessage message) {
    long sentAt = System.currentTimeMillis();
    long start = System.nanoTime();
    Instant giveUp = Instant.now().plus(resendFor);
    List<RejectionReason> transients = new ArrayList<>();
    int attempts = 0;
    while (true) {
      attempts++;
      CommandResult r = gateways.get().sendMessage(message).join();
      if (!(r instanceof Rejected rejected && rejected.isTransient()) || Instant.now().isAfter(giveUp)) {
        return new Sent(message.commandId(), message.actorId(), r, attempts, sentAt, System.nanoTime() - start,
            List.copyOf(transients));
      }
      transients.add(rejected.reason());
      // a gateway that answers at once (a crashed in-JVM node's: NOT_RUNNING) would make this loop spin without
      // ever parking, and a few such loops hold every carrier thread: the nodes' own virtual threads (the
      // crashed node's drain, deadlines) then starve for tens of seconds
      Thread.yield();
    }
  }

  /**
   * Sets how long a client resends a command whose outcome is transient (default 30 s), for scenarios whose
   * outage may last longer.
   */
  BankWorkload resendFor(Duration duration) {
    this.resendFor = duration;
    return this;
  }

  /** @return the client log so far: every command's entry, in completion order */
  List<Sent> log() {
    return List.copyOf(sent);
  }

  /** @return the account ids ({@code Account} actor ids) */
  List<String> accounts() {
    return List.copyOf(accounts);
  }

  /**
   * The fault suite's checks (see {@link LogChecker}): nothing failed (and, after planned moves only, nothing
   * resent), then, on the log read straight from JetStream: money conserved once the policy credited everything,
   * versions 1..n per actor, every command id in exactly one commit of its actor, every acknowledged command
   * stored once with its events and version, no event from a command answered as rejected; then every account
   * answers and the state its runtime decides on equals the fold of its log; and the map history's epochs.
   *
   * @param maps the shard maps watched during the run, or null when not watched
   */
  void verify(Connection raw, JetStreamConfig store, MapHistory maps, boolean plannedMovesOnly) {
    checkOutcomes(plannedMovesOnly);
    CommitLog log = new CommitLog(raw, store);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
        assertThat(LogChecker.money(log.refresh())).as("money once every transfer is credited")
            .isEqualTo(accounts.size() * OPENING));
    LogChecker.checkHistory(log, List.copyOf(sent));
    LogChecker.checkState(log, accounts, m -> sendUntilDone(m).outcome());
    if (maps != null) {
      maps.check(1);
    }
  }

  private void checkOutcomes(boolean plannedMovesOnly) {
    if (plannedMovesOnly) {
      assertThat(sent.stream().filter(s -> s.attempts() > 1).toList()).as("commands a client had to resend").isEmpty();
    }
    List<Sent> failed = sent.stream().filter(s -> !(s.outcome() instanceof Accepted)
        && !(s.outcome() instanceof Rejected r && r.reason() == RejectionReason.BUSINESS_RULE)).toList();
    assertThat(failed).as("commands that did not end accepted or refused by a business rule").isEmpty();
    assertThat(sent.stream().filter(s -> s.outcome() instanceof Accepted).count())
        .as("accepted commands").isGreaterThan(accounts.size() + 50L);
  }

  /**
   * Every check of the log; then one more deposit to every account, which must be accepted.
   *
   * @param plannedMovesOnly whether only planned moves (joins, graceful leaves) happened: then no command may
   *     even need a resend (the gateway's own retries hide every move)
   */
  void check(JetStreamEventStore reader, boolean plannedMovesOnly) {
    checkOutcomes(plannedMovesOnly);

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
        assertThat(totalMoney(reader)).as("money once every transfer is credited").isEqualTo(accounts.size() * OPENING));

    Map<String, Integer> commitsPerCommand = new HashMap<>();
    for (String account : accounts) {
      List<Event> events = reader.getEvents("Account/" + account, 0);
      for (int i = 0; i < events.size(); i++) {
        assertThat(events.get(i).version()).as("version %d of %s", i + 1, account).isEqualTo(i + 1);
      }
      events.stream().map(e -> e.commandId().orElseThrow() + "@" + account).distinct()
          .forEach(id -> commitsPerCommand.merge(id, 1, Integer::sum));
    }
    Map<String, Long> versionsPerCommand = new HashMap<>();
    for (String account : accounts) {
      for (Event e : reader.getEvents("Account/" + account, 0)) {
        versionsPerCommand.merge(e.commandId().orElseThrow() + "@" + account, 1L, Long::sum);
      }
    }
    for (Sent s : sent) {
      if (s.outcome() instanceof Accepted a) {
        String key = s.commandId() + "@" + s.account();
        assertThat(commitsPerCommand.get(key)).as("commits of acknowledged command %s", key).isEqualTo(1);
        assertThat(versionsPerCommand.get(key)).as("events of %s", key)
            .isEqualTo(a.duplicate() ? versionsPerCommand.get(key) : (long) a.events().size());
      }
    }
    for (String account : accounts) {
      CommandResult r = sendUntilDone(RuntimeMessage.builder("Account", account, "Deposit")
          .payload(Map.of("amount", 1)).build()).outcome();
      assertThat(r).as("%s answers after the cluster settled", account).isInstanceOf(Accepted.class);
    }
  }

  String summary() {
    Map<RejectionReason, Long> transients = new java.util.TreeMap<>();
    sent.forEach(s -> s.transients().forEach(r -> transients.merge(r, 1L, Long::sum)));
    long[] millis = sent.stream().mapToLong(s -> s.latencyNanos() / 1_000_000).sorted().toArray();
    Map<String, Long> outcomes = new java.util.TreeMap<>();
    sent.forEach(s -> outcomes.merge(s.outcome() instanceof Rejected r ? r.reason().name() : "ACCEPTED", 1L,
        Long::sum));
    return sent.size() + " commands " + outcomes + ", " + sent.stream().filter(s -> s.attempts() > 1).count()
        + " resent, most sends " + sent.stream().mapToInt(Sent::attempts).max().orElse(0)
        + ", transient outcomes resent " + transients + ", latency ms p50/p99/max " + percentile(millis, 0.5) + "/"
        + percentile(millis, 0.99) + "/" + percentile(millis, 1.0);
  }

  private static long percentile(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  }

  /** The money on all accounts by a fold of their logs (balances change only by the model's events). */
  private long totalMoney(JetStreamEventStore reader) {
    long total = 0;
    for (String account : accounts) {
      for (Event e : reader.getEvents("Account/" + account, 0)) {
        long value = e.data().get("amount") instanceof Number n ? n.longValue() : 0;
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
