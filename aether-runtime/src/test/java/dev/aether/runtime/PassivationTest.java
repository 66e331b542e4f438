package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static dev.aether.runtime.Fixtures.eventually;
import static dev.aether.runtime.Fixtures.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.event.ActorSnapshot;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PassivationTest {

  private final TestStore store = new TestStore();
  private final ManualTime time = new ManualTime();
  private Runtime runtime;

  @AfterEach
  void close() {
    if (runtime != null) {
      runtime.close();
    }
  }

  private void start(RuntimeConfig.Builder config) {
    runtime = Fixtures.runtime(store).clock(time).scheduler(time).config(config.build()).build();
    runtime.start();
  }

  private static ActorKey key(String id) {
    return ActorKey.of("Account", id);
  }

  @Test
  void idleActor_isPassivatedAfterTheIdleTimeout_withASnapshot() {
    start(RuntimeConfig.builder().idleTimeout(Duration.ofMinutes(10)));
    accepted(runtime.sendMessage(Bank.open("idle")));
    accepted(runtime.sendMessage(Bank.deposit("idle", 5)));

    time.advance(Duration.ofMinutes(9));
    assertThat(runtime.getActiveVMs()).containsKey(key("idle"));

    Instant started = time.instant().minus(Duration.ofMinutes(9));
    time.advance(Duration.ofMinutes(6));
    eventually().until(() -> runtime.getActiveVMs().isEmpty());
    ActorSnapshot snapshot = store.getLatestSnapshot("Account/idle").orElseThrow();
    assertThat(snapshot.version()).isEqualTo(2);
    // taken by the sweep due at 10 min (the first to see 10 idle minutes), on the actor's thread, which may
    // read the clock before or after advance() moved it on to 15 min
    assertThat(snapshot.timestamp()).isBetween(started.plus(Duration.ofMinutes(10)), time.instant());
  }

  @Test
  void activity_keepsAnActorActive() {
    start(RuntimeConfig.builder().idleTimeout(Duration.ofMinutes(10)));
    accepted(runtime.sendMessage(Bank.open("busy")));
    for (int i = 0; i < 5; i++) {
      time.advance(Duration.ofMinutes(8));
      accepted(runtime.sendMessage(Bank.deposit("busy", 1)));
    }
    assertThat(runtime.getActiveVMs()).containsKey(key("busy"));
  }

  @Test
  void passivatedActor_isReactivatedByTheNextMessage_fromItsSnapshot() {
    start(RuntimeConfig.builder().idleTimeout(Duration.ofMinutes(1)));
    accepted(runtime.sendMessage(Bank.open("back")));
    accepted(runtime.sendMessage(Bank.deposit("back", 8)));
    time.advance(Duration.ofMinutes(2));
    eventually().until(() -> runtime.getActiveVMs().isEmpty());
    store.readsFrom.clear();

    CommandResult.Accepted r = accepted(runtime.sendMessage(Bank.withdraw("back", 8)));

    assertThat(r.newVersion()).isEqualTo(3);
    // from the snapshot's own version (v2): its event is read back to check that the store holds it (issue 9)
    assertThat(store.readsFrom).containsExactly(2L);
  }

  @Test
  void aboveMaxActiveVMs_theLeastRecentlyUsedArePassivated() {
    start(RuntimeConfig.builder().maxActiveVMs(2));
    accepted(runtime.sendMessage(Bank.open("a")));
    accepted(runtime.sendMessage(Bank.open("b")));
    accepted(runtime.sendMessage(Bank.deposit("a", 1)));

    accepted(runtime.sendMessage(Bank.open("c")));

    eventually().until(() -> runtime.getActiveVMs().size() == 2);
    assertThat(runtime.getActiveVMs()).containsOnlyKeys(key("a"), key("c"));
    assertThat(store.getLatestSnapshot("Account/b")).map(ActorSnapshot::version).contains(1L);
    assertThat(runtime.getActiveVMs().keySet()).containsExactly(key("a"), key("c"));
  }

  @Test
  void snapshot_isWrittenEveryNEvents() {
    start(RuntimeConfig.builder().snapshotInterval(3));
    accepted(runtime.sendMessage(Bank.open("n")));
    for (int i = 0; i < 6; i++) {
      accepted(runtime.sendMessage(Bank.deposit("n", 1)));
    }

    eventually().until(() -> store.savedSnapshots.size() == 2); // written off the actor's thread
    assertThat(store.savedSnapshots).extracting(ActorSnapshot::version).containsExactly(3L, 6L);
    assertThat(store.savedSnapshots.getLast().schema()).startsWith("aether.rt1:AccountState(");
  }

  @Test
  void intervalSnapshot_doesNotHoldUpTheNextCommand_andStopWritesAfterIt() throws Exception {
    // given: the snapshot store blocks until released
    start(RuntimeConfig.builder().snapshotInterval(2));
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    store.beforeSnapshot = id -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    accepted(runtime.sendMessage(Bank.open("snap")));
    accepted(runtime.sendMessage(Bank.deposit("snap", 1))); // v2: a snapshot is due, its write blocks
    // when
    CommandResult.Accepted next = accepted(runtime.sendMessage(Bank.deposit("snap", 1)));
    // then: the actor went on while the write waited
    assertThat(next.newVersion()).isEqualTo(3);
    assertThat(store.savedSnapshots).isEmpty();
    // and when it stops, its final snapshot comes after the blocked one
    java.util.concurrent.CompletableFuture<Boolean> stopped = runtime.stopVM(key("snap"));
    release.countDown();
    assertThat(join(stopped)).isTrue();
    assertThat(store.savedSnapshots).extracting(ActorSnapshot::version).containsExactly(2L, 3L);
  }

  @Test
  void stop_writesASnapshotOnlyWhenTheVersionMoved() {
    start(RuntimeConfig.builder().snapshotInterval(0));
    accepted(runtime.sendMessage(Bank.open("s")));
    assertThat(join(runtime.stopVM(key("s")))).isTrue();
    assertThat(store.savedSnapshots).extracting(ActorSnapshot::version).containsExactly(1L);

    join(runtime.createVM(key("s")));
    assertThat(join(runtime.stopVM(key("s")))).isTrue();
    assertThat(store.savedSnapshots).hasSize(1);
    assertThat(join(runtime.stopVM(key("s")))).isFalse();
  }

  @Test
  void close_stopsEveryActor_withASnapshot() {
    start(RuntimeConfig.builder().snapshotInterval(0));
    accepted(runtime.sendMessage(Bank.open("x")));
    accepted(runtime.sendMessage(Bank.open("y")));

    runtime.close();

    assertThat(runtime.getActiveVMs()).isEmpty();
    assertThat(store.savedSnapshots).extracting(ActorSnapshot::streamId)
        .containsExactlyInAnyOrder("Account/x", "Account/y");
  }

  @Test
  void messagesQueuedBeforeAStop_areStillProcessed() {
    start(RuntimeConfig.builder());
    accepted(runtime.sendMessage(Bank.open("q")));
    java.util.List<java.util.concurrent.CompletableFuture<CommandResult>> replies = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      replies.add(runtime.sendMessage(Bank.deposit("q", 1)));
    }
    var stopped = runtime.stopVM(key("q"));
    for (int i = 0; i < 20; i++) {
      replies.add(runtime.sendMessage(Bank.deposit("q", 1)));
    }

    replies.forEach(Fixtures::accepted);
    join(stopped);
    assertThat(store.events("Account/q")).hasSize(41);
  }
}
