package dev.aether.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.runtime.MailboxItem.QueuedCommand;
import dev.aether.support.TimeoutWheel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The timing wheel of command timeouts, driven by a manual clock and scheduler: an entry expires at its
 * deadline rounded up to the resolution (never before), at most once, never after completion, and leaves
 * nothing behind.
 */
class TimeoutWheelTest {

  private final ManualTime time = new ManualTime();
  private final TimeoutWheel timeouts = new TimeoutWheel(time, time::schedule);

  /** An entry that counts its expiries and, like a reply, completes once. */
  private static final class Probe extends TimeoutWheel.Entry {
    final CompletableFuture<String> reply = new CompletableFuture<>();
    final AtomicInteger expiries = new AtomicInteger();

    @Override
    protected void expire() {
      expiries.incrementAndGet();
      reply.complete("timeout");
    }

    @Override
    protected void expireOnClose() {
      expiries.incrementAndGet();
      reply.complete("closed");
    }

    void complete() {
      reply.complete("done");
      cancel();
    }
  }

  private Probe register(long inMillis) {
    Probe probe = new Probe();
    timeouts.register(probe, time.millis() + inMillis);
    return probe;
  }

  @Test
  void entry_expiresAtItsDeadline_notBefore() {
    Probe probe = register(2_000);

    time.advance(Duration.ofMillis(1_999));
    assertThat(probe.reply).as("before the deadline").isNotDone();
    time.advance(Duration.ofMillis(1));

    assertThat(probe.reply).isCompletedWithValue("timeout");
    assertThat(probe.expiries).hasValue(1);
  }

  @Test
  void deadlineBetweenTicks_expiresAtTheNextTick() {
    Probe probe = register(25);

    time.advance(Duration.ofMillis(29));
    assertThat(probe.reply).as("never early, rounded up to the resolution").isNotDone();
    time.advance(Duration.ofMillis(1));

    assertThat(probe.reply).isCompletedWithValue("timeout");
  }

  @Test
  void deadlineBeyondOneTurnOfTheWheel_doesNotExpireEarly() {
    Probe probe = register(3_600_000);

    time.advance(Duration.ofMillis(3_599_999));
    assertThat(probe.reply).isNotDone();
    time.advance(Duration.ofMillis(1));

    assertThat(probe.reply).isCompletedWithValue("timeout");
  }

  @Test
  void completedBeforeTheTick_neverExpires_andNoTickStaysScheduled() {
    Probe probe = register(100);
    probe.complete();

    time.advance(Duration.ofSeconds(1));

    assertThat(probe.reply).isCompletedWithValue("done");
    assertThat(probe.expiries).hasValue(0);
    assertThat(timeouts.filed()).isZero();
    assertThat(time.pendingTasks()).as("an idle wheel holds no tick").isZero();
  }

  @Test
  void completedAfterBeingFiled_leavesTheWheelAtTheNextTick() {
    Probe probe = register(5_000);
    time.advance(Duration.ofMillis(TimeoutWheel.DRAIN_MILLIS));
    assertThat(timeouts.filed()).isEqualTo(1);

    probe.complete();
    time.advance(Duration.ofMillis(TimeoutWheel.DRAIN_MILLIS));

    assertThat(timeouts.filed()).as("no reference kept after completion").isZero();
    time.advance(Duration.ofSeconds(10));
    assertThat(probe.expiries).hasValue(0);
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void manyEntries_eachExpiresOnce_atItsOwnDeadline() {
    List<Probe> probes = new ArrayList<>();
    for (int i = 1; i <= 1_000; i++) {
      probes.add(register(i * 7L));
    }

    for (int i = 1; i <= 1_000; i++) {
      time.advance(Duration.ofMillis(7));
      long now = i * 7L;
      for (int p = 0; p < probes.size(); p++) {
        long deadline = (p + 1) * 7L;
        boolean due = Math.ceilDiv(deadline, TimeoutWheel.RESOLUTION_MILLIS) * TimeoutWheel.RESOLUTION_MILLIS <= now;
        assertThat(probes.get(p).reply.isDone()).as("probe %d at %d ms", p, now).isEqualTo(due);
      }
    }
    assertThat(probes).allSatisfy(p -> assertThat(p.expiries).hasValue(1));
    assertThat(timeouts.filed()).isZero();
  }

  @Test
  void completionRacingTheTick_completesEachReplyOnce() throws Exception {
    List<Probe> probes = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      probes.add(register(1 + i % 50));
    }
    Thread completer = Thread.ofPlatform().start(() -> probes.forEach(Probe::complete));
    for (int i = 0; i < 10; i++) {
      time.advance(Duration.ofMillis(10));
    }
    completer.join();
    time.advance(Duration.ofMillis(100));

    for (Probe probe : probes) {
      assertThat(probe.reply).isDone();
      assertThat(probe.expiries.get()).as("expired at most once").isLessThanOrEqualTo(1);
      if ("timeout".equals(probe.reply.getNow(null))) {
        assertThat(probe.expiries).hasValue(1);
      }
    }
    assertThat(timeouts.filed()).isZero();
  }

