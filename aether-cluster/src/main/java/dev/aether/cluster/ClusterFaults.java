package dev.aether.cluster;

import dev.aether.support.Checks;
import java.util.function.IntPredicate;

/**
 * Fault injection for tests of a cluster in one JVM: the drills this module's own fault suite runs, for an
 * application to prove its aggregates against (what Orleans' test cluster and Akka's multi-node testkit offer).
 * Each works on an in-JVM {@link ClusterNode}; a real process can be killed or stopped instead
 * ({@code aether-testkit}'s {@code JvmProcess}). Not for production: a forced owner is a deliberate split brain.
 *
 * <p>Thread-safe, as the node is.
 */
public final class ClusterFaults {

  private ClusterFaults() {}

  /**
   * Makes {@code node} also serve the shards {@code shards} accepts, whoever owns them in the map: two owners of
   * one shard at once, as after a split brain. The store still keeps each actor's history linear (one version
   * each, every command id once; a writer that lost the race catches up and decides again) and both nodes
   * converge on it; that is what a test of this drill checks.
   *
   * <p>The node decides what reaches it directly: its {@link ClusterNode#runtime()}, and requests other senders
   * address to it; its own {@code gateway()}, like every sender and {@link AetherClient}, still routes by the
   * map, to the map's owner. Drive both owners through their runtimes. Ending the drill drains nothing at once:
   * the node's actors of those shards stay active until the next map change drains them or they passivate idle
   * (a command decided on one of them meanwhile is fenced by the store as any stale writer).
   *
   * @param node the node that takes the shards too
   * @param shards the shards it serves besides its own ({@code s -> false} ends the drill)
   * @throws dev.aether.InvalidInputException naming {@code node} or {@code shards} when null
   */
  public static void forceOwnership(ClusterNode node, IntPredicate shards) {
    Checks.notNull(node, "node").forceOwnership(Checks.notNull(shards, "shards"));
  }

  /**
   * Stops {@code node} like a crash: no handoff and no goodbye; its lease is left to expire, so the others find
   * it dead (by a probe that meets no responders, or after {@link ClusterConfig#deadAfter()}) and take its
   * shards. Close its NATS connections first to drop what it was sending too. The node cannot be used again.
   *
   * @param node the node
   * @throws dev.aether.InvalidInputException naming {@code node} when null
   */
  public static void crash(ClusterNode node) {
    Checks.notNull(node, "node").crash();
  }

  /**
   * Freezes {@code node} as a stopped process (SIGSTOP, a long GC pause) would be: no lease renewal, no
   * leadership or planning, no answers (its requests queue), no map updates seen; its actors stay as they were.
   * The others declare it dead after {@link ClusterConfig#deadAfter()}. {@link #thaw} ends it.
   *
   * @param node the node
   * @throws dev.aether.InvalidInputException naming {@code node} when null
   */
  public static void freeze(ClusterNode node) {
    Checks.notNull(node, "node").freeze();
  }

  /**
   * Ends {@link #freeze}: the node goes on from where it stopped, as after SIGCONT (it finds it lost its lease
   * and joins again as a new incarnation when it was declared dead meanwhile).
   *
   * @param node the node
   * @throws dev.aether.InvalidInputException naming {@code node} when null
   */
  public static void thaw(ClusterNode node) {
    Checks.notNull(node, "node").thaw();
  }

  /**
   * Makes the lease and map watches of {@code node} stop delivering without an error, as when the server loses a
   * watch's consumer and the client does not notice (seen once after nats-server was frozen for a few seconds):
   * the node would no longer see renewals, leaves or new maps. The node notices within about two
   * {@link ClusterConfig#deadAfter()} times (its own renewals succeed but never show) and watches again.
   *
   * @param node the node
   * @throws dev.aether.InvalidInputException naming {@code node} when null
   */
  public static void stallWatches(ClusterNode node) {
    Checks.notNull(node, "node").stallWatches();
  }
}
