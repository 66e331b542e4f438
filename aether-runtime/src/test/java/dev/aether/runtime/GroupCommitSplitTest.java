package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static dev.aether.runtime.Fixtures.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.runtime.behavior.Effect;
import dev.aether.runtime.behavior.JavaBehavior;
import dev.aether.store.InMemoryEventStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 §2: group commit never fails a command that fits on its own. Commands queued for one actor are
 * stored in as few commits as the store's commit size limit allows; only a command whose own events exceed
 * it is refused ({@code TOO_LARGE}, with its size and the limit), and a failure caused by one command stays
 * with it.
 */
class GroupCommitSplitTest {

  static final long LIMIT = 4_000;

  record DocState(long writes, long chars) {}

  record Write(String text) {}

  record Written(String text) {}

  record Noop() {}

  static JavaBehavior<DocState> doc() {
    return JavaBehavior.builder("Doc", DocState.class, new DocState(0, 0))
        .command("Write", Write.class, (s, c) -> Effect.persist(new Written(c.text())))
        .command("Noop", Noop.class, (s, c) -> Effect.none())
        .event("Written", Written.class, (s, e) -> new DocState(s.writes() + 1, s.chars() + e.text().length()))
        .build();
  }

  static RuntimeMessage write(String id, String text) {
    return RuntimeMessage.of("Doc", id, "Write", Map.of("text", text));
  }

  private final TestStore store = new TestStore(InMemoryEventStore.builder().maxCommitBytes(LIMIT).build());
  private final CountDownLatch gate = new CountDownLatch(1);
  private final CountDownLatch appendStarted = new CountDownLatch(1);
  private Runtime runtime;

  @AfterEach
  void close() {
    gate.countDown();
    runtime.close();
  }

  private void start() {
    runtime = Runtime.builder().eventStore(store).behavior(doc()).build();
    runtime.start();
  }

  /** Sends a first command and holds its append, so that the next commands queue up behind it as one group. */
  private CompletableFuture<CommandResult> holdFirst(String id) throws InterruptedException {
    store.beforeAppend = actor -> {
      store.beforeAppend = x -> {};
      appendStarted.countDown();
      await(gate);
    };
    CompletableFuture<CommandResult> first = runtime.sendMessage(write(id, "first"));
    assertThat(appendStarted.await(10, TimeUnit.SECONDS)).isTrue();
    return first;
  }

  private List<Event> stored(String id) {
    return store.events("Doc/" + id);
  }

  @Test
  void queuedCommands_aboveTheLimitTogether_areAllStored_inSeveralCommits() throws Exception {
    start();
    CompletableFuture<CommandResult> first = holdFirst("many");
    List<CompletableFuture<CommandResult>> replies = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      replies.add(runtime.sendMessage(write("many", i + "-" + "x".repeat(600))));
    }
    gate.countDown();

    accepted(first);
    List<Long> versions = replies.stream().map(r -> accepted(r).newVersion()).toList();
    assertThat(versions).containsExactlyElementsOf(LongStream.rangeClosed(2, 11).boxed().toList());
    List<Integer> group = store.commitSizes.subList(1, store.commitSizes.size()); // after the held first commit
    assertThat(group).hasSizeGreaterThan(1).allMatch(size -> size < 10);
    assertThat(group.stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
    assertThat(stored("many")).extracting(Event::version).containsExactlyElementsOf(
        LongStream.rangeClosed(1, 11).boxed().toList());
    assertThat(runtime.registry().get(ActorKey.of("Doc", "many")).orElseThrow().getState())
        .containsEntry("writes", 11L);
  }

