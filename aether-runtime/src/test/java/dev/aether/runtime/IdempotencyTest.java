package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static dev.aether.runtime.Fixtures.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.event.ActorSnapshot;
import dev.aether.event.Event;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IdempotencyTest {

  private final TestStore store = new TestStore();
  private Runtime runtime = started(Fixtures.runtime(store));

  private static Runtime started(Runtime.Builder builder) {
    Runtime r = builder.build();
    r.start();
    return r;
  }

  @AfterEach
  void close() {
    runtime.close();
  }

  @Test
  void repeatedCommandId_returnsTheFirstOutcome_andStoresNothing() {
    accepted(runtime.sendMessage(Bank.open("i1")));
    CommandResult.Accepted first = accepted(runtime.sendMessage(Bank.deposit("i1", 10, "pay-1")));

    CommandResult.Accepted again = accepted(runtime.sendMessage(Bank.deposit("i1", 10, "pay-1")));

    assertThat(again.duplicate()).isTrue();
    assertThat(again.newVersion()).isEqualTo(first.newVersion());
    assertThat(again.events()).isEqualTo(first.events());
    assertThat(store.events("Account/i1")).hasSize(2);
    assertThat(state("i1")).containsEntry("balance", 10L);
  }

  /**
   * Found by a drill on a 3-server NATS cluster: right after a frozen replica came back, it answered the read of a
   * resent command's events from before them, and the applied command was answered STORE_FAILED (never resend).
   */
  @Test
  void repeatedCommandId_whoseEventsTheStoreReadsDoNotReachYet_isAnUnknownOutcome_thenTheFirstOutcome() {
    accepted(runtime.sendMessage(Bank.open("i11")));
    CommandResult.Accepted first = accepted(runtime.sendMessage(Bank.deposit("i11", 10, "pay-11")));
    store.rangeReadsEndAt = first.newVersion() - 1;

    assertThat(runtime.sendMessage(Bank.deposit("i11", 10, "pay-11")).join())
        .isInstanceOfSatisfying(CommandResult.Rejected.class, r -> {
          assertThat(r.reason()).isEqualTo(RejectionReason.OUTCOME_UNKNOWN);
          assertThat(r.reason().isTransient()).isTrue();
          assertThat(r.message()).contains("pay-11").contains("resend with the same command id");
        });
    store.rangeReadsEndAt = Long.MAX_VALUE;
    CommandResult.Accepted again = accepted(runtime.sendMessage(Bank.deposit("i11", 10, "pay-11")));
    assertThat(again.duplicate()).isTrue();
    assertThat(again.events()).isEqualTo(first.events());
    assertThat(store.events("Account/i11")).hasSize(2);
  }

  @Test
  void repeatedCommandId_readsBackOnlyTheFirstOutcomesEvents_notTheHistoryAfterThem() {
    accepted(runtime.sendMessage(Bank.open("i10")));
    CommandResult.Accepted first = accepted(runtime.sendMessage(Bank.deposit("i10", 10, "pay-10")));
    for (int i = 0; i < 5; i++) {
      accepted(runtime.sendMessage(Bank.deposit("i10", 1, "later-" + i)));
    }

    CommandResult.Accepted again = accepted(runtime.sendMessage(Bank.deposit("i10", 10, "pay-10")));

    assertThat(again.duplicate()).isTrue();
    assertThat(again.events()).isEqualTo(first.events());
    assertThat(store.rangeReads).containsExactly(List.of(first.newVersion(), first.newVersion()));
  }

  @Test
  void repeatedCommandId_withinOneBatch_isAppliedOnce() {
    accepted(runtime.sendMessage(Bank.open("i2")));
    CompletableFuture<CommandResult> a = runtime.sendMessage(Bank.deposit("i2", 5, "same"));
    CompletableFuture<CommandResult> b = runtime.sendMessage(Bank.deposit("i2", 5, "same"));

    CommandResult.Accepted ra = accepted(a);
    CommandResult.Accepted rb = accepted(b);

    assertThat(ra.newVersion()).isEqualTo(rb.newVersion());
    assertThat(ra.duplicate() ^ rb.duplicate()).isTrue();
    assertThat(store.events("Account/i2")).hasSize(2);
  }

  @Test
  void repeatedCommandIds_inOneBatch_withEqualHashCodes_areAppliedOnceEach() throws Exception {
    assertThat("Aa".hashCode()).as("the ids collide").isEqualTo("BB".hashCode());
    accepted(runtime.sendMessage(Bank.open("i9")));
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    store.beforeAppend = id -> {
      store.beforeAppend = x -> {};
      held.countDown();
      awaitQuietly(release);
    };
    CompletableFuture<CommandResult> first = runtime.sendMessage(Bank.deposit("i9", 1, "first"));
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
    List<CompletableFuture<CommandResult>> batch = List.of("Aa", "BB", "Aa", "BB", "Cc", "Aa").stream()
        .map(id -> runtime.sendMessage(Bank.deposit("i9", 10, id))).toList(); // queued behind the held commit
    release.countDown();

    accepted(first);
    List<CommandResult.Accepted> results = batch.stream().map(Fixtures::accepted).toList();

    assertThat(results).extracting(CommandResult.Accepted::duplicate)
        .containsExactly(false, false, true, true, false, true);
    assertThat(results.get(2).newVersion()).isEqualTo(results.get(0).newVersion());
    assertThat(results.get(3).newVersion()).isEqualTo(results.get(1).newVersion());
    assertThat(results.get(5).events()).isEqualTo(results.get(0).events());
    assertThat(store.events("Account/i9")).extracting(e -> e.commandId().orElseThrow())
        .hasSize(5).endsWith("first", "Aa", "BB", "Cc");
    assertThat(state("i9")).containsEntry("balance", 31L);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void repeatedCommandId_afterPassivation_returnsTheFirstOutcome() {
    accepted(runtime.sendMessage(Bank.open("i3")));
    CommandResult.Accepted first = accepted(runtime.sendMessage(Bank.deposit("i3", 7, "pay-3")));
    assertThat(join(runtime.stopVM(ActorKey.of("Account", "i3")))).isTrue();
    assertThat(store.savedSnapshots).isNotEmpty();

    CommandResult.Accepted again = accepted(runtime.sendMessage(Bank.deposit("i3", 7, "pay-3")));

    assertThat(again.duplicate()).isTrue();
    assertThat(again.events()).isEqualTo(first.events());
    assertThat(store.events("Account/i3")).hasSize(2);
  }

  @Test
  void repeatedCommandId_afterRestart_withSnapshots_returnsTheFirstOutcome() {
    accepted(runtime.sendMessage(Bank.open("i4")));
    accepted(runtime.sendMessage(RuntimeMessage.builder("Account", "i4", "Touch").commandId("touch-1").build()));
    CommandResult.Accepted first = accepted(runtime.sendMessage(Bank.deposit("i4", 9, "pay-4")));
    runtime.close();

    runtime = started(Fixtures.runtime(store));
    CommandResult.Accepted again = accepted(runtime.sendMessage(Bank.deposit("i4", 9, "pay-4")));
    CommandResult.Accepted touchAgain = accepted(runtime.sendMessage(
        RuntimeMessage.builder("Account", "i4", "Touch").commandId("touch-1").build()));

    assertThat(again.duplicate()).isTrue();
    assertThat(again.events()).isEqualTo(first.events());
    assertThat(touchAgain.duplicate()).isTrue();
    assertThat(touchAgain.newVersion()).isEqualTo(1);
    assertThat(store.events("Account/i4")).hasSize(2);
  }

  @Test
  void repeatedCommandId_afterRestart_withoutSnapshots_isFoundInTheReplayedEvents() {
    runtime.close();
    runtime = started(Fixtures.runtime(store).withoutSnapshots());
    accepted(runtime.sendMessage(Bank.open("i5")));
    CommandResult.Accepted first = accepted(runtime.sendMessage(Bank.deposit("i5", 4, "pay-5")));
    runtime.close();

    runtime = started(Fixtures.runtime(store).withoutSnapshots());
    CommandResult.Accepted again = accepted(runtime.sendMessage(Bank.deposit("i5", 4, "pay-5")));

    assertThat(again.duplicate()).isTrue();
    assertThat(again.newVersion()).isEqualTo(first.newVersion());
    assertThat(store.events("Account/i5")).hasSize(2);
    assertThat(store.savedSnapshots).isEmpty();
  }

  @Test
  void rejectedCommand_isNotRemembered_soItCanSucceedLater() {
    accepted(runtime.sendMessage(Bank.open("i6")));
    RuntimeMessage withdraw = RuntimeMessage.builder("Account", "i6", "Withdraw").payload(Map.of("amount", 5))
        .commandId("w-1").build();
    assertThat(Fixtures.rejected(runtime.sendMessage(withdraw)).reason()).isEqualTo(RejectionReason.BUSINESS_RULE);
    accepted(runtime.sendMessage(Bank.deposit("i6", 5)));

    CommandResult.Accepted retried = accepted(runtime.sendMessage(withdraw));

    assertThat(retried.duplicate()).isFalse();
    assertThat(state("i6")).containsEntry("balance", 0L);
  }

  @Test
  void window_isBounded_oldestIdsAreForgotten() {
    runtime.close();
    runtime = started(Fixtures.runtime(store).config(RuntimeConfig.builder().idempotencyWindow(3).build()));
    accepted(runtime.sendMessage(Bank.open("i7")));
    for (int i = 1; i <= 4; i++) {
      accepted(runtime.sendMessage(Bank.deposit("i7", 1, "d-" + i)));
    }

    assertThat(accepted(runtime.sendMessage(Bank.deposit("i7", 1, "d-4"))).duplicate()).isTrue();
    assertThat(accepted(runtime.sendMessage(Bank.deposit("i7", 1, "d-1"))).duplicate()).isFalse();
  }

  @Test
  void repeatedCommandIds_afterActivation_fromASnapshotInTheFormerTupleForm_returnTheFirstOutcomes() {
    runtime.close();
    runtime = started(Fixtures.runtime(store).withoutSnapshots());
    String payId = UUID.randomUUID().toString();
    accepted(runtime.sendMessage(Bank.open("i8")));
    CommandResult.Accepted first = accepted(runtime.sendMessage(Bank.deposit("i8", 8, payId)));
    runtime.close();
    Event last = store.events("Account/i8").getLast();
    Map<String, Object> envelope = Map.of("state", Map.of("open", true, "owner", "owner-of-i8", "balance", 8L),
        "recentCommands", List.of(List.of(payId, 2L, 2L), List.of("touch-8", 3L, 2L)), "lastEventId", last.id());
    store.inner.saveSnapshot(new ActorSnapshot("Account/i8", 2, envelope, Instant.now(),
        "aether.rt1:" + Bank.behavior().schema()));

    runtime = started(Fixtures.runtime(store));
    CommandResult.Accepted again = accepted(runtime.sendMessage(Bank.deposit("i8", 8, payId)));
    CommandResult.Accepted touchAgain = accepted(runtime.sendMessage(
        RuntimeMessage.builder("Account", "i8", "Touch").commandId("touch-8").build()));

    assertThat(again.duplicate()).isTrue();
    assertThat(again.events()).isEqualTo(first.events());
    assertThat(touchAgain.duplicate()).as("remembered only by the snapshot").isTrue();
    assertThat(store.events("Account/i8")).hasSize(2);
  }

  @Test
  void repeatedUuidAndTextIds_afterRestart_withSnapshots_returnTheFirstOutcomes_andUppercaseIsAnotherId() {
    String payId = UUID.randomUUID().toString();
    accepted(runtime.sendMessage(Bank.open("i9")));
    accepted(runtime.sendMessage(RuntimeMessage.builder("Account", "i9", "Touch").commandId(payId + "-t").build()));
    CommandResult.Accepted first = accepted(runtime.sendMessage(Bank.deposit("i9", 9, payId)));
    runtime.close();
    assertThat(store.savedSnapshots).isNotEmpty();

    runtime = started(Fixtures.runtime(store));
    CommandResult.Accepted again = accepted(runtime.sendMessage(Bank.deposit("i9", 9, payId)));
    CommandResult.Accepted touchAgain = accepted(runtime.sendMessage(
        RuntimeMessage.builder("Account", "i9", "Touch").commandId(payId + "-t").build()));
    CommandResult.Accepted upper = accepted(runtime.sendMessage(Bank.deposit("i9", 1,
        payId.toUpperCase(Locale.ROOT))));

    assertThat(again.duplicate()).isTrue();
    assertThat(again.events()).isEqualTo(first.events());
    assertThat(touchAgain.duplicate()).isTrue();
    assertThat(upper.duplicate()).isFalse();
    assertThat(state("i9")).containsEntry("balance", 10L);
  }

  private Map<String, Object> state(String id) {
    return runtime.registry().get(ActorKey.of("Account", id)).orElseThrow().getState();
  }
}
