package dev.aether.nats.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.event.Event;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeConfig;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two runtimes on two connections writing the same accounts. Without the EventStored feed each learns of the
 * other's events through the store alone (conflicts, freshness checks); with it, mostly from notices. The
 * store's optimistic concurrency is the fence: never two events with one version, never a lost or doubled
 * accepted command.
 */
@NatsTest
class RuntimeOnJetStreamTwoWritersIT {

  private static final Logger LOG = LoggerFactory.getLogger(RuntimeOnJetStreamTwoWritersIT.class);
  private static final int ACCOUNTS = 3;
  private static final int CLIENTS = 12;
  private static final int TRANSFERS_PER_CLIENT = 25;
  private static final long INITIAL_BALANCE = 500;

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<String> accounts = IntStream.range(0, ACCOUNTS).mapToObj(i -> "acc-" + i).toList();
  private String url;
  private JetStreamConfig config;

  @BeforeEach
  void namespace(NatsServer server) {
    url = server.url();
    config = JetStreamConfig.builder().servers(url).namespace("two-" + UUID.randomUUID().toString().substring(0, 8))
        .build();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable resource : resources.reversed()) {
      resource.close();
    }
  }

  @Test
  void staleRuntime_conflictOnAppend_catchesUpAndRetries() throws Exception {
    // given: the account is at v2 in both runtimes
    Node first = node(RuntimeConfig.defaults());
    Node second = node(RuntimeConfig.defaults());
    new BankClient(List.of(first.runtime)).fund("acc", 100);
    assertThat(second.runtime.createVM(Bank.key("acc")).get(10, TimeUnit.SECONDS).getVersion()).isEqualTo(2);
    // when: the first deposits (v3), then the stale second deposits too
    new BankClient(List.of(first.runtime)).send(Bank.deposit("acc", 50, "first"));
    CommandResult r = new BankClient(List.of(second.runtime)).send(Bank.deposit("acc", 10, "second"));
    // then: one conflict, caught up, decided again and stored after the first's deposit
    assertThat(r).isInstanceOfSatisfying(Accepted.class, a -> assertThat(a.newVersion()).isEqualTo(4));
    assertThat(second.store.conflicts).hasValue(1);
    assertThat(second.store.appends).hasValue(2);
    assertThat(Bank.balanceOf(second.runtime.registry().get(Bank.key("acc")).orElseThrow().getState()))
        .isEqualTo(160);
    assertThat(Bank.balanceOf(first.store.getEvents(Bank.stream("acc"), 1))).isEqualTo(160);
  }

  @Test
  void staleRuntime_refusalOnAnOldBalance_isDecidedAgainOnTheStoredOne() throws Exception {
    // given
    Node first = node(RuntimeConfig.defaults());
    Node second = node(RuntimeConfig.defaults());
    new BankClient(List.of(first.runtime)).fund("acc", 100);
    second.runtime.createVM(Bank.key("acc")).get(10, TimeUnit.SECONDS);
    new BankClient(List.of(first.runtime)).send(Bank.deposit("acc", 50, "first"));
    // when: the second's state says 100, the store says 150
    CommandResult r = new BankClient(List.of(second.runtime)).send(Bank.withdraw("acc", 150, "all"));
    // then
    assertThat(r).isInstanceOfSatisfying(Accepted.class, a -> assertThat(a.newVersion()).isEqualTo(4));
    assertThat(second.store.conflicts).hasValue(0);
    assertThat(second.store.appends).hasValue(1);
  }

  @Test
  void conflictRetriesUsedUp_reportConflict_storeNothing_andTheResentCommandApplies() throws Exception {
    // given: every append of the second runtime is preceded by a deposit through the first
    Node first = node(RuntimeConfig.defaults());
    Node second = node(RuntimeConfig.builder().conflictRetries(1).build());
    BankClient viaFirst = new BankClient(List.of(first.runtime));
    viaFirst.fund("acc", 100);
    second.runtime.createVM(Bank.key("acc")).get(10, TimeUnit.SECONDS);
    AtomicInteger interference = new AtomicInteger();
    second.store.beforeAppend = actorId -> viaFirst.send(Bank.deposit("acc", 1, "x-" + interference.incrementAndGet()));
    // when
    CommandResult r = second.runtime.sendMessage(Bank.deposit("acc", 5, "mine")).get(10, TimeUnit.SECONDS);
    // then: reported as a typed, transient conflict, and nothing of the command is stored
    assertThat(r).isInstanceOfSatisfying(Rejected.class, rejected -> {
      assertThat(rejected.reason()).isEqualTo(RejectionReason.CONFLICT);
      assertThat(rejected.isTransient()).isTrue();
      assertThat(rejected.message()).contains(Bank.stream("acc")).contains("2 time(s)");
    });
    assertThat(second.store.conflicts).hasValue(2);
    assertThat(commandIds(first.store.getEvents(Bank.stream("acc"), 1))).doesNotContain("mine");

    // when: the interference stops and the command is resent
    second.store.beforeAppend = actorId -> {};
    int appendsBefore = second.store.appends.get();
    CommandResult resent = second.runtime.sendMessage(Bank.deposit("acc", 5, "mine")).get(10, TimeUnit.SECONDS);
    // then: stored once, after catching up first (no further conflict)
    assertThat(resent).isInstanceOfSatisfying(Accepted.class, a -> assertThat(a.newVersion()).isEqualTo(5));
    assertThat(second.store.appends.get() - appendsBefore).isEqualTo(1);
    assertThat(second.store.conflicts).hasValue(2);
    assertThat(commandIds(first.store.getEvents(Bank.stream("acc"), 1))).containsOnlyOnce("mine");
  }

  @Test
  void twoRuntimesHammeringTheSameAccounts_neverDuplicateAVersion_norLoseOrDoubleAnAcceptedCommand()
      throws Exception {
    hammer(RuntimeConfig.builder().snapshotInterval(10).build(), false);
  }

  @Test
  void twoRuntimesHammeringTheSameAccounts_withTheFeedAndConstantPassivation_stayExact() throws Exception {
    hammer(RuntimeConfig.builder().maxActiveVMs(1).snapshotInterval(3).build(), true);
  }

  /**
   * A command timeout far below what a busy actor needs makes many replies TIMEOUT while their commands may
   * still be decided: the clients resend them with the same id, to either runtime, and each is applied once.
   */
  @Test
  void twoRuntimes_withRepliesTimingOut_andCommandsResentWithTheSameId_applyEachCommandExactlyOnce()
      throws Exception {
    hammer(RuntimeConfig.builder().maxActiveVMs(2).snapshotInterval(3).commandTimeout(Duration.ofMillis(50))
        .build(), true);
  }

  /**
   * Without conflict retries every conflict reaches the client, which resends: a runtime that is behind must
   * still answer a command the other runtime applied as a duplicate, never decide it again on its old state.
   */
  @Test
  void twoRuntimes_withoutConflictRetries_stillApplyEachCommandExactlyOnce() throws Exception {
    hammer(RuntimeConfig.builder().conflictRetries(0).groupCommitLimit(1).build(), false);
  }

  /** Clients send each attempt to either of two runtimes on two connections; then every invariant is checked. */
  private void hammer(RuntimeConfig runtimeConfig, boolean feed) throws Exception {
    // given
    Node first = node(runtimeConfig, feed);
    Node second = node(runtimeConfig, feed);
    BankClient client = new BankClient(List.of(first.runtime, second.runtime));
    accounts.forEach(account -> client.fund(account, INITIAL_BALANCE));

    // when
    runClients(client);

    // then: the store's histories are gapless and unique per version, each accepted command stored once
    Histories stored = Histories.read(first.store, accounts);
    stored.assertVersionsUniqueAndIncreasing();
    stored.assertEveryAcceptedCommandStoredExactlyOnce(client);
    assertThat(stored.balances()).isEqualTo(client.balances());
    assertThat(stored.balances().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(ACCOUNTS * INITIAL_BALANCE);
    LOG.info("two writers (feed {}): {} transfers applied, {} refused; conflicts seen by the stores: {} + {};"
        + " activations: {} + {}; retried: {}", feed, client.transfersApplied, client.transfersRefused,
        first.store.conflicts, second.store.conflicts, first.store.snapshotReads, second.store.snapshotReads,
        client.retriedReasons);

    // and: after both close, a third runtime recovers every balance
    first.close();
    second.close();
    try (JetStreamEventStore store = JetStreamEventStore.connect(config);
        Runtime third = Runtime.builder().eventStore(store).behavior(Bank.behavior()).build()) {
      third.start();
      for (String account : accounts) {
        assertThat(Bank.balanceOf(third.createVM(Bank.key(account)).get(10, TimeUnit.SECONDS).getState()))
            .as("balance of %s", account).isEqualTo(client.balances().get(account));
      }
    }
  }

  private void runClients(BankClient client) throws InterruptedException {
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < CLIENTS; c++) {
        int clientNo = c;
        clients.execute(() -> {
          Random random = new Random(100 + clientNo);
          try {
            go.await();
            for (int n = 0; n < TRANSFERS_PER_CLIENT; n++) {
              int from = random.nextInt(ACCOUNTS);
              int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
              String id = "t-" + clientNo + "-" + n;
              long amount = 1 + random.nextInt(300);
              if (client.transfer(id, accounts.get(from), accounts.get(to), amount) && n % 4 == 0) {
                RuntimeOnJetStreamBankIT.assertResentTransferIsADuplicate(client, id, accounts.get(from),
                    accounts.get(to), amount);
              }
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        });
      }
      go.countDown();
    }
    assertThat(failures).isEmpty();
  }

  private Node node(RuntimeConfig runtimeConfig) {
    return node(runtimeConfig, false);
  }

  private Node node(RuntimeConfig runtimeConfig, boolean feed) {
    Node node = Node.start(url, config, runtimeConfig, feed);
    resources.add(node);
    return node;
  }

  private static List<String> commandIds(List<Event> events) {
    return events.stream().map(e -> e.commandId().orElseThrow()).toList();
  }
}
