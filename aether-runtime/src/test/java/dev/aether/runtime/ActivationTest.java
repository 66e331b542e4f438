package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static dev.aether.runtime.Fixtures.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.aether.event.ActorSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ActivationTest {

  private final TestStore store = new TestStore();
  private Runtime runtime;

  @AfterEach
  void close() {
    if (runtime != null) {
      runtime.close();
    }
  }

  private void start(RuntimeConfig config) {
    runtime = Fixtures.runtime(store).config(config).build();
    runtime.start();
  }

  private void history(String id, int deposits) {
    store.foreignAppend(Bank.stream(id), "Opened", Map.of("owner", "o"));
    for (int i = 0; i < deposits; i++) {
      store.foreignAppend(Bank.stream(id), "Deposited", Map.of("amount", 1));
    }
  }

  private static ActorSnapshot snapshot(String id, long version, Map<String, Object> state, String schema) {
    Map<String, Object> envelope = Map.of("state", state, "recentCommands", List.of());
    return new ActorSnapshot(Bank.stream(id), version, envelope, Instant.now(), schema);
  }

  private String schema() {
    return "aether.rt1:" + Bank.behavior().schema();
  }

  @Test
  void activation_loadsTheSnapshot_andReplaysOnlyTheEventsAfterIt() {
    history("s1", 6);
    store.inner.saveSnapshot(snapshot("s1", 5, Map.of("open", true, "owner", "o", "balance", 100), schema()));
    start(RuntimeConfig.defaults());

    accepted(runtime.sendMessage(Bank.deposit("s1", 1)));

    // from the snapshot's own version: its event is read back to check that the store holds it (issue 9)
    assertThat(store.readsFrom).containsExactly(5L);
    assertThat(state("s1")).containsEntry("balance", 103L);
  }

  @Test
  void snapshotOfAnotherSchema_isIgnored_andAllEventsAreReplayed() {
    history("s2", 3);
    store.inner.saveSnapshot(snapshot("s2", 4, Map.of("open", true, "owner", "o", "balance", 999), "old-v0"));
    start(RuntimeConfig.defaults());

    accepted(runtime.sendMessage(Bank.deposit("s2", 1)));

    assertThat(store.readsFrom).containsExactly(1L);
    assertThat(state("s2")).containsEntry("balance", 4L);
  }

  @Test
  void snapshotThatDoesNotFitTheState_isIgnored_andAllEventsAreReplayed() {
    history("s3", 2);
    store.inner.saveSnapshot(snapshot("s3", 3, Map.of("balance", "lots", "colour", "red"), schema()));
    start(RuntimeConfig.defaults());

    accepted(runtime.sendMessage(Bank.deposit("s3", 1)));

    assertThat(state("s3")).containsEntry("balance", 3L);
  }

  @Test
  void stateSchema_changes_whenTheStateRecordChanges() {
    record Other(long balance, String currency) {}
    String other = dev.aether.runtime.behavior.JavaBehavior.builder("Account", Other.class, new Other(0, "EUR"))
        .build().schema();
    assertThat(other).isNotEqualTo(Bank.behavior().schema());
    assertThat(Bank.behavior().schema()).isEqualTo("AccountState(open:boolean,owner:String,balance:long)");
  }

  @Test
  void concurrentActivations_areBounded() throws Exception {
    start(RuntimeConfig.builder().maxConcurrentActivations(2).build());
    CountDownLatch release = new CountDownLatch(1);
    store.beforeRead = id -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    List<CompletableFuture<CommandResult>> replies = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      replies.add(runtime.sendMessage(Bank.open("act-" + i)));
    }

    eventually().until(() -> store.concurrentReads.get() == 2);
    assertThat(replies).noneMatch(CompletableFuture::isDone);
    release.countDown();

    replies.forEach(Fixtures::accepted);
    assertThat(store.maxConcurrentReads).hasValue(2);
  }

  @Test
  void activationFailure_rejectsTheCommandAsTransient_andTheNextMessageRetries() {
    start(RuntimeConfig.defaults());
    store.beforeRead = id -> {
      store.beforeRead = x -> {};
      throw new dev.aether.store.StoreUnavailableException("store down", null);
    };

    CommandResult.Rejected r = Fixtures.rejected(runtime.sendMessage(Bank.open("f1")));
    assertThat(r.reason()).isEqualTo(RejectionReason.STORE_UNAVAILABLE);
    assertThat(r.isTransient()).isTrue();
    assertThat(r.message()).contains("store down");

    assertThat(accepted(runtime.sendMessage(Bank.open("f1"))).newVersion()).isEqualTo(1);
  }

  @Test
  void eventTheBehaviourCannotApply_failsActivation_withAClearMessage() {
    store.foreignAppend(Bank.stream("f2"), "Renamed", Map.of("name", "x"));
    start(RuntimeConfig.defaults());

    CommandResult.Rejected r = Fixtures.rejected(runtime.sendMessage(Bank.open("f2")));

    assertThat(r.reason()).isEqualTo(RejectionReason.BEHAVIOR_FAILED);
    assertThat(r.message()).contains("Renamed").contains("v1").contains("Account/f2");
  }

  @Test
  void aHistoryTheBehaviourCannotReplay_isLoggedOnce_andItsRecoveryToo() {
    store.foreignAppend(Bank.stream("f3"), "Renamed", Map.of("name", "x"));
    store.foreignAppend(Bank.stream("f4"), "Renamed", Map.of("name", "y"));
    start(RuntimeConfig.defaults());
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(ReplayFailureLog.class);
    Level level = logger.getLevel();
    logger.setLevel(Level.INFO);
    log.start();
    logger.addAppender(log);
    try {
      for (int i = 0; i < 3; i++) {
        assertThat(Fixtures.rejected(runtime.sendMessage(Bank.open("f3"))).reason())
            .isEqualTo(RejectionReason.BEHAVIOR_FAILED);
        assertThat(runtime.readState(ActorKey.of("Account", "f3"))).as("reads fail too")
            .failsWithin(java.time.Duration.ofSeconds(10));
      }
      assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
          .satisfies(e -> assertThat(e.getFormattedMessage()).contains("Account/f3", "Renamed", "v1"));
      assertThat(runtime.readState(ActorKey.of("Account", "f4"))).failsWithin(java.time.Duration.ofSeconds(10));
      assertThat(log.list).as("an actor only read is said too").filteredOn(e -> e.getLevel() == Level.WARN)
          .hasSize(2).last().satisfies(e -> assertThat(e.getFormattedMessage()).contains("Account/f4"));

      store.inner = dev.aether.store.InMemoryEventStore.create(); // the history repaired: the actor starts afresh
      assertThat(accepted(runtime.sendMessage(Bank.open("f3"))).newVersion()).isEqualTo(1);
      assertThat(log.list).filteredOn(e -> e.getLevel() == Level.INFO).singleElement()
          .satisfies(e -> assertThat(e.getFormattedMessage()).contains("Account/f3", "replays again"));
    } finally {
      logger.detachAppender(log);
      logger.setLevel(level);
    }
  }

  private Map<String, Object> state(String id) {
    return runtime.registry().get(ActorKey.of("Account", id)).orElseThrow().getState();
  }
}
