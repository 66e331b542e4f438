package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static dev.aether.runtime.Fixtures.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.store.OutcomeUnknownException;
import dev.aether.store.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Timeouts, full mailboxes and store failures: typed, transient where a retry may help, never exceptional. */
class FailureTest {

  private final TestStore store = new TestStore();
  private final ManualTime time = new ManualTime();
  private final CountDownLatch gate = new CountDownLatch(1);
  private final CountDownLatch appendStarted = new CountDownLatch(1);
  private Runtime runtime;

  @AfterEach
  void close() {
    gate.countDown();
    runtime.close();
  }

  private void start(RuntimeConfig.Builder config) {
    runtime = Fixtures.runtime(store).clock(time).scheduler(time).config(config.build()).build();
    runtime.start();
  }

  private void holdNextAppend() {
    store.beforeAppend = id -> {
      store.beforeAppend = x -> {};
      appendStarted.countDown();
      await(gate);
    };
  }

  @Test
  void commandWithoutOutcomeInTime_isRejectedAsTimeout_andAResendLearnsItsOutcome() {
    start(RuntimeConfig.builder().commandTimeout(Duration.ofSeconds(5)));
    accepted(runtime.sendMessage(Bank.open("t1")));
    holdNextAppend();
    CompletableFuture<CommandResult> slow = runtime.sendMessage(Bank.deposit("t1", 3, "slow-1"));
    await(appendStarted);

    time.advance(Duration.ofSeconds(6));

    CommandResult.Rejected r = rejected(slow);
    assertThat(r.reason()).isEqualTo(RejectionReason.TIMEOUT);
    assertThat(r.isTransient()).isTrue();
    gate.countDown();
    CommandResult.Accepted resent = accepted(runtime.sendMessage(Bank.deposit("t1", 3, "slow-1")));
    assertThat(resent.duplicate()).isTrue();
    assertThat(store.events("Account/t1")).hasSize(2);
  }

  @Test
  void close_whileACommandIsStuckInTheStore_completesEveryPendingReply() {
    start(RuntimeConfig.builder().commandTimeout(Duration.ofMillis(500)));
    accepted(runtime.sendMessage(Bank.open("t8")));
    holdNextAppend();
    CompletableFuture<CommandResult> stuck = runtime.sendMessage(Bank.deposit("t8", 1));
    await(appendStarted);
    CompletableFuture<CommandResult> queued = runtime.sendMessage(Bank.deposit("t8", 2));

    runtime.close(); // the manual clock never reaches the timeouts; the append stays held past close's wait

    for (CompletableFuture<CommandResult> reply : List.of(stuck, queued)) {
      CommandResult.Rejected r = rejected(reply);
      assertThat(r.reason()).isEqualTo(RejectionReason.TIMEOUT);
      assertThat(r.message()).contains("the runtime closed before the command had an outcome", "may still be applied");
    }
  }

  @Test
  void timedOutCommand_stillQueued_isNotDecided() {
    start(RuntimeConfig.builder().commandTimeout(Duration.ofSeconds(5)));
    accepted(runtime.sendMessage(Bank.open("t2")));
    holdNextAppend();
    CompletableFuture<CommandResult> first = runtime.sendMessage(Bank.deposit("t2", 1));
    await(appendStarted);
    CompletableFuture<CommandResult> queued = runtime.sendMessage(Bank.deposit("t2", 100));

    time.advance(Duration.ofSeconds(6));
    gate.countDown();

    assertThat(rejected(queued).reason()).isEqualTo(RejectionReason.TIMEOUT);
    Fixtures.join(first);
    accepted(runtime.sendMessage(Bank.deposit("t2", 1)));
    assertThat(store.events("Account/t2")).extracting(e -> e.data().get("amount")).containsExactly(null, 1L, 1L);
  }

  @Test
  void fullMailbox_rejectsAsOverloaded() {
    start(RuntimeConfig.builder().mailboxCapacity(3).groupCommitLimit(2));
    accepted(runtime.sendMessage(Bank.open("o1")));
    holdNextAppend();
    List<CompletableFuture<CommandResult>> replies = new ArrayList<>();
    replies.add(runtime.sendMessage(Bank.deposit("o1", 1)));
    await(appendStarted);
    replies.add(runtime.sendMessage(Bank.deposit("o1", 1)));
    replies.add(runtime.sendMessage(Bank.deposit("o1", 1)));

    CommandResult.Rejected r = rejected(runtime.sendMessage(Bank.deposit("o1", 1)));

    assertThat(r.reason()).isEqualTo(RejectionReason.OVERLOADED);
    assertThat(r.isTransient()).isTrue();
    gate.countDown();
    replies.forEach(Fixtures::accepted);
  }

  @Test
  void storeUnavailable_onAppend_isTransient_andTheActorRecovers() {
    start(RuntimeConfig.builder());
    accepted(runtime.sendMessage(Bank.open("u1")));
    store.beforeAppend = id -> {
      store.beforeAppend = x -> {};
      throw new StoreUnavailableException("no route to store", null);
    };

    CommandResult.Rejected r = rejected(runtime.sendMessage(Bank.deposit("u1", 2)));

    assertThat(r.reason()).isEqualTo(RejectionReason.STORE_UNAVAILABLE);
    assertThat(r.isTransient()).isTrue();
    assertThat(accepted(runtime.sendMessage(Bank.deposit("u1", 2))).newVersion()).isEqualTo(2);
  }

  @Test
  void outcomeUnknown_thatWasStored_makesTheResentCommandADuplicate() {
    start(RuntimeConfig.builder());
    accepted(runtime.sendMessage(Bank.open("u2")));
    store.beforeAppend = id -> {
      store.beforeAppend = x -> {};
      throw new OutcomeUnknownException(id, "ack lost", null);
    };
    CommandResult.Rejected r = rejected(runtime.sendMessage(Bank.deposit("u2", 6, "pay-u2")));
    assertThat(r.reason()).isEqualTo(RejectionReason.OUTCOME_UNKNOWN);
    assertThat(r.isTransient()).isTrue();
    // the write did land after all (the acknowledgement was what got lost)
    store.inner.append("Account/u2", 1, List.of(dev.aether.event.Event.builder().eventType("Deposited")
        .streamId("Account/u2").version(2).commandId("pay-u2").data(java.util.Map.of("amount", 6)).build()));

    CommandResult.Accepted resent = accepted(runtime.sendMessage(Bank.deposit("u2", 6, "pay-u2")));

    assertThat(resent.duplicate()).isTrue();
    assertThat(resent.newVersion()).isEqualTo(2);
    assertThat(store.events("Account/u2")).hasSize(2);
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("latch timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
