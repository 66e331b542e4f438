package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static dev.aether.runtime.Fixtures.rejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.aether.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A message's deadline: the reply times out at the earlier of the command timeout and the deadline, and a
 * command whose deadline has passed is answered TIMEOUT without being decided (at routing, or when taken
 * from the mailbox). Time is driven by hand.
 */
class DeadlineTest {

  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

  private final TestStore store = new TestStore();
  private final ManualTime time = new ManualTime();
  private final CountDownLatch gate = new CountDownLatch(1);
  private final CountDownLatch appendStarted = new CountDownLatch(1);
  private Runtime runtime;

  @AfterEach
  void close() {
    gate.countDown();
    if (runtime != null) {
      runtime.close();
    }
  }

  private void start(Scheduler scheduler) {
    runtime = Fixtures.runtime(store).clock(time).scheduler(scheduler)
        .config(RuntimeConfig.builder().commandTimeout(COMMAND_TIMEOUT).build()).build();
    runtime.start();
  }

  private void holdNextAppend() {
    store.beforeAppend = id -> {
      store.beforeAppend = x -> {};
      appendStarted.countDown();
      await(gate);
    };
  }

  private RuntimeMessage deposit(String id, long amount, String commandId, Duration deadlineIn) {
    return RuntimeMessage.builder(Bank.TYPE, id, "Deposit").payload(Map.of("amount", amount)).commandId(commandId)
        .deadline(time.instant().plus(deadlineIn)).build();
  }

  @Test
  void deadlinePassedAtSend_isAnsweredTimeoutAtOnce_withoutActivatingAnything() {
    start(time);
    int tasksBefore = time.pendingTasks();

    CommandResult.Rejected late = rejected(runtime.sendMessage(RuntimeMessage.builder(Bank.TYPE, "d1", "Open")
        .payload(Map.of("owner", "o")).deadline(time.instant()).build()));

    assertThat(late.reason()).isEqualTo(RejectionReason.TIMEOUT);
    assertThat(late.message()).contains("had passed when it was routed", "not decided", "nothing was stored");
    assertThat(runtime.getActiveVMs()).isEmpty();
    assertThat(store.readsFrom).isEmpty();
    assertThat(store.appendCalls).hasValue(0);
    assertThat(time.pendingTasks()).as("no timer left behind").isEqualTo(tasksBefore);
  }

  @Test
  void deadlinePassingWhileQueuedBehindASlowCommand_isAnsweredTimeout_andTheCommandIsNotDecided() {
    start(time);
    accepted(runtime.sendMessage(Bank.open("d2")));
    holdNextAppend();
    CompletableFuture<CommandResult> slow = runtime.sendMessage(Bank.deposit("d2", 1));
    await(appendStarted);
    CompletableFuture<CommandResult> queued = runtime.sendMessage(deposit("d2", 100, "late-1", Duration.ofSeconds(2)));

    time.advance(Duration.ofSeconds(3));
    CommandResult.Rejected timedOut = rejected(queued);
    gate.countDown();

    assertThat(timedOut.reason()).isEqualTo(RejectionReason.TIMEOUT);
    assertThat(timedOut.message()).contains("by the message's deadline");
    accepted(slow);
    assertThat(store.events(Bank.stream("d2"))).extracting(e -> e.data().get("amount")).containsExactly(null, 1L);
    CommandResult.Accepted resent = accepted(runtime.sendMessage(Bank.deposit("d2", 100, "late-1")));
    assertThat(resent.duplicate()).as("the queued command was never decided").isFalse();
  }

  @Test
  void aTimeoutAtTheDeadline_namesTheDeadline_notThisRuntimesCommandTimeout() {
    // found by a user: a client with a 1 s command timeout was told "(before the command timeout PT5S)", the
    // owner runtime's timeout, which had not expired: the answer names only what did
    start(time);
    accepted(runtime.sendMessage(Bank.open("d5")));
    holdNextAppend();
    CompletableFuture<CommandResult> slow = runtime.sendMessage(deposit("d5", 5, "slow-2", Duration.ofSeconds(1)));
    await(appendStarted);

    time.advance(Duration.ofSeconds(1));
    CommandResult.Rejected timedOut = rejected(slow);
    gate.countDown();

    assertThat(timedOut.reason()).isEqualTo(RejectionReason.TIMEOUT);
    assertThat(timedOut.message()).contains("by the message's deadline").doesNotContain("command timeout")
        .doesNotContain(COMMAND_TIMEOUT.toString());
  }

