package dev.aether.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.api.PublishAck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The completion thread that settles asynchronous commits: answers are settled on it, once; deadlines expire
 * within about the sweep interval; {@link CommitCompletions#close()} expires what still waits and ends the
 * thread; after it, answers and tracked commits are settled on the caller's thread.
 */
class CommitCompletionsTest {

  private static final Duration SHORT_TIMEOUT = Duration.ofMillis(40);
  private static final Duration FAR = Duration.ofMinutes(1);
  /** Far above the few milliseconds anything here should take, for a noisy machine. */
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  private final String threadName = "commit-completions-test-" + UUID.randomUUID();
  private final List<CommitCompletions> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(CommitCompletions::close);
  }

  @Test
  void theSweepInterval_isAnEighthOfTheTimeout_between1And50Millis() {
    assertThat(new CommitCompletions("t", Duration.ofMillis(40)).sweepInterval())
        .isEqualTo(TimeUnit.MILLISECONDS.toNanos(5));
    assertThat(new CommitCompletions("t", Duration.ofMillis(2)).sweepInterval())
        .isEqualTo(TimeUnit.MILLISECONDS.toNanos(1));
    assertThat(new CommitCompletions("t", Duration.ofSeconds(30)).sweepInterval())
        .isEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
  }

  @Test
  void anAnswer_isSettledOnTheCompletionThread_once() throws InterruptedException {
    CommitCompletions completions = open(SHORT_TIMEOUT);
    RecordingFlight flight = RecordingFlight.dueIn(FAR);
    completions.track(flight);
    IllegalStateException error = new IllegalStateException("refused");
    // when: the answer is delivered from another thread, as jnats' reply thread would
    Thread replier = Thread.ofPlatform().name("fake-jnats-reply").start(() -> completions.deliver(flight, null, error));
    replier.join();
    // then: settled with that answer, on the completion thread, not on the delivering one
    Settlement settlement = flight.awaitSettlement();
    assertThat(settlement.kind()).isEqualTo(Kind.ANSWERED);
    assertThat(settlement.ack()).isNull();
    assertThat(settlement.error()).isSameAs(error);
    assertThat(settlement.thread()).isEqualTo(threadName);
    // and once: neither later flights' answers nor the close settle it again
    settleOneMore(completions);
    completions.close();
    assertThat(flight.settlements()).isEqualTo(1);
  }

  @Test
  void aFlightWhoseDeadlinePasses_expiresWithinAboutTheSweepInterval_andALateAnswerIsIgnored() {
    CommitCompletions completions = open(SHORT_TIMEOUT);
    // given: a flight with the short timeout and no answer
    RecordingFlight flight = RecordingFlight.dueIn(SHORT_TIMEOUT);
    completions.track(flight);
    // then: it expires (not closing) on the completion thread, not before its deadline, and soon after it
    Settlement settlement = flight.awaitSettlement();
    assertThat(settlement.kind()).isEqualTo(Kind.EXPIRED);
    assertThat(settlement.thread()).isEqualTo(threadName);
    long lateNanos = settlement.at() - flight.deadline;
    assertThat(lateNanos).isNotNegative();
    // roughly the sweep interval (5 ms); generous for a noisy machine, far below "never"
    assertThat(TimeUnit.NANOSECONDS.toMillis(lateNanos)).isLessThan(2_000);
    // when: its answer arrives late
    completions.deliver(flight, null, new IllegalStateException("late"));
    settleOneMore(completions);
    // then: it is ignored
    assertThat(flight.settlements()).isEqualTo(1);
    assertThat(flight.settlement().kind()).isEqualTo(Kind.EXPIRED);
  }

  @Test
  void anAnswerBeforeItsDeadline_meansItNeverExpires() {
    CommitCompletions completions = open(SHORT_TIMEOUT);
    // given: a flight answered right away, long before its deadline
    RecordingFlight flight = RecordingFlight.dueIn(Duration.ofSeconds(1));
    completions.track(flight);
    completions.deliver(flight, null, new IllegalStateException("answer"));
    assertThat(flight.awaitSettlement().kind()).isEqualTo(Kind.ANSWERED);
    // when: its deadline passes (a flight tracked after it, due just after it and never answered, expires)
    RecordingFlight later = new RecordingFlight(flight.deadline + TimeUnit.MILLISECONDS.toNanos(1));
    completions.track(later);
    assertThat(later.awaitSettlement().kind()).isEqualTo(Kind.EXPIRED);
    // then: the answered flight was not expired
    assertThat(flight.settlements()).isEqualTo(1);
    assertThat(flight.settlement().kind()).isEqualTo(Kind.ANSWERED);
  }

  @Test
  void flightsAnsweredOutOfOrderBehindAnUnansweredHead_settlePromptly() {
    CommitCompletions completions = open(SHORT_TIMEOUT);
    // given: a head that is never answered (due in a minute) and three flights behind it
    RecordingFlight head = RecordingFlight.dueIn(FAR);
    completions.track(head);
    List<RecordingFlight> behind = List.of(RecordingFlight.dueIn(FAR), RecordingFlight.dueIn(FAR),
        RecordingFlight.dueIn(FAR));
    behind.forEach(completions::track);
    // when: they are answered in reverse order
    for (RecordingFlight flight : behind.reversed()) {
      completions.deliver(flight, null, new IllegalStateException("answer"));
    }
    // then: each settles at once, on the completion thread, while the head still waits
    for (RecordingFlight flight : behind) {
      Settlement settlement = flight.awaitSettlement();
      assertThat(settlement.kind()).isEqualTo(Kind.ANSWERED);
      assertThat(settlement.thread()).isEqualTo(threadName);
    }
    assertThat(head.settlements()).isZero();
    // and the head expires with the close
    completions.close();
    assertThat(head.awaitSettlement().kind()).isEqualTo(Kind.EXPIRED_CLOSING);
    assertThat(behind).allSatisfy(flight -> assertThat(flight.settlements()).isEqualTo(1));
  }

  @Test
  void close_expiresEveryWaitingFlightAsClosing_andEndsTheThread() throws InterruptedException {
    CommitCompletions completions = open(SHORT_TIMEOUT);
    // given: three flights due in a minute, one of them answered
    List<RecordingFlight> waiting = List.of(RecordingFlight.dueIn(FAR), RecordingFlight.dueIn(FAR));
    RecordingFlight answered = RecordingFlight.dueIn(FAR);
    completions.track(waiting.get(0));
    completions.track(answered);
    completions.track(waiting.get(1));
    completions.deliver(answered, null, new IllegalStateException("answer"));
    assertThat(answered.awaitSettlement().kind()).isEqualTo(Kind.ANSWERED);
    Thread thread = completionThread().orElseThrow();
    assertThat(thread.isAlive()).isTrue();
    // when
    completions.close();
    // then: the waiting flights expire as closing, long before their deadline, each once
    for (RecordingFlight flight : waiting) {
      assertThat(flight.awaitSettlement().kind()).isEqualTo(Kind.EXPIRED_CLOSING);
    }
    // and the thread ends
    assertThat(thread.join(PROMPTLY)).as("the completion thread ended").isTrue();
    assertThat(waiting).allSatisfy(flight -> assertThat(flight.settlements()).isEqualTo(1));
    assertThat(answered.settlements()).isEqualTo(1);
    // and closing again changes nothing
    completions.close();
    assertThat(waiting).allSatisfy(flight -> assertThat(flight.settlements()).isEqualTo(1));
  }

  @Test
  void anAnswerDeliveredAfterClose_isSettledInlineOnTheDeliveringThread() throws InterruptedException {
    CommitCompletions completions = open(SHORT_TIMEOUT);
    // given: a closed instance whose thread ran and ended, with a flight it expired
    RecordingFlight expired = RecordingFlight.dueIn(FAR);
    completions.track(expired);
    Thread thread = completionThread().orElseThrow();
    completions.close();
    assertThat(thread.join(PROMPTLY)).isTrue();
    assertThat(expired.awaitSettlement().kind()).isEqualTo(Kind.EXPIRED_CLOSING);
    // when: answers are delivered after the close
    RecordingFlight flight = RecordingFlight.dueIn(FAR);
    IllegalStateException error = new IllegalStateException("answer");
    completions.deliver(flight, null, error);
    completions.deliver(expired, null, new IllegalStateException("late"));
    // then: settled before deliver returned, on the delivering thread
    assertThat(flight.settlements()).isEqualTo(1);
    Settlement settlement = flight.settlement();
    assertThat(settlement.kind()).isEqualTo(Kind.ANSWERED);
    assertThat(settlement.error()).isSameAs(error);
    assertThat(settlement.thread()).isEqualTo(Thread.currentThread().getName());
    // and the answer of the flight expired by the close is ignored
    assertThat(expired.settlements()).isEqualTo(1);
    assertThat(expired.settlement().kind()).isEqualTo(Kind.EXPIRED_CLOSING);
  }

  @Test
  void aFlightTrackedAfterClose_expiresAsClosing_withoutStartingTheThread() {
    CommitCompletions completions = open(SHORT_TIMEOUT);
    completions.close();
    // when
    RecordingFlight flight = RecordingFlight.dueIn(FAR);
    completions.track(flight);
    // then: expired before track returned, on the caller's thread
    assertThat(flight.settlements()).isEqualTo(1);
    assertThat(flight.settlement().kind()).isEqualTo(Kind.EXPIRED_CLOSING);
    assertThat(flight.settlement().thread()).isEqualTo(Thread.currentThread().getName());
    assertThat(completionThread()).isEmpty();
  }

  @Test
  void anExceptionThrownWhileSettlingAFlight_doesNotStopTheCompletionThread() {
    CommitCompletions completions = open(SHORT_TIMEOUT);
    // given: flights whose answer or expiry throws, a RuntimeException or an Error
    RecordingFlight throwingAnswer = RecordingFlight.dueIn(FAR).throwing(new IllegalStateException("boom"));
    RecordingFlight throwingError = RecordingFlight.dueIn(FAR).throwing(new AssertionError("boom"));
    RecordingFlight throwingExpiry = RecordingFlight.dueIn(SHORT_TIMEOUT).throwing(new IllegalStateException("boom"));
    completions.track(throwingAnswer);
    completions.track(throwingError);
    completions.track(throwingExpiry);
    completions.deliver(throwingAnswer, null, new IllegalStateException("answer"));
    completions.deliver(throwingError, null, new IllegalStateException("answer"));
    assertThat(throwingAnswer.awaitSettlement().kind()).isEqualTo(Kind.ANSWERED);
    assertThat(throwingError.awaitSettlement().kind()).isEqualTo(Kind.ANSWERED);
    assertThat(throwingExpiry.awaitSettlement().kind()).isEqualTo(Kind.EXPIRED);
    // when: later flights are answered or expire
    RecordingFlight answered = RecordingFlight.dueIn(FAR);
    RecordingFlight expiring = RecordingFlight.dueIn(SHORT_TIMEOUT);
    completions.track(answered);
    completions.track(expiring);
    completions.deliver(answered, null, new IllegalStateException("answer"));
    // then: both are settled on the completion thread
    Settlement answer = answered.awaitSettlement();
    assertThat(answer.kind()).isEqualTo(Kind.ANSWERED);
    assertThat(answer.thread()).isEqualTo(threadName);
    Settlement expiry = expiring.awaitSettlement();
    assertThat(expiry.kind()).isEqualTo(Kind.EXPIRED);
    assertThat(expiry.thread()).isEqualTo(threadName);
    assertThat(List.of(throwingAnswer, throwingError, throwingExpiry))
        .allSatisfy(flight -> assertThat(flight.settlements()).isEqualTo(1));
  }

  @Test
  void eachFlightIsSettledExactlyOnce_whenAnswersRaceTheirDeadlinesAndTheClose() throws InterruptedException {
    CommitCompletions completions = open(SHORT_TIMEOUT);
    int count = 4_000;
    List<RecordingFlight> flights = new ArrayList<>();
    BlockingQueue<RecordingFlight> published = new LinkedBlockingQueue<>();
    RecordingFlight end = RecordingFlight.dueIn(FAR);
    // given: flights due within 0-3 ms, answered by another thread shortly after they are tracked
    Thread replier = Thread.ofPlatform().name("fake-jnats-reply").start(() -> {
      try {
        for (RecordingFlight flight; (flight = published.take()) != end; ) {
          if (ThreadLocalRandom.current().nextInt(8) == 0) {
            Thread.onSpinWait();
            Thread.yield();
          }
          completions.deliver(flight, null, new IllegalStateException("answer"));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    for (int i = 0; i < count; i++) {
      RecordingFlight flight =
          new RecordingFlight(System.nanoTime() + ThreadLocalRandom.current().nextLong(TimeUnit.MILLISECONDS.toNanos(3)));
      flights.add(flight);
      completions.track(flight);
      published.add(flight);
      if (i == count * 3 / 4) {
        // when: the instance closes while flights are still being tracked and answered
        completions.close();
      }
    }
    published.add(end);
    assertThat(replier.join(PROMPTLY)).as("the replier ended").isTrue();
    // then: every flight was settled, by its answer or its deadline or the close, exactly once
    await().atMost(PROMPTLY).until(() -> flights.stream().allMatch(RecordingFlight::isSettled));
    assertThat(flights).allSatisfy(flight -> assertThat(flight.settlements()).isEqualTo(1));
    assertThat(flights.subList(count * 3 / 4 + 1, count))
        .allSatisfy(flight -> assertThat(flight.settlement().kind()).isEqualTo(Kind.EXPIRED_CLOSING));
  }

  private CommitCompletions open(Duration timeout) {
    CommitCompletions completions = new CommitCompletions(threadName, timeout);
    opened.add(completions);
    return completions;
  }

  /**
   * Tracks and answers one more flight and waits for it: the completion thread handles answers in order, so
   * every answer delivered before has been handled too.
   */
  private static void settleOneMore(CommitCompletions completions) {
    RecordingFlight marker = RecordingFlight.dueIn(FAR);
    completions.track(marker);
    completions.deliver(marker, null, new IllegalStateException("marker"));
    assertThat(marker.awaitSettlement().kind()).isEqualTo(Kind.ANSWERED);
  }

  private Optional<Thread> completionThread() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().equals(threadName) && thread.isAlive())
        .findFirst();
  }

  enum Kind { ANSWERED, EXPIRED, EXPIRED_CLOSING }

  /**
   * How a flight was settled.
   *
   * @param at {@link System#nanoTime()} when it was settled
   */
  record Settlement(Kind kind, PublishAck ack, Throwable error, String thread, long at) {}

  /** A flight that records every settlement, and may throw after recording it. */
  private static final class RecordingFlight extends CommitCompletions.Flight {

    private final AtomicInteger settlements = new AtomicInteger();
    private final CompletableFuture<Settlement> first = new CompletableFuture<>();
    private Throwable thrown;

    RecordingFlight(long deadline) {
      super(deadline);
    }

    static RecordingFlight dueIn(Duration timeout) {
      return new RecordingFlight(System.nanoTime() + timeout.toNanos());
    }

    RecordingFlight throwing(Throwable thrown) {
      this.thrown = thrown;
      return this;
    }

    @Override
    void answer(PublishAck ack, Throwable error) {
      record(Kind.ANSWERED, ack, error);
    }

    @Override
    void expire(boolean closing) {
      record(closing ? Kind.EXPIRED_CLOSING : Kind.EXPIRED, null, null);
    }

    private void record(Kind kind, PublishAck ack, Throwable error) {
      long at = System.nanoTime();
      settlements.incrementAndGet();
      first.complete(new Settlement(kind, ack, error, Thread.currentThread().getName(), at));
      if (thrown instanceof RuntimeException e) {
        throw e;
      }
      if (thrown instanceof Error e) {
        throw e;
      }
    }

    int settlements() {
      return settlements.get();
    }

    boolean isSettled() {
      return first.isDone();
    }

    /** The first settlement; fails when there is none yet. */
    Settlement settlement() {
      assertThat(first).as("settled").isDone();
      return first.join();
    }

    Settlement awaitSettlement() {
      await().atMost(PROMPTLY).until(first::isDone);
      return first.join();
    }
  }
}
