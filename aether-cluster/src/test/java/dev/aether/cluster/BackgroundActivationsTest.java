package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.runtime.ActorKey;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.behavior.Effect;
import dev.aether.runtime.behavior.EventHandler;
import dev.aether.runtime.behavior.JavaBehavior;
import dev.aether.runtime.spi.Behavior;
import dev.aether.store.InMemoryEventStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link BackgroundActivations}: the node's bound holds across every caller at once (two warm-ups, or a warm-up
 * and remembered actors), and an activation that fails frees its slot. Replays held in the behaviour's event
 * handler show how many run at once.
 */
class BackgroundActivationsTest {

  record Account(long balance) {}

  record Deposit(long amount) {}

  record Deposited(long amount) {}

  private final InMemoryEventStore store = InMemoryEventStore.create();
  private final AtomicInteger replaying = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();
  private final Semaphore replays = new Semaphore(0);
  private Runtime runtime;

  private static Behavior<Account> account(EventHandler<Account, Deposited> onDeposited) {
    return JavaBehavior.builder("Account", Account.class, new Account(0))
        .command("Deposit", Deposit.class, (s, c) -> Effect.persist(new Deposited(c.amount())))
        .event("Deposited", Deposited.class, onDeposited)
        .build();
  }

  /** Stores one deposit for each actor, then opens a runtime whose replays wait for {@link #replays}. */
  private List<String> storedActors(int count) {
    List<String> streams = new ArrayList<>();
    try (Runtime writer = Runtime.builder().eventStore(store).withoutSnapshots() // replays the events
        .behavior(account((s, e) -> new Account(s.balance() + e.amount()))).build()) {
      writer.start();
      for (int i = 0; i < count; i++) {
        writer.sendMessage(RuntimeMessage.of("Account", "a" + i, "Deposit", Map.of("amount", 5))).join();
        streams.add(ActorKey.of("Account", "a" + i).streamId());
      }
    }
    runtime = Runtime.builder().eventStore(store).withoutSnapshots().behavior(account((s, e) -> {
      mostAtOnce.accumulateAndGet(replaying.incrementAndGet(), Math::max);
      replays.acquireUninterruptibly();
      replaying.decrementAndGet();
      return new Account(s.balance() + e.amount());
    })).build();
    runtime.start();
    return streams;
  }

  @AfterEach
  void close() {
    replays.release(1_000);
    if (runtime != null) {
      runtime.close();
    }
    store.close();
  }

  @Test
  void twoCallersAtOnce_shareTheNodesSlots() throws Exception {
    List<String> streams = storedActors(8);
    BackgroundActivations activations = new BackgroundActivations(runtime, 2);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<CompletableFuture<Map<String, CompletableFuture<?>>>> callers = new ArrayList<>();
    for (List<String> half : List.of(streams.subList(0, 4), streams.subList(4, 8))) {
      callers.add(onVirtualThread(() -> activations.start(half, deadline, stream -> true)));
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> replaying.get() >= 2);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).untilAsserted(() ->
        assertThat(replaying.get()).as("replays at once while six wait, both callers together").isEqualTo(2));
    replays.release(8);
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (CompletableFuture<Map<String, CompletableFuture<?>>> caller : callers) {
      all.addAll(caller.get(10, TimeUnit.SECONDS).values());
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

    assertThat(all).hasSize(8);
    assertThat(mostAtOnce.get()).as("replays at once, both callers together").isEqualTo(2);
    assertThat(runtime.registry().snapshot()).hasSize(8);
  }

  @Test
  void aNewerWarmUp_endsTheStartsOfTheEarlierOne() throws Exception {
    List<String> streams = storedActors(6);
    BackgroundActivations activations = new BackgroundActivations(runtime, 1);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    CompletableFuture<Map<String, CompletableFuture<?>>> given =
        onVirtualThread(() -> activations.warmUp(streams.subList(0, 3), deadline));
    await().atMost(Duration.ofSeconds(10)).until(() -> replaying.get() == 1 // the first one's first actor,
        && activations.waiting() == 1); // and its second waits for the slot
    CompletableFuture<Map<String, CompletableFuture<?>>> newer =
        onVirtualThread(() -> activations.warmUp(streams.subList(3, 6), deadline));
    // both wait for the one slot now: the first one's second actor, and the newer one's first
    await().atMost(Duration.ofSeconds(10)).until(() -> activations.waiting() >= 2);
    replays.release(1_000);

    assertThat(given.get(10, TimeUnit.SECONDS).keySet()).as("the earlier warm-up, given up").containsExactly(
        streams.get(0));
    Map<String, CompletableFuture<?>> started = newer.get(10, TimeUnit.SECONDS);
    assertThat(started.keySet()).containsExactlyElementsOf(streams.subList(3, 6));
    CompletableFuture.allOf(started.values().toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    assertThat(runtime.registry().snapshot()).hasSize(4);
  }

  /** Runs a caller that blocks (waits for slots) on a virtual thread of its own. */
  private static <T> CompletableFuture<T> onVirtualThread(Callable<T> caller) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        result.complete(caller.call());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  @Test
  void unwantedActorsAreSkipped_failedActivationsFreeTheirSlot_andNoneStartsAfterTheDeadline() throws Exception {
    List<String> streams = storedActors(2);
    replays.release(1_000);
    BackgroundActivations activations = new BackgroundActivations(runtime, 1);
    List<String> asked = List.of("Nobody/x", "Nobody/y", streams.get(0), streams.get(1));

    Map<String, CompletableFuture<?>> started = activations.start(asked,
        System.nanoTime() + Duration.ofSeconds(30).toNanos(), stream -> !stream.equals(streams.get(1)));

    assertThat(started.keySet()).containsExactly("Nobody/x", "Nobody/y", streams.get(0));
    assertThat(started.get("Nobody/x")).isCompletedExceptionally();
    started.get(streams.get(0)).get(10, TimeUnit.SECONDS);
    assertThat(activations.start(List.of(streams.get(1)), System.nanoTime() - 1, stream -> true)).isEmpty();
  }
}
