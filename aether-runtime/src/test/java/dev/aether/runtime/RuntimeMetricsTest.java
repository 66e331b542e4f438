package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static dev.aether.runtime.Fixtures.eventually;
import static dev.aether.runtime.Fixtures.join;
import static dev.aether.runtime.Fixtures.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.store.StoreUnavailableException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runtime's Micrometer meters: each moves when its event happens, and none exist without a registry. */
class RuntimeMetricsTest {

  private static final String ACCOUNT = Bank.TYPE;

  private final TestStore store = new TestStore();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ManualTime time = new ManualTime();
  private Runtime runtime;

  @AfterEach
  void close() {
    if (runtime != null) {
      runtime.close();
    }
  }

  private void start(RuntimeConfig.Builder config) {
    runtime = Fixtures.runtime(store).meterRegistry(registry).config(config.build()).build();
    runtime.start();
  }

  private void startWithManualTime(RuntimeConfig.Builder config) {
    runtime = Fixtures.runtime(store).meterRegistry(registry).clock(time).scheduler(time).config(config.build())
        .build();
    runtime.start();
  }

  private double commands(String aggregate, String outcome, String reason) {
    return registry.get(RuntimeMetrics.COMMANDS).tags("aggregate", aggregate, "outcome", outcome, "reason", reason)
        .counter().count();
  }

  private long latencies(String outcome) {
    return registry.get(RuntimeMetrics.COMMAND_LATENCY).tags("aggregate", ACCOUNT, "outcome", outcome).timer()
        .count();
  }

  private double passivations(String cause) {
    return registry.get(RuntimeMetrics.PASSIVATIONS).tags("aggregate", ACCOUNT, "cause", cause).counter().count();
  }

  private double counter(String name) {
    return registry.get(name).tags("aggregate", ACCOUNT).counter().count();
  }

  private long activations(String outcome) {
    return registry.get(RuntimeMetrics.ACTIVATIONS).tags("aggregate", ACCOUNT, "outcome", outcome).timer().count();
  }

  private double activeVMs() {
    return registry.get(RuntimeMetrics.VMS_ACTIVE).gauge().value();
  }

  @Test
  void commands_areCountedByOutcomeAndReason_withTheirLatency() {
    start(RuntimeConfig.builder());
    accepted(runtime.sendMessage(Bank.open("m1")));
    accepted(runtime.sendMessage(Bank.deposit("m1", 5, "dep-1")));
    assertThat(accepted(runtime.sendMessage(Bank.deposit("m1", 5, "dep-1"))).duplicate()).isTrue();
    rejected(runtime.sendMessage(Bank.withdraw("m1", 100)));
    rejected(runtime.sendMessage(RuntimeMessage.of(ACCOUNT, "m1", "Close", Map.of())));
    rejected(runtime.sendMessage(RuntimeMessage.of("Nobody", "x", "Go", Map.of())));

    assertThat(commands(ACCOUNT, "accepted", "none")).isEqualTo(2);
    assertThat(commands(ACCOUNT, "duplicate", "none")).isEqualTo(1);
    assertThat(commands(ACCOUNT, "rejected", "business_rule")).isEqualTo(1);
    assertThat(commands(ACCOUNT, "rejected", "unknown_command")).isEqualTo(1);
    assertThat(commands(ACCOUNT, "rejected", "conflict")).isZero();
    assertThat(commands(MicrometerRuntimeMetrics.UNREGISTERED, "rejected", "unknown_aggregate")).isEqualTo(1);
    assertThat(registry.find(RuntimeMetrics.COMMANDS).tag("aggregate", "Nobody").meters())
        .as("an unregistered aggregate type is no tag value").isEmpty();
    assertThat(latencies("accepted")).isEqualTo(2);
    assertThat(latencies("duplicate")).isEqualTo(1);
    assertThat(latencies("rejected")).isEqualTo(2);
  }

  @Test
  void commandsRefusedBeforeStart_areCountedNotRunning() {
    runtime = Fixtures.runtime(store).meterRegistry(registry).build();

    rejected(runtime.sendMessage(Bank.open("early")));

    assertThat(commands(ACCOUNT, "rejected", "not_running")).isEqualTo(1);
  }

  @Test
  void conflict_isCounted() {
    start(RuntimeConfig.builder());
    accepted(runtime.sendMessage(Bank.open("c1")));
    store.beforeAppend = id -> {
      store.beforeAppend = x -> {};
      store.foreignAppend(id, "Deposited", Map.of("amount", 100));
    };

    accepted(runtime.sendMessage(Bank.deposit("c1", 5)));

    assertThat(counter(RuntimeMetrics.CONFLICTS)).isEqualTo(1);
    assertThat(commands(ACCOUNT, "accepted", "none")).isEqualTo(2);
  }

