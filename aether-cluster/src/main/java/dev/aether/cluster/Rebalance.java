package dev.aether.cluster;

import java.util.Arrays;

/**
 * The placement step behind {@link ShardMap#next}: from the owners of the previous map to the owners for a new
 * member set, moving as few shards as the ring and the load cap allow. Passes over the shards, each in
 * ascending shard order, so the result depends only on the previous owners and the member set:
 * <ol>
 *   <li><b>keep</b>: a shard stays with its owner while the owner is a member;
 *   <li><b>claim</b>: a node that joined takes the shards whose ring first choice it is (plain consistent
 *       hashing's share of a join), while below the cap: first those of nodes above the cap (the cap falls when
 *       nodes join), then the others, as long as the joiners keep room for the excess still left on the nodes
 *       above the cap;
 *   <li><b>shed</b>: a node still above the cap gives up its excess: first shards whose first choice it is not,
 *       then others, highest shard first;
 *   <li><b>place</b>: a shed shard goes to a joiner below the cap (the first on the ring from the shard's point),
 *       else, like every shard without an owner (a leaver's), to the first node below the cap on the ring.
 * </ol>
 * So a single join moves at most one node's capacity (what the joiner ends up owning), a leave moves exactly
 * the leaver's shards (the cap can only rise, nothing is shed), and from the empty map (every node a joiner) the
 * passes are plain consistent hashing with bounded loads. Stateless.
 */
final class Rebalance {

  private static final int NONE = -1;
  private static final int SHED = -2;

  private Rebalance() {}

  /**
   * Owners for the ring's nodes.
   *
   * @param ring the new members' ring
   * @param previousNodes the previous members, sorted
   * @param previousOwners index into {@code previousNodes} per shard, or -1
   * @param capacity the most shards per node (with the ring's node count, at least the shard count in total)
   * @return index into the ring's nodes per shard, or -1 for every shard when the ring is empty
   */
  static int[] owners(HashRing ring, String[] previousNodes, int[] previousOwners, int capacity) {
    int[] owners = new int[previousOwners.length];
    if (ring.size() == 0) {
      Arrays.fill(owners, NONE);
      return owners;
    }
    int[] load = new int[ring.size()];
    boolean[] joined = keep(ring, previousNodes, previousOwners, owners, load);
    claim(ring, joined, owners, load, capacity, true);
    claim(ring, joined, owners, load, capacity, false);
    shed(ring, owners, load, capacity);
    place(ring, joined, owners, load, capacity);
    return owners;
  }

  /** Pass 1; returns which of the ring's nodes were not previous members. */
  private static boolean[] keep(HashRing ring, String[] previousNodes, int[] previousOwners, int[] owners,
      int[] load) {
    int[] remap = new int[previousNodes.length];
    boolean[] joined = new boolean[ring.size()];
    Arrays.fill(joined, true);
    for (int p = 0; p < previousNodes.length; p++) {
      remap[p] = Math.max(NONE, Arrays.binarySearch(ring.nodesArray(), previousNodes[p]));
      if (remap[p] != NONE) {
        joined[remap[p]] = false;
      }
    }
    for (int s = 0; s < owners.length; s++) {
      owners[s] = previousOwners[s] == NONE ? NONE : remap[previousOwners[s]];
      if (owners[s] != NONE) {
        load[owners[s]]++;
      }
    }
    return joined;
  }

  /** Pass 2, first from nodes above the cap (and unowned shards), then from the rest while room allows. */
  private static void claim(HashRing ring, boolean[] joined, int[] owners, int[] load, int capacity,
      boolean fromFullOnly) {
    int excess = fromFullOnly ? 0 : excess(load, joined, capacity);
    int room = fromFullOnly ? 0 : room(load, joined, capacity);
    for (int s = 0; s < owners.length; s++) {
      int first = ring.firstChoiceIndex(s);
      int owner = owners[s];
      if (!joined[first] || owner == first || load[first] >= capacity) {
        continue;
      }
      boolean relieves = owner == NONE || load[owner] > capacity;
      if (fromFullOnly ? relieves : (relieves || room - 1 >= excess)) {
        excess -= owner != NONE && load[owner] > capacity ? 1 : 0;
        room--;
        move(s, first, owners, load);
      }
    }
  }

  private static void shed(HashRing ring, int[] owners, int[] load, int capacity) {
    for (int node = 0; node < load.length; node++) {
      for (int pass = 0; pass < 2 && load[node] > capacity; pass++) {
        for (int s = owners.length - 1; s >= 0 && load[node] > capacity; s--) {
          if (owners[s] == node && (pass == 1 || ring.firstChoiceIndex(s) != node)) {
            owners[s] = SHED;
            load[node]--;
          }
        }
      }
    }
  }

  private static void place(HashRing ring, boolean[] joined, int[] owners, int[] load, int capacity) {
    for (int s = 0; s < owners.length; s++) {
      if (owners[s] == SHED && room(load, joined, capacity) > 0) {
        move(s, ring.walk(s, load, capacity, joined), owners, load);
      } else if (owners[s] < 0) {
        move(s, ring.walk(s, load, capacity, null), owners, load);
      }
    }
  }

  private static void move(int shard, int to, int[] owners, int[] load) {
    if (owners[shard] >= 0) {
      load[owners[shard]]--;
    }
    owners[shard] = to;
    load[to]++;
  }

  /** The shards above the cap on nodes that did not join. */
  private static int excess(int[] load, boolean[] joined, int capacity) {
    int excess = 0;
    for (int node = 0; node < load.length; node++) {
      excess += joined[node] ? 0 : Math.max(0, load[node] - capacity);
    }
    return excess;
  }

  /** The shards the joiners can still take. */
  private static int room(int[] load, boolean[] joined, int capacity) {
    int room = 0;
    for (int node = 0; node < load.length; node++) {
      room += joined[node] ? Math.max(0, capacity - load[node]) : 0;
    }
    return room;
  }
}
