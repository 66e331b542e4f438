package dev.aether.cluster;

import dev.aether.InvalidInputException;
import dev.aether.support.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Who owns which shard: the cluster's shard map, one value in one KV key, written only by compare-and-set and
 * watched by every node. It holds the {@link Shards} (fixed), the {@link PlacementConfig}, an <b>epoch</b> that
 * only grows (each {@link #next} adds one), the members (sorted node ids) and one owner per shard (a member, or
 * none while the cluster has no members).
 *
 * <p>{@link #next(Collection)} plans the map for a new member set with as few moves as the ring and the load cap
 * allow (see the module README): it is a function of this map and the member set only, so every node that
 * plans from the same map gets the same result. {@link #movesTo} lists what changes between two maps;
 * {@link #encode()} and {@link #decode(byte[])} are the KV value's form (versioned JSON, node ids interned in
 * a table and owners as indexes: 4,053 bytes for 1024 shards on 100 nodes {@code node-0 .. node-99}, 7,461
 * with 41-character ids).
 *
 * <p>Ownership is for speed, not safety: the store fences every commit, so a stale or even conflicting map
 * costs retries, never a corrupt history.
 *
 * <p>An immutable value with value equality; thread-safe.
 */
public final class ShardMap {

  /** The encoding's format number, written first in every encoded map. */
  public static final int FORMAT = 1;

  /** The most bytes an encoded map may have: NATS' default message size (1 MiB). */
  public static final int MAX_ENCODED_BYTES = 1 << 20;

  static final int NONE = -1;

  private final Shards shards;
  private final PlacementConfig placement;
  private final long epoch;
  private final String[] nodes;
  private final int[] owners;

  /** Takes the arrays as they are: nodes sorted and distinct, owners indexes into nodes or {@link #NONE}. */
  ShardMap(Shards shards, PlacementConfig placement, long epoch, String[] nodes, int[] owners) {
    this.shards = shards;
    this.placement = placement;
    this.epoch = epoch;
    this.nodes = nodes;
    this.owners = owners;
  }

  /**
   * The map of a new cluster: epoch 0, no members, no shard owned. The first {@link #next} places every shard.
   *
   * @param shards the shard count, fixed for the cluster's life
   * @param placement virtual nodes and load cap
   * @return the empty map
   * @throws InvalidInputException naming {@code shards} or {@code placement} when null
   */
  public static ShardMap create(Shards shards, PlacementConfig placement) {
    Checks.notNull(shards, "shards");
    Checks.notNull(placement, "placement");
    int[] owners = new int[shards.count()];
    Arrays.fill(owners, NONE);
    return new ShardMap(shards, placement, 0, new String[0], owners);
  }

  /**
   * Reads an encoded map (the KV value).
   *
   * @param bytes what {@link #encode()} wrote
   * @return the map
   * @throws ShardMapFormatException naming the problem and the field, when the bytes are no map of this format
   * @throws InvalidInputException naming {@code bytes} when null
   */
  public static ShardMap decode(byte[] bytes) {
    Checks.notNull(bytes, "bytes");
    return ShardMapCodec.decode(bytes);
  }

  /**
   * The map as one KV value: UTF-8 JSON
   * {@code {"format":1,"epoch":..,"shards":..,"virtualNodes":..,"loadCapPercent":..,"nodes":[..],"owners":[..]}},
   * with {@code format} first, {@code nodes} sorted and {@code owners} one index into {@code nodes} per shard
   * ({@code -1} for none).
   *
   * @return new bytes, at most {@link #MAX_ENCODED_BYTES}
   */
  public byte[] encode() {
    return ShardMapCodec.encode(this);
  }

  /**
   * The shards.
   *
   * @return the shard count, fixed for the cluster's life
   */
  public Shards shards() {
    return shards;
  }

  /**
   * The placement settings {@link #next} plans with.
   *
   * @return the settings
   */
  public PlacementConfig placement() {
    return placement;
  }

  /**
   * The epoch: 0 for a new cluster, one more with each {@link #next}.
   *
   * @return the epoch, at least 0
   */
  public long epoch() {
    return epoch;
  }

  /**
   * The member nodes.
   *
   * @return the node ids in ascending order; unmodifiable
   */
  public List<String> members() {
    return List.of(nodes);
  }

  /**
   * The owner of a shard.
   *
   * @param shard a shard number
   * @return the owning node, empty when the shard has none (no members)
   * @throws InvalidInputException naming {@code shard} when out of range
   */
  public Optional<String> owner(int shard) {
    int owner = owners[shards.check(shard)];
    return owner == NONE ? Optional.empty() : Optional.of(nodes[owner]);
  }

  /**
   * The owner of a stream's shard.
   *
   * @param streamId the stream id ({@code <aggregateType>/<actorId>} for an actor)
   * @return the owning node, empty when the shard has none
   * @throws InvalidInputException naming {@code streamId} when null
   */
  public Optional<String> ownerOf(String streamId) {
    return owner(shards.shardOf(streamId));
  }

  /**
   * The shards a node owns.
   *
   * @param node a node id
   * @return its shards in ascending order (empty for a non-member); unmodifiable
   * @throws InvalidInputException naming {@code node} when null
   */
  public List<Integer> shardsOf(String node) {
    Checks.notNull(node, "node");
    int index = Arrays.binarySearch(nodes, node);
    List<Integer> owned = new ArrayList<>();
    for (int s = 0; index >= 0 && s < owners.length; s++) {
      if (owners[s] == index) {
        owned.add(s);
      }
    }
    return Collections.unmodifiableList(owned);
  }

  /**
   * The number of shards each member owns.
   *
   * @return member to shard count, in ascending order of member, members without shards included; unmodifiable
   */
  public Map<String, Integer> loads() {
    int[] load = new int[nodes.length];
    for (int owner : owners) {
      if (owner != NONE) {
        load[owner]++;
      }
    }
    Map<String, Integer> loads = new LinkedHashMap<>();
    for (int n = 0; n < nodes.length; n++) {
      loads.put(nodes[n], load[n]);
    }
    return Collections.unmodifiableMap(loads);
  }

  /**
   * Plans the map for a new member set: epoch + 1, the members given, and owners moved as little as the ring
   * and the load cap allow. Members that stay keep their shards unless the cap (which falls as nodes join)
   * forces some away; a node that joins takes the shards whose ring first choice it is, up to the cap; the
   * shards of a node that left walk the ring to the next node below the cap. No member ends above
   * {@code placement().capacity(shards, members)}. The same map and the same member set, in any order, give
   * the same result; the same members as now still give epoch + 1 (with no moves).
   *
   * @param members the node ids of the new map, in any order; each 1 to 64 characters of
   *     {@code [A-Za-z0-9_-]}, none twice; may be empty (then no shard has an owner)
   * @return the next map
   * @throws InvalidInputException naming {@code members} for a null, invalid or repeated id
   * @throws ArithmeticException when the epoch would pass {@link Long#MAX_VALUE}
   */
  public ShardMap next(Collection<String> members) {
    HashRing ring = HashRing.ofSorted(NodeIds.sorted(members, "members"), placement);
    int capacity = ring.size() == 0 ? 0 : placement.capacity(shards.count(), ring.size());
    int[] next = Rebalance.owners(ring, nodes, owners, capacity);
    return new ShardMap(shards, placement, Math.addExact(epoch, 1), ring.nodesArray(), next);
  }

  /**
   * The shards whose owner differs between this map and a later one.
   *
   * @param later another map of the same shards (usually a later epoch)
   * @return one move per shard that changes owner, in ascending shard order; unmodifiable
   * @throws InvalidInputException naming {@code later} when null or of another shard count
   */
  public List<ShardMove> movesTo(ShardMap later) {
    Checks.notNull(later, "later");
    if (!later.shards.equals(shards)) {
      throw new InvalidInputException("later", "must have " + shards.count() + " shards, has " + later.shards.count());
    }
    List<ShardMove> moves = new ArrayList<>();
    for (int s = 0; s < owners.length; s++) {
      Optional<String> from = owner(s);
      Optional<String> to = later.owner(s);
      if (!from.equals(to)) {
        moves.add(new ShardMove(s, from, to));
      }
    }
    return Collections.unmodifiableList(moves);
  }

  /** The owner of a shard without allocating: a node id, or null for none. The shard must be in range. */
  String ownerId(int shard) {
    int owner = owners[shard];
    return owner == NONE ? null : nodes[owner];
  }

  /**
   * A step towards {@code target}: this map with some of the moves to it applied and the epoch one higher
   * (a warm handoff moves shards in bounded batches, each batch one map update). The members are the target's
   * plus every node that still owns a shard.
   *
   * @param target the map the moves lead to (same shard count and placement)
   * @param moves some of {@code movesTo(target)}
   * @return the next map
   */
  ShardMap step(ShardMap target, Collection<ShardMove> moves) {
    String[] owner = new String[owners.length];
    for (int s = 0; s < owners.length; s++) {
      owner[s] = ownerId(s);
    }
    for (ShardMove move : moves) {
      owner[move.shard()] = move.to().orElse(null);
    }
    TreeSet<String> members = new TreeSet<>(Arrays.asList(target.nodes));
    for (String node : owner) {
      if (node != null) {
        members.add(node);
      }
    }
    String[] table = members.toArray(String[]::new);
    int[] next = new int[owners.length];
    for (int s = 0; s < owners.length; s++) {
      next[s] = owner[s] == null ? NONE : Arrays.binarySearch(table, owner[s]);
    }
    return new ShardMap(shards, placement, Math.addExact(epoch, 1), table, next);
  }

  String[] nodesArray() {
    return nodes;
  }

  int[] ownersArray() {
    return owners;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ShardMap that && epoch == that.epoch && shards.equals(that.shards)
        && placement.equals(that.placement) && Arrays.equals(nodes, that.nodes) && Arrays.equals(owners, that.owners);
  }

  @Override
  public int hashCode() {
    return ((Long.hashCode(epoch) * 31 + Arrays.hashCode(nodes)) * 31 + Arrays.hashCode(owners)) * 31
        + placement.hashCode();
  }

  @Override
  public String toString() {
    return "ShardMap[epoch=" + epoch + ", shards=" + shards.count() + ", loads=" + loads() + "]";
  }
}
