package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Mailboxes share reused workers without starving each other: a busy actor gives way after each batch, and an
 * actor blocked in its store does not hold up the others.
 */
class DrainDispatcherTest {

  @Test
  void busyActor_givesWayAfterEachBatch_evenOnOneThread() throws Exception {
    ExecutorService single = Executors.newSingleThreadExecutor();
    CountDownLatch executorHeld = new CountDownLatch(1);
    CountDownLatch executorFree = new CountDownLatch(1);
    try (Runtime runtime = Fixtures.runtime(new TestStore()).executor(single)
        .config(RuntimeConfig.builder().groupCommitLimit(1).build()).build()) {
      runtime.start();
      accepted(runtime.sendMessage(Bank.open("busy")));
      accepted(runtime.sendMessage(Bank.open("other")));
      single.execute(() -> {
        executorHeld.countDown();
        await(executorFree);
      });
      // hold the only thread while both mailboxes fill: until then a worker still on it (the one that answered
      // the open) could take the busy mailbox and drain it alone before the other actor's command is sent
      assertThat(executorHeld.await(10, TimeUnit.SECONDS)).isTrue();
      List<CompletableFuture<CommandResult>> busy = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        busy.add(runtime.sendMessage(Bank.deposit("busy", 1)));
      }
      AtomicBoolean busyDoneFirst = new AtomicBoolean(true);
      CompletableFuture<CommandResult> other = runtime.sendMessage(Bank.deposit("other", 1))
          .whenComplete((r, e) -> busyDoneFirst.set(busy.getLast().isDone()));

      executorFree.countDown();

      accepted(other);
      busy.forEach(Fixtures::accepted);
      assertThat(busyDoneFirst).as("the other actor waited for one batch, not for the busy mailbox").isFalse();
    } finally {
      single.shutdownNow();
    }
  }

  @Test
  void actorBlockedInTheStore_doesNotHoldUpOthers() throws Exception {
    TestStore store = new TestStore();
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Runtime runtime = Fixtures.runtime(store).build()) {
      runtime.start();
      accepted(runtime.sendMessage(Bank.open("stuck")));
      store.beforeAppend = id -> {
        if (id.endsWith("stuck")) {
          held.countDown();
          await(release);
        }
      };
      CompletableFuture<CommandResult> stuck = runtime.sendMessage(Bank.deposit("stuck", 1));
      assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

      for (int a = 0; a < 20; a++) {
        accepted(runtime.sendMessage(Bank.open("free-" + a)));
        accepted(runtime.sendMessage(Bank.deposit("free-" + a, 1)));
      }

      assertThat(stuck).as("still held").isNotDone();
      release.countDown();
      accepted(stuck);
    } finally {
      release.countDown();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