  @Test
  void activations_areTimedBySuccessAndFailure_andActiveVMsAreAGauge() {
    start(RuntimeConfig.builder());
    store.beforeRead = id -> {
      store.beforeRead = x -> {};
      throw new StoreUnavailableException("store down", null);
    };

    assertThat(rejected(runtime.sendMessage(Bank.open("a1"))).reason()).isEqualTo(RejectionReason.STORE_UNAVAILABLE);
    accepted(runtime.sendMessage(Bank.open("a1")));
    accepted(runtime.sendMessage(Bank.open("a2")));

    assertThat(activations("failure")).isEqualTo(1);
    assertThat(activations("success")).isEqualTo(2);
    assertThat(activeVMs()).isEqualTo(2);
    join(runtime.stopVM(ActorKey.of(ACCOUNT, "a1")));
    assertThat(activeVMs()).isEqualTo(1);
  }

  @Test
  void close_removesTheActiveVMGauge_andKeepsTheCounters() {
    start(RuntimeConfig.builder());
    accepted(runtime.sendMessage(Bank.open("g1")));

    runtime.close();

    assertThat(registry.find(RuntimeMetrics.VMS_ACTIVE).gauge()).isNull();
    assertThat(commands(ACCOUNT, "accepted", "none")).isEqualTo(1);
    assertThat(passivations("stop")).isEqualTo(1);
  }

  @Test
  void snapshots_areCountedWhenWritten() {
    start(RuntimeConfig.builder().snapshotInterval(2));
    accepted(runtime.sendMessage(Bank.open("s1")));
    assertThat(counter(RuntimeMetrics.SNAPSHOTS)).isZero();

    accepted(runtime.sendMessage(Bank.deposit("s1", 1)));

    eventually().until(() -> counter(RuntimeMetrics.SNAPSHOTS) == 1);
    assertThat(store.savedSnapshots).hasSize(1);
  }

  @Test
  void idlePassivation_isCountedWithCauseIdle() {
    startWithManualTime(RuntimeConfig.builder().idleTimeout(Duration.ofMinutes(1)));
    accepted(runtime.sendMessage(Bank.open("i1")));

    time.advance(Duration.ofMinutes(2));

    eventually().until(() -> runtime.getActiveVMs().isEmpty());
    assertThat(passivations("idle")).isEqualTo(1);
    assertThat(passivations("lru") + passivations("stop") + passivations("drain")).isZero();
    assertThat(counter(RuntimeMetrics.SNAPSHOTS)).as("the passivated actor's snapshot").isEqualTo(1);
  }

  @Test
  void lruEviction_stopAndDrain_areCountedWithTheirCause_oncePerVM() {
    start(RuntimeConfig.builder().maxActiveVMs(2));
    accepted(runtime.sendMessage(Bank.open("p1")));
    accepted(runtime.sendMessage(Bank.open("p2")));
    accepted(runtime.sendMessage(Bank.open("p3"))); // evicts p1

    eventually().until(() -> passivations("lru") == 1);
    join(runtime.stopVM(ActorKey.of(ACCOUNT, "p2")));
    join(runtime.drain(List.of(ActorKey.of(ACCOUNT, "p3"))));

    assertThat(passivations("lru")).isEqualTo(1);
    assertThat(passivations("stop")).isEqualTo(1);
    assertThat(passivations("drain")).isEqualTo(1);
    runtime.close();
    assertThat(passivations("stop")).as("no VM left to stop, none counted twice").isEqualTo(1);
  }

  @Test
  void groupCommitOfN_recordsItsSize_andTheMailboxDepth() throws Exception {
    start(RuntimeConfig.builder().groupCommitLimit(64));
    accepted(runtime.sendMessage(Bank.open("hot")));
    CountDownLatch appendStarted = new CountDownLatch(1);
    CountDownLatch gate = new CountDownLatch(1);
    store.beforeAppend = id -> {
      store.beforeAppend = x -> {};
      appendStarted.countDown();
      await(gate);
    };
    CompletableFuture<CommandResult> first = runtime.sendMessage(Bank.deposit("hot", 1));
    assertThat(appendStarted.await(10, TimeUnit.SECONDS)).isTrue();
    List<CompletableFuture<CommandResult>> queued = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      queued.add(runtime.sendMessage(Bank.deposit("hot", 1)));
    }
    gate.countDown();
    accepted(first);
    queued.forEach(Fixtures::accepted);

    DistributionSummary sizes = registry.get(RuntimeMetrics.GROUP_COMMIT_SIZE).tags("aggregate", ACCOUNT).summary();
    assertThat(sizes.count()).as("open, the first deposit, the seven queued ones").isEqualTo(3);
    assertThat(sizes.totalAmount()).isEqualTo(9);
    assertThat(sizes.max()).isEqualTo(7);
    DistributionSummary depth = registry.get(RuntimeMetrics.MAILBOX_DEPTH).tags("aggregate", ACCOUNT).summary();
    assertThat(depth.count()).isEqualTo(3);
    assertThat(depth.max()).isEqualTo(7);
  }

  @Test
  void withoutARegistry_noMeterExists() {
    runtime = Fixtures.runtime(store).build();
    runtime.start();
    accepted(runtime.sendMessage(Bank.open("n1")));
    join(runtime.stopVM(ActorKey.of(ACCOUNT, "n1")));

    assertThat(RuntimeMetrics.of(null, runtime.registry())).isSameAs(RuntimeMetrics.NONE);
    assertThat(Metrics.globalRegistry.getMeters()).noneMatch(m -> m.getId().getName().startsWith("aether."));
    assertThat(registry.getMeters()).isEmpty();
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