  @Test
  void oneCommandTooLargeOnItsOwn_isRefusedWithItsSizeAndTheLimit_andItsNeighboursAreStored() throws Exception {
    start();
    CompletableFuture<CommandResult> first = holdFirst("mixed");
    List<CompletableFuture<CommandResult>> before = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      before.add(runtime.sendMessage(write("mixed", "b" + i + "-" + "x".repeat(600))));
    }
    CompletableFuture<CommandResult> huge = runtime.sendMessage(write("mixed", "huge-" + "y".repeat(5_000)));
    List<CompletableFuture<CommandResult>> after = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      after.add(runtime.sendMessage(write("mixed", "a" + i + "-" + "x".repeat(600))));
    }
    gate.countDown();

    accepted(first);
    CommandResult.Rejected refused = rejected(huge);
    assertThat(refused.reason()).isEqualTo(RejectionReason.TOO_LARGE);
    assertThat(refused.isTransient()).isFalse();
    assertThat(refused.message()).containsPattern("take \\d{4,} bytes").contains("limit of " + LIMIT);
    assertThat(before.stream().map(r -> accepted(r).newVersion())).containsExactly(2L, 3L, 4L);
    assertThat(after.stream().map(r -> accepted(r).newVersion())).containsExactly(5L, 6L, 7L);
    assertThat(stored("mixed")).extracting(Event::version).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    assertThat(stored("mixed")).noneMatch(e -> String.valueOf(e.data().get("text")).startsWith("huge-"));
    assertThat(runtime.registry().get(ActorKey.of("Doc", "mixed")).orElseThrow().getState())
        .containsEntry("writes", 7L);
  }

  @Test
  void aCommandTooLargeAlone_isRefusedNonTransiently_andNothingIsStored() {
    start();

    CommandResult.Rejected refused = rejected(runtime.sendMessage(write("alone", "z".repeat(5_000))));

    assertThat(refused.reason()).isEqualTo(RejectionReason.TOO_LARGE);
    assertThat(refused.message()).contains("limit of " + LIMIT);
    assertThat(stored("alone")).isEmpty();
    assertThat(accepted(runtime.sendMessage(write("alone", "small"))).newVersion()).isEqualTo(1);
  }

  @Test
  void aStoreFailureCausedByOneCommand_rejectsOnlyThatCommand() throws Exception {
    start();
    CompletableFuture<CommandResult> first = holdFirst("poison");
    store.beforeAppendEvents = events -> {
      if (events.stream().anyMatch(e -> "poison".equals(e.data().get("text")))) {
        throw new InvalidInputException("events", "the store refuses the poison event");
      }
    };
    CompletableFuture<CommandResult> ok1 = runtime.sendMessage(write("poison", "ok-1"));
    CompletableFuture<CommandResult> bad = runtime.sendMessage(write("poison", "poison"));
    CompletableFuture<CommandResult> ok2 = runtime.sendMessage(write("poison", "ok-2"));
    gate.countDown();

    accepted(first);
    CommandResult.Rejected refused = rejected(bad);
    assertThat(refused.reason()).isEqualTo(RejectionReason.STORE_FAILED);
    assertThat(refused.message()).contains("poison");
    assertThat(accepted(ok1).newVersion()).isEqualTo(2);
    assertThat(accepted(ok2).newVersion()).isEqualTo(3);
    assertThat(stored("poison")).extracting(e -> e.data().get("text")).containsExactly("first", "ok-1", "ok-2");
  }

  @Test
  void aStoreFailureOfTheOnlyCommandWithEvents_doesNotRejectACommandWithoutEvents() throws Exception {
    start();
    CompletableFuture<CommandResult> first = holdFirst("noop");
    store.beforeAppendEvents = events -> {
      if (events.stream().anyMatch(e -> "poison".equals(e.data().get("text")))) {
        throw new InvalidInputException("events", "the store refuses the poison event");
      }
    };
    CompletableFuture<CommandResult> bad = runtime.sendMessage(write("noop", "poison"));
    CompletableFuture<CommandResult> noop = runtime.sendMessage(RuntimeMessage.of("Doc", "noop", "Noop", Map.of()));
    gate.countDown();

    accepted(first);
    assertThat(rejected(bad).message()).contains("poison");
    assertThat(accepted(noop).newVersion()).isEqualTo(1);
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
