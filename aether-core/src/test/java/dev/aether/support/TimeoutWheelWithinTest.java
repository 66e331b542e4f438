package dev.aether.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** {@link TimeoutWheel#within}: a future's timeout on a wheel, by hand-driven time and on the shared wheel. */
class TimeoutWheelWithinTest {

  private final HandClock clock = new HandClock();
  private final List<Runnable> ticks = new ArrayList<>();
  private final TimeoutWheel wheel = new TimeoutWheel(clock, (tick, delay) -> ticks.add(tick));

  @Test
  void aFutureStillPending_failsWithATimeout_atItsDeadlineAndNotBefore() {
    CompletableFuture<String> future = wheel.within(new CompletableFuture<>(), 100);

    advanceAndTick(90);
    assertThat(future).isNotDone();
    advanceAndTick(10);

    assertThat(future).isCompletedExceptionally();
    assertThatThrownBy(future::join).hasCauseInstanceOf(TimeoutException.class).hasMessageContaining("100 ms");
  }

  @Test
  void aFutureCompletedInTime_keepsItsResult_andLeavesTheWheel() {
    CompletableFuture<String> future = wheel.within(new CompletableFuture<>(), 1_000);
    advanceAndTick(TimeoutWheel.DRAIN_MILLIS); // filed in its slot
    assertThat(wheel.filed()).isEqualTo(1);

    future.complete("done");
    advanceAndTick(2_000);

    assertThat(future).isCompletedWithValue("done");
    assertThat(wheel.filed()).isZero();
  }

  @Test
  void aTimeoutBelowOneMillisecond_isRefused() {
    assertThatThrownBy(() -> wheel.within(new CompletableFuture<>(), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeoutMillis");
  }

  @Test
  void theSharedWheel_timesOutOnItsOwnThread() throws Exception {
    CompletableFuture<String> future = TimeoutWheel.shared().within(new CompletableFuture<>(), 20);

    assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TimeoutException.class);
  }

  private void advanceAndTick(long millis) {
    clock.now = clock.now.plusMillis(millis);
    List<Runnable> due = new ArrayList<>(ticks);
    ticks.clear();
    due.forEach(Runnable::run);
  }

  private static final class HandClock extends Clock {
    Instant now = Instant.ofEpochMilli(1_000_000);

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  @Test
  void theSharedWheelsThread_isADaemon_thatKeepsNothingOfTheThreadThatStartedIt() throws Exception {
    ClassLoader application = new java.net.URLClassLoader(new java.net.URL[0], null);
    InheritableThreadLocal<Object> request = new InheritableThreadLocal<>();
    AtomicReference<Object> inherited = new AtomicReference<>("not run");
    AtomicReference<Thread> started = new AtomicReference<>();
    Thread user = new Thread(() -> {
      request.set(new Object()); // an application's value, of its class loader
      started.set(TimeoutWheel.sharedTickThread(() -> inherited.set(request.get())));
    });
    user.setContextClassLoader(application); // a web application's thread uses the wheel first
    user.start();
    user.join();
    Thread tick = started.get();
    tick.start();
    tick.join();

    assertThat(tick.isDaemon()).isTrue();
    assertThat(tick.getName()).isEqualTo("aether-timeouts");
    assertThat(tick.getContextClassLoader()).isSameAs(TimeoutWheel.class.getClassLoader());
    assertThat(inherited.get()).as("the inheritable thread-local of the thread that started it").isNull();
  }
}
