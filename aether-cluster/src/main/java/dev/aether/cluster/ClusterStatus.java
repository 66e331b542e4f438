package dev.aether.cluster;

import java.util.List;

/**
 * A moment's view of the cluster as one node sees it: the map's epoch, the leader, every node with its shard and
 * active actor counts, and the moves the leader's plan has left. {@link ClusterNode#status()} returns it and
 * every node answers it as JSON on {@code <prefix>.<ns>.cluster.status} (the record's fields as JSON fields).
 *
 * @param reportedBy the node that answered
 * @param epoch the shard map's epoch (-1 before the cluster has a map)
 * @param shards the shard count (0 before the cluster has a map)
 * @param leader the leading node's id, or null while there is none
 * @param nodes every node with a lease or shards, by id
 * @param movesInProgress the shards the leader's plan has still to move: 0 when placement is settled; at least 1
 *     while the node that reports it has not seen the map the leader counted from, and while the placement of the
 *     live active members it sees differs from the map (a node joined, an owner is leaving, dead or paused)
 *     before the leader has planned those moves. The cluster is settled once every node reports 0 here and in
 *     {@code unownedShards}, at the same {@code epoch} (a member may own no shard: with few shards, or more nodes
 *     than shards)
 * @param unownedShards the shards no node owns
 */
public record ClusterStatus(String reportedBy, long epoch, int shards, String leader, List<Node> nodes,
    int movesInProgress, int unownedShards) {

  /** Copies the node list. */
  public ClusterStatus {
    nodes = List.copyOf(nodes);
  }

  /**
   * One node.
   *
   * @param id the node id
   * @param incarnation the incarnation of its lease (null for a map member without a lease)
   * @param state {@code ACTIVE} or {@code LEAVING} as its lease last said, or {@code GONE} (in the map, no lease
   *     seen for four times the dead-after time); the reporting node's own state now (it is always listed)
   * @param alive whether its lease was renewed within the dead-after time, as the reporting node saw it; for the
   *     reporting node, whether its own renewals succeeded within that time
   * @param shards how many shards it owns in the map
   * @param activeActors its active (activated, not yet passivated) actors: the reporting node's own count now,
   *     another node's as of its last lease renewal (at most a lease interval old); -1 when unknown (no lease,
   *     or a node that does not report it)
   * @param model the EventStorming model it runs, as {@code name@version} (the reporting node's now, another
   *     node's as of its last lease renewal): nodes that disagree show here, e.g. one that could not compile a
   *     model put to the cluster; null when it runs none (behaviours in Java only) or does not report it
   */
  public record Node(String id, String incarnation, String state, boolean alive, int shards, int activeActors,
      String model) {}
}
