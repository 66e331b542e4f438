package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static dev.aether.runtime.Fixtures.eventually;
import static dev.aether.runtime.Fixtures.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.event.Event;
import dev.aether.store.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

  private final TestStore store = new TestStore();
  private Runtime runtime;

  @AfterEach
  void close() {
    runtime.close();
  }

  private void start(int groupCommitLimit) {
    runtime = Fixtures.runtime(store)
        .config(RuntimeConfig.builder().groupCommitLimit(groupCommitLimit).build()).build();
    runtime.start();
  }

  /** Holds the next append of the actor until {@link #release}, so that commands queue up behind it. */
  private final CountDownLatch gate = new CountDownLatch(1);
  private final CountDownLatch appendStarted = new CountDownLatch(1);

  private void holdNextAppend() {
    store.beforeAppend = id -> {
      store.beforeAppend = x -> {};
      appendStarted.countDown();
      await(gate);
    };
  }

  @Test
  void concurrentSenders_toOneActor_shareCommits_andEveryReplyFollowsItsCommit() throws Exception {
    start(64);
    accepted(runtime.sendMessage(Bank.open("hot")));
    holdNextAppend();
    CompletableFuture<CommandResult> first = runtime.sendMessage(Bank.deposit("hot", 1));
    await(appendStarted);
    List<CompletableFuture<CommandResult>> replies = sendConcurrently("hot", 50);

    assertThat(replies).noneMatch(CompletableFuture::isDone);
    assertThat(first).isNotDone();
    int commitsBefore = store.commits.get();
    gate.countDown();

    accepted(first);
    replies.forEach(Fixtures::accepted);
    assertThat(store.commits.get() - commitsBefore).isEqualTo(2);
    assertThat(store.commitSizes.subList(store.commitSizes.size() - 2, store.commitSizes.size()))
        .containsExactly(1, 50);
    assertThat(store.events("Account/hot")).extracting(Event::version)
        .containsExactlyElementsOf(range(1, 52));
    assertThat(replies.stream().map(f -> ((CommandResult.Accepted) join(f)).newVersion()).distinct().count())
        .isEqualTo(50);
  }

  @Test
  void groupCommit_isBoundedByTheLimit() throws Exception {
    start(10);
    accepted(runtime.sendMessage(Bank.open("bounded")));
    holdNextAppend();
    CompletableFuture<CommandResult> first = runtime.sendMessage(Bank.deposit("bounded", 1));
    await(appendStarted);
    List<CompletableFuture<CommandResult>> replies = new ArrayList<>();
    for (int i = 0; i < 45; i++) {
      replies.add(runtime.sendMessage(Bank.deposit("bounded", 1)));
    }
    store.commitSizes.clear();
    gate.countDown();

    accepted(first);
    replies.forEach(Fixtures::accepted);
    assertThat(store.commitSizes).containsExactly(1, 10, 10, 10, 10, 5);
  }

  @Test
  void rejectedCommand_inABatch_doesNotStopTheOthers() throws Exception {
    start(64);
    accepted(runtime.sendMessage(Bank.open("mixed")));
    holdNextAppend();
    CompletableFuture<CommandResult> first = runtime.sendMessage(Bank.deposit("mixed", 10));
    await(appendStarted);
    CompletableFuture<CommandResult> ok1 = runtime.sendMessage(Bank.withdraw("mixed", 4));
    CompletableFuture<CommandResult> tooMuch = runtime.sendMessage(Bank.withdraw("mixed", 7));
    CompletableFuture<CommandResult> ok2 = runtime.sendMessage(Bank.withdraw("mixed", 6));
    store.commitSizes.clear();
    gate.countDown();

    accepted(first);
    assertThat(accepted(ok1).newVersion()).isEqualTo(3);
    assertThat(Fixtures.rejected(tooMuch).reason()).isEqualTo(RejectionReason.BUSINESS_RULE);
    assertThat(accepted(ok2).newVersion()).isEqualTo(4);
    assertThat(store.commitSizes).containsExactly(1, 2);
    assertThat(runtime.registry().get(ActorKey.of("Account", "mixed")).orElseThrow().getState())
        .containsEntry("balance", 0L);
  }

  @Test
  void rejection_decidedAfterTheEventsOfAFailedCommit_isAnsweredWithTheFailure_notAsABusinessRule() throws Exception {
    // regression: a failed commit rejected only the commands with events, so a command of the same batch
    // refused on the state after them (events never stored) kept a final "insufficient funds"
    start(64);
    accepted(runtime.sendMessage(Bank.open("unstored")));
    accepted(runtime.sendMessage(Bank.deposit("unstored", 10)));
    holdNextAppend();
    CompletableFuture<CommandResult> first = runtime.sendMessage(Bank.deposit("unstored", 1));
    await(appendStarted);
    CompletableFuture<CommandResult> debit = runtime.sendMessage(Bank.withdraw("unstored", 8, "debit"));
    CompletableFuture<CommandResult> refused = runtime.sendMessage(Bank.withdraw("unstored", 8, "refused"));
    AtomicInteger appends = new AtomicInteger();
    store.beforeAppendEvents = events -> {
      if (appends.incrementAndGet() == 2) {
        throw new StoreUnavailableException("store down", null);
      }
    };
    gate.countDown();

    accepted(first);
    assertThat(Fixtures.rejected(debit).reason()).isEqualTo(RejectionReason.STORE_UNAVAILABLE);
    CommandResult.Rejected unconfirmed = Fixtures.rejected(refused);
    assertThat(unconfirmed.reason()).isEqualTo(RejectionReason.STORE_UNAVAILABLE);
    assertThat(unconfirmed.isTransient()).isTrue();
    assertThat(store.events("Account/unstored")).hasSize(3);

    assertThat(accepted(runtime.sendMessage(Bank.withdraw("unstored", 8, "refused"))).newVersion()).isEqualTo(4);
  }

  @Test
  void groupCommitLimitOfOne_commitsEachCommandAlone() throws Exception {
    start(1);
    accepted(runtime.sendMessage(Bank.open("single")));
    List<CompletableFuture<CommandResult>> replies = sendConcurrently("single", 20);
    replies.forEach(Fixtures::accepted);

    assertThat(store.commitSizes).allMatch(size -> size == 1).hasSize(21);
  }

  private List<CompletableFuture<CommandResult>> sendConcurrently(String actor, int senders) throws Exception {
    List<CompletableFuture<CommandResult>> replies = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < senders; i++) {
        pool.execute(() -> {
          await(go);
          replies.add(runtime.sendMessage(Bank.deposit(actor, 1)));
        });
      }
      go.countDown();
    }
    eventually().until(() -> replies.size() == senders);
    return new ArrayList<>(replies);
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long v = from; v <= to; v++) {
      out.add(v);
    }
    return out;
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
