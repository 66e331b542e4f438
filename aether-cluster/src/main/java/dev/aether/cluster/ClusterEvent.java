package dev.aether.cluster;

import java.util.Map;
import java.util.Optional;

/**
 * A change of the cluster as one node sees it, told to the {@link ClusterListener}s added to that node ({@link
 * ClusterNode#addListener}). A member is one incarnation of a node id: a node that joins again (a restart, or after
 * it was taken for dead) is a new member, {@link MemberRemoved} for the old incarnation first.
 *
 * <p>A member's life: {@link MemberUp} once it is seen renewing its lease; {@link MemberLeaving} when it leaves
 * gracefully (it hands its shards off); {@link MemberUnreachable} when its lease has not been renewed within
 * {@code deadAfter} (paused, partitioned, or crashed and not yet proven dead), {@link MemberReachable} when it
 * renews again as the same incarnation; {@link MemberRemoved} when its incarnation ends (it left, or its lease was
 * deleted by a node that proved it dead or took it for dead). {@link LeaderChanged} follows the leader key, {@link
 * PlacementChanged} the shard map and the leader's plan. Derived from what the node's watches show, so nodes may
 * see the same change at slightly different times, and a change undone before the node looked again is not told.
 */
public sealed interface ClusterEvent {

  /**
   * A member is up: it renews its lease.
   *
   * @param nodeId the node's id
   * @param incarnation this incarnation's id
   */
  record MemberUp(String nodeId, String incarnation) implements ClusterEvent {}

  /**
   * A member leaves gracefully: it hands its shards to the others, then deletes its lease.
   *
   * @param nodeId the node's id
   * @param incarnation the leaving incarnation
   */
  record MemberLeaving(String nodeId, String incarnation) implements ClusterEvent {}

  /**
   * A member has not renewed its lease within {@code deadAfter}; its shards move once the leader finds it dead.
   *
   * @param nodeId the node's id
   * @param incarnation the silent incarnation
   */
  record MemberUnreachable(String nodeId, String incarnation) implements ClusterEvent {}

  /**
   * A member that was unreachable renews its lease again, as the same incarnation.
   *
   * @param nodeId the node's id
   * @param incarnation the incarnation, as before
   */
  record MemberReachable(String nodeId, String incarnation) implements ClusterEvent {}

  /**
   * A member's incarnation ended: it left, or it was found dead and its lease deleted (a node that comes back
   * joins as a new member).
   *
   * @param nodeId the node's id
   * @param incarnation the incarnation that ended
   */
  record MemberRemoved(String nodeId, String incarnation) implements ClusterEvent {}

  /**
   * The leader changed.
   *
   * @param leader the node that leads now, or empty while none does (commands go on without one)
   */
  record LeaderChanged(Optional<String> leader) implements ClusterEvent {}

  /**
   * A new shard map (shards moved), or a new count of the moves to come, as {@link ClusterStatus#movesInProgress}
   * counts them: a plan began, a member came or went (at least 1 before the leader planned it), or the plan ended
   * ({@code movesInProgress} 0: placement settled).
   *
   * @param epoch the map's epoch
   * @param shardsPerNode how many shards each node owns in it (nodes owning none are not listed)
   * @param movesInProgress the moves still to come ({@link ClusterStatus#movesInProgress})
   */
  record PlacementChanged(long epoch, Map<String, Integer> shardsPerNode, int movesInProgress)
      implements ClusterEvent {
    /** Copies the counts (immutable). */
    public PlacementChanged {
      shardsPerNode = Map.copyOf(shardsPerNode);
    }
  }
}
