package dev.aether.cluster;

import dev.aether.runtime.ActorKey;
import dev.aether.runtime.Runtime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A node's activations that no command waits for: warm-ups of shards about to move here, remembered actors of
 * shards it gained. They run at most {@link ClusterConfig#warmupConcurrency()} at a time on the node, all of them
 * together, however many warm-ups and gained-shard batches run at once (a warm-up the leader gave up on still runs
 * while the next one starts; maps that change quickly each gain shards): a burst of replays on the shared server
 * would hold up every node's commits. A newer warm-up ends the starts of the earlier ones ({@link #warmUp}).
 * Thread-safe.
 */
final class BackgroundActivations {

  private final Runtime runtime;
  private final Semaphore slots;
  /** Counts the warm-ups begun; only the newest starts activations. */
  private final AtomicLong warmUps = new AtomicLong();

  BackgroundActivations(Runtime runtime, int concurrency) {
    this.runtime = runtime;
    this.slots = new Semaphore(concurrency);
  }

  /**
   * Starts a warm-up's activations as {@link #start} does, and ends the starts of every earlier warm-up: a
   * leader sends a node one warm-up at a time, so a newer one means the earlier was given up (the leader planned
   * again, or another node leads now), and its actors would only take slots from the one that counts.
   *
   * @param streams the hot actors' stream ids
   * @param deadlineNanos a {@link System#nanoTime()} after which none starts
   * @return the activations started, as {@link #start}
   * @throws InterruptedException when the caller is interrupted while waiting for a slot
   */
  Map<String, CompletableFuture<?>> warmUp(List<String> streams, long deadlineNanos) throws InterruptedException {
    long mine = warmUps.incrementAndGet();
    return start(streams, deadlineNanos, stream -> warmUps.get() == mine);
  }

  /**
   * Starts activating the actors in order, each once a slot of the node is free; none after the deadline, and
   * none that {@code wanted} refuses when its turn comes. Returns once the last one has started.
   *
   * @param streams the actors' stream ids
   * @param deadlineNanos a {@link System#nanoTime()} after which none starts
   * @param wanted whether an actor is still to be activated, asked before and after it waits for a slot
   * @return the activations started, by stream id in the order started, each complete when its actor is active
   *     (or failed: a type this node has no behaviour for, a store that does not answer)
   * @throws InterruptedException when the caller is interrupted while waiting for a slot (those started go on)
   */
  Map<String, CompletableFuture<?>> start(List<String> streams, long deadlineNanos, Predicate<String> wanted)
      throws InterruptedException {
    Map<String, CompletableFuture<?>> started = new LinkedHashMap<>();
    for (String stream : streams) {
      if (!wanted.test(stream)) {
        continue;
      }
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0 || !slots.tryAcquire(left, TimeUnit.NANOSECONDS)) {
        break;
      }
      CompletableFuture<?> activation;
      try {
        if (!wanted.test(stream)) { // changed while it waited (a newer warm-up, a shard gone)
          slots.release();
          continue;
        }
        activation = runtime.createVM(ActorKey.fromStreamId(stream));
      } catch (RuntimeException e) { // an id of no known type, a closed runtime: this one fails, the rest go on
        activation = CompletableFuture.failedFuture(e);
      }
      activation.whenComplete((vm, failure) -> slots.release());
      started.put(stream, activation);
    }
    return started;
  }

  /** @return how many callers wait for a slot now (for tests) */
  int waiting() {
    return slots.getQueueLength();
  }
}
