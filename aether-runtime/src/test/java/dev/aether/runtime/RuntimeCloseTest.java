package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.eventually;
import static dev.aether.runtime.Fixtures.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.runtime.behavior.Effect;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * {@link Runtime#close()} while a behaviour's handler is still deciding: the runtime stores nothing once the
 * handler returns (regression: close returned after the command timeout and the handler's events were
 * committed afterwards, by a runtime already closed).
 */
class RuntimeCloseTest {

  private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(200);
  private static final String STREAM = "Account/held";

  private final TestStore store = new TestStore();
  private final CountDownLatch deciding = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicBoolean interrupted = new AtomicBoolean();

  /** A command whose handler waits for the test before it persists. */
  record Hold() {}

  @Test
  void close_whileAHandlerRuns_storesNothingOnceTheHandlerReturns() throws InterruptedException {
    Runtime runtime = runtime(Runtime.builder(), false);

    CompletableFuture<CommandResult> reply = sendAndWaitUntilDeciding(runtime);
    runtime.close();
    release.countDown();

    eventually().until(() -> runtime.getActiveVMs().isEmpty()); // the held turn ended, then the VM stopped
    assertThat(rejected(reply).reason()).isEqualTo(RejectionReason.TIMEOUT);
    assertThat(store.appendCalls).as("appends after close").hasValue(0);
    assertThat(store.inner.getLatestVersion(STREAM)).isZero();
    assertThat(store.savedSnapshots).isEmpty();
  }

  @Test
  void close_withAGivenExecutor_leavesItRunning_andStoresNothingOnceTheHandlerReturns() throws InterruptedException {
    ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("given-", 0).factory());
    try {
      Runtime runtime = runtime(Runtime.builder().executor(executor), false);

      CompletableFuture<CommandResult> reply = sendAndWaitUntilDeciding(runtime);
      runtime.close();
      release.countDown();

      eventually().until(() -> runtime.getActiveVMs().isEmpty());
      assertThat(rejected(reply).reason()).isEqualTo(RejectionReason.TIMEOUT);
      assertThat(executor.isShutdown()).as("the caller's executor is shut down").isFalse();
      assertThat(interrupted).as("the caller's thread was interrupted").isFalse();
      assertThat(store.appendCalls).as("appends after close").hasValue(0);
      assertThat(store.inner.getLatestVersion(STREAM)).isZero();
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void close_interruptsAHandlerStillRunningOnTheRuntimesOwnThreads() throws InterruptedException {
    Runtime runtime = runtime(Runtime.builder(), true);

    CompletableFuture<CommandResult> reply = sendAndWaitUntilDeciding(runtime);
    runtime.close();

    eventually().untilTrue(interrupted);
    eventually().until(() -> runtime.getActiveVMs().isEmpty());
    // close() answered what was still open before it interrupted the handler, whose batch then stores nothing
    assertThat(rejected(reply).reason()).isEqualTo(RejectionReason.TIMEOUT);
    assertThat(store.appendCalls).as("appends after close").hasValue(0);
  }

  private Runtime runtime(Runtime.Builder builder, boolean stopWhenInterrupted) {
    Runtime runtime = builder.eventStore(store)
        .config(RuntimeConfig.builder().commandTimeout(COMMAND_TIMEOUT).build())
        .behavior(Bank.builder().command("Hold", Hold.class, (s, c) -> {
          deciding.countDown();
          awaitRelease(stopWhenInterrupted);
          return Effect.persist(new Bank.Opened("late"));
        }).build())
        .build();
    runtime.start();
    return runtime;
  }

  private CompletableFuture<CommandResult> sendAndWaitUntilDeciding(Runtime runtime) throws InterruptedException {
    CompletableFuture<CommandResult> reply = runtime.sendMessage(RuntimeMessage.of("Account", "held", "Hold", Map.of()));
    assertThat(deciding.await(10, TimeUnit.SECONDS)).as("the handler started").isTrue();
    return reply;
  }

  /** Waits for the test's release; an interrupt is recorded, and ends the wait when asked to. */
  private void awaitRelease(boolean stopWhenInterrupted) {
    while (true) {
      try {
        if (release.await(30, TimeUnit.SECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        interrupted.set(true);
        if (stopWhenInterrupted) {
          return;
        }
      }
    }
  }
}