  @Test
  void deadlinePassedWhenTakenFromTheMailbox_isAnsweredTimeoutWithoutDeciding_evenIfTheTimerIsLate() {
    start((task, delay) -> () -> { }); // a scheduler whose timers never fire: only the mailbox's check is left
    accepted(runtime.sendMessage(Bank.open("d3")));
    holdNextAppend();
    CompletableFuture<CommandResult> slow = runtime.sendMessage(Bank.deposit("d3", 1));
    await(appendStarted);
    CompletableFuture<CommandResult> queued = runtime.sendMessage(deposit("d3", 100, "late-2", Duration.ofSeconds(2)));

    time.advance(Duration.ofSeconds(3));
    gate.countDown();

    CommandResult.Rejected timedOut = rejected(queued);
    assertThat(timedOut.reason()).isEqualTo(RejectionReason.TIMEOUT);
    assertThat(timedOut.message()).contains("passed while the command was queued", "not decided",
        "nothing was stored");
    accepted(slow);
    assertThat(store.events(Bank.stream("d3"))).extracting(e -> e.data().get("amount")).containsExactly(null, 1L);
  }

  @Test
  void timer_firesAtTheDeadline_beforeTheCommandTimeout() {
    start(time);
    accepted(runtime.sendMessage(Bank.open("d4")));
    holdNextAppend();
    CompletableFuture<CommandResult> slow = runtime.sendMessage(deposit("d4", 5, "slow-1", Duration.ofSeconds(2)));
    await(appendStarted);

    time.advance(Duration.ofMillis(1_999));
    assertThat(slow).as("before the deadline").isNotDone();
    time.advance(Duration.ofMillis(1));

    CommandResult.Rejected timedOut = rejected(slow);
    assertThat(timedOut.reason()).isEqualTo(RejectionReason.TIMEOUT);
    assertThat(timedOut.message()).contains("by the message's deadline", "may still be applied");
    gate.countDown();
    assertThat(accepted(runtime.sendMessage(Bank.deposit("d4", 5, "slow-1"))).duplicate())
        .as("it was being decided when the deadline passed, and was applied").isTrue();
  }

  @Test
  void deadlineAfterTheCommandTimeout_leavesTheCommandTimeoutInCharge() {
    start(time);
    accepted(runtime.sendMessage(Bank.open("d5")));
    holdNextAppend();
    CompletableFuture<CommandResult> slow = runtime.sendMessage(deposit("d5", 5, "slow-2", Duration.ofMinutes(5)));
    await(appendStarted);

    time.advance(COMMAND_TIMEOUT);

    CommandResult.Rejected timedOut = rejected(slow);
    assertThat(timedOut.reason()).isEqualTo(RejectionReason.TIMEOUT);
    assertThat(timedOut.message()).startsWith("no outcome within " + COMMAND_TIMEOUT + " (before the message's"
        + " deadline");
  }

  @Test
  void messageWithAFutureDeadline_isDecidedAsUsual() {
    start(time);

    CommandResult.Accepted opened = accepted(runtime.sendMessage(RuntimeMessage.builder(Bank.TYPE, "d6", "Open")
        .payload(Map.of("owner", "o")).deadline(time.instant().plusSeconds(1)).build()));

    assertThat(opened.newVersion()).isEqualTo(1);
  }

  @Test
  void builder_deadline_isOptional_partOfEquality_andRefusesNull() {
    Instant at = Instant.parse("2026-01-01T00:00:05Z");
    RuntimeMessage.Builder builder = RuntimeMessage.builder(Bank.TYPE, "a", "Touch").commandId("c");

    RuntimeMessage without = builder.build();
    RuntimeMessage with = builder.deadline(at).build();

    assertThat(without.deadline()).isEmpty();
    assertThat(with.deadline()).contains(at);
    assertThat(with).isNotEqualTo(without).isEqualTo(builder.build()).hasSameHashCodeAs(builder.build());
    assertThat(with.toString()).contains("deadline=" + at);
    assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> builder.deadline(null))
        .extracting(InvalidInputException::field).isEqualTo("deadline");
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