  @Test
  void pendingEntriesFarFromTheirDeadlines_costATickPerDrainInterval_notPerResolution() {
    AtomicInteger ticks = new AtomicInteger();
    TimeoutWheel counted = new TimeoutWheel(time, (tick, delay) -> time.schedule(() -> {
      ticks.incrementAndGet();
      tick.run();
    }, delay));
    Probe inFlight = null;
    for (int ms = 0; ms < 1_000; ms++) { // one reply at a time, each answered within a millisecond
      if (inFlight != null) {
        inFlight.complete();
      }
      inFlight = new Probe();
      counted.register(inFlight, time.millis() + 30_000);
      time.advance(Duration.ofMillis(1));
    }

    assertThat(ticks.get()).as("ticks in one second").isBetween(9, 11);
    assertThat(inFlight.reply).isNotDone();
  }

  @Test
  void anEarlyDeadline_registeredWhileALaterTickIsScheduled_expiresOnTime() {
    Probe late = register(5_000); // schedules a tick a drain interval away
    Probe early = register(25);

    time.advance(Duration.ofMillis(29));
    assertThat(early.reply).isNotDone();
    time.advance(Duration.ofMillis(1));

    assertThat(early.reply).isCompletedWithValue("timeout");
    assertThat(late.reply).isNotDone();
    time.advance(Duration.ofMillis(4_970));
    assertThat(late.reply).isCompletedWithValue("timeout");
  }

  @Test
  void aDeadlineWithinTheDrainInterval_ofAFiledEntry_isTickedAtItsDeadline() {
    Probe first = register(150);
    time.advance(Duration.ofMillis(TimeoutWheel.DRAIN_MILLIS)); // filed; due in 50 ms, before the next drain tick
    assertThat(timeouts.filed()).isEqualTo(1);

    time.advance(Duration.ofMillis(49));
    assertThat(first.reply).isNotDone();
    time.advance(Duration.ofMillis(1));

    assertThat(first.reply).isCompletedWithValue("timeout");
    assertThat(time.pendingTasks()).as("nothing pending, no tick").isZero();
  }

  @Test
  void close_expiresEveryPendingEntry_andOneRegisteredAfterwardsAtOnce() {
    Probe filed = register(5_000);
    time.advance(Duration.ofMillis(TimeoutWheel.DRAIN_MILLIS));
    Probe incoming = register(5_000);
    Probe done = register(5_000);
    done.complete();

    timeouts.close();
    Probe late = register(5_000);

    assertThat(filed.reply).isCompletedWithValue("closed");
    assertThat(incoming.reply).isCompletedWithValue("closed");
    assertThat(late.reply).isCompletedWithValue("closed");
    assertThat(done.reply).isCompletedWithValue("done");
    assertThat(done.expiries).hasValue(0);
    assertThat(timeouts.filed()).isZero();
  }

  @Test
  void aCommandDecidedWhileTheTickIsStillExpiringIt_isAnsweredByTheTimeout() throws Exception {
    Stall stall = registerStall();
    QueuedCommand command = registerCommand();

    Thread tick = Thread.ofPlatform().start(() -> time.advance(Duration.ofMillis(10)));
    stall.awaitExpiring(); // the tick expired both entries and completes the first one now
    assertThat(command.reply()).as("expired, not yet completed by the tick").isNotDone();
    decideLate(command);

    assertThat(command.reply()).as("the timeout came first").isCompletedWithValueMatching(r ->
        r instanceof CommandResult.Rejected rejected && rejected.reason() == RejectionReason.TIMEOUT
            && rejected.message().startsWith("no outcome within"));
    stall.resume();
    tick.join();
  }

  @Test
  void aCommandDecidedWhileCloseIsStillExpiringIt_isAnsweredByTheClose() throws Exception {
    Stall stall = registerStall();
    QueuedCommand command = registerCommand();

    Thread closing = Thread.ofPlatform().start(timeouts::close);
    stall.awaitExpiring();
    assertThat(command.reply()).as("expired, not yet completed by the close").isNotDone();
    decideLate(command);

    assertThat(command.reply()).as("the close came first").isCompletedWithValueMatching(r ->
        r instanceof CommandResult.Rejected rejected && rejected.reason() == RejectionReason.TIMEOUT
            && rejected.message().startsWith("the runtime closed"));
    stall.resume();
    closing.join();
  }

  /** An entry due in 10 ms whose expiry waits for the test: the entries expired with it wait to be completed. */
  private Stall registerStall() {
    Stall stall = new Stall();
    timeouts.register(stall, time.millis() + 10);
    return stall;
  }

  /** Registers a command due in 10 ms, after the stall: it is completed after it. */
  private QueuedCommand registerCommand() {
    QueuedCommand command = new QueuedCommand(RuntimeMessage.of("Account", "a", "Open", Map.of()),
        new CompletableFuture<>(), Duration.ofMillis(10), QueuedCommand.Limit.TIMEOUT, false);
    timeouts.register(command, time.millis() + 10);
    return command;
  }

  /** The command's batch comes back after its timeout, from a runtime that closed meanwhile. */
  private static void decideLate(QueuedCommand command) {
    command.complete(CommandResult.Rejected.of(command.message().commandId(), RejectionReason.NOT_RUNNING,
        "the runtime closed before the events were stored"));
  }

  private static final class Stall extends TimeoutWheel.Entry {
    private final CountDownLatch expiring = new CountDownLatch(1);
    private final CountDownLatch resume = new CountDownLatch(1);

    @Override
    protected void expire() {
      expiring.countDown();
      try {
        resume.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    protected void expireOnClose() {
      expire();
    }

    void awaitExpiring() throws InterruptedException {
      assertThat(expiring.await(10, TimeUnit.SECONDS)).as("the wheel expires the stall").isTrue();
    }

    void resume() {
      resume.countDown();
    }
  }
}
