package dev.aether.cluster;

import dev.aether.InvalidInputException;
import dev.aether.support.Checks;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A consistent hash ring of nodes: each node stands on the ring at {@link PlacementConfig#virtualNodes()}
 * points, each shard at one point, and a shard's <em>first choice</em> is the node of the first point at or
 * after the shard's (wrapping around). Walking on past nodes that are full gives "consistent hashing with
 * bounded loads" (Mirrokni, Thorup, Zadimoghaddam 2016; Dapr's placement), which {@link ShardMap#next} uses to
 * place shards.
 *
 * <p>The ring depends only on the set of node ids and the number of virtual nodes, never on the order they were
 * given in. Points are 64-bit, compared as signed longs, and defined without {@code String.hashCode}, so
 * another implementation can rebuild the same ring:
 * <pre>
 *   mix(z)        = SplitMix64's finaliser: z ^= z >>> 30; z *= 0xbf58476d1ce4e5b9; z ^= z >>> 27;
 *                   z *= 0x94d049bb133111eb; z ^= z >>> 31
 *   node point i  = mix(fnv1a64(ASCII bytes of the node id) + (i + 1) * 0x9e3779b97f4a7c15),  i = 0 .. v - 1
 *   shard point s = mix(0x5348415244 + (s + 1) * 0x9e3779b97f4a7c15)
 * </pre>
 * (FNV-1a 64: offset basis {@code 0xcbf29ce484222325}, prime {@code 0x100000001b3}.) Points of two nodes that
 * are equal are ordered by node id.
 *
 * <p>Immutable and thread-safe.
 */
public final class HashRing {

  private static final long GOLDEN = 0x9e3779b97f4a7c15L;
  private static final long SHARD_SALT = 0x5348415244L;

  private final String[] nodes;
  private final PlacementConfig config;
  private final long[] points;
  private final int[] owners;

  private HashRing(String[] nodes, PlacementConfig config) {
    this.nodes = nodes;
    this.config = config;
    int v = config.virtualNodes();
    long[][] entries = new long[nodes.length * v][];
    for (int n = 0; n < nodes.length; n++) {
      long base = fnv1a64(nodes[n]);
      for (int i = 0; i < v; i++) {
        entries[n * v + i] = new long[] {mix(base + (i + 1) * GOLDEN), n};
      }
    }
    Arrays.sort(entries, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    this.points = new long[entries.length];
    this.owners = new int[entries.length];
    for (int e = 0; e < entries.length; e++) {
      points[e] = entries[e][0];
      owners[e] = (int) entries[e][1];
    }
  }

  /**
   * Builds the ring of a set of nodes.
   *
   * @param nodes the node ids, in any order; each 1 to 64 characters of {@code [A-Za-z0-9_-]}, none twice
   * @param config the virtual nodes per node (the load cap is used by {@link ShardMap}, not here)
   * @return the ring; empty when {@code nodes} is
   * @throws InvalidInputException naming {@code nodes} for an invalid or repeated id, {@code config} when null
   */
  public static HashRing of(Collection<String> nodes, PlacementConfig config) {
    Checks.notNull(config, "config");
    return new HashRing(NodeIds.sorted(nodes, "nodes"), config);
  }

  /** The ring of nodes already checked, sorted and distinct. */
  static HashRing ofSorted(String[] nodes, PlacementConfig config) {
    return new HashRing(nodes, config);
  }

  /**
   * The nodes on the ring.
   *
   * @return the node ids in ascending order; unmodifiable
   */
  public List<String> nodes() {
    return List.of(nodes);
  }

  /**
   * The configuration the ring was built with.
   *
   * @return the configuration
   */
  public PlacementConfig config() {
    return config;
  }

  /**
   * The node plain consistent hashing would give a shard: the node of the first point at or after the shard's.
   *
   * @param shard a shard number, at least 0
   * @return the node, or empty when the ring has no nodes
   * @throws InvalidInputException naming {@code shard} when negative
   */
  public Optional<String> firstChoice(int shard) {
    Checks.notNegative(shard, "shard");
    return points.length == 0 ? Optional.empty() : Optional.of(nodes[owners[start(shard)]]);
  }

  /** The index (into {@link #nodes}) of the shard's first choice; the ring must not be empty. */
  int firstChoiceIndex(int shard) {
    return owners[start(shard)];
  }

  /**
   * The index of the first node at or after the shard's point whose load is below {@code capacity} and, when
   * {@code only} is given, for which it is {@code true}; such a node must exist.
   */
  int walk(int shard, int[] load, int capacity, boolean[] only) {
    int at = start(shard);
    for (int step = 0; step < points.length; step++) {
      int node = owners[(at + step) % points.length];
      if (load[node] < capacity && (only == null || only[node])) {
        return node;
      }
    }
    throw new IllegalStateException("no node below capacity " + capacity);
  }

  String[] nodesArray() {
    return nodes;
  }

  int size() {
    return nodes.length;
  }

  String node(int index) {
    return nodes[index];
  }

  private int start(int shard) {
    int at = Arrays.binarySearch(points, shardPoint(shard));
    if (at < 0) {
      at = -at - 1;
    } else {
      while (at > 0 && points[at - 1] == points[at]) {
        at--;
      }
    }
    return at == points.length ? 0 : at;
  }

  static long shardPoint(int shard) {
    return mix(SHARD_SALT + (shard + 1L) * GOLDEN);
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  static long fnv1a64(String ascii) {
    long hash = 0xcbf29ce484222325L;
    for (int i = 0; i < ascii.length(); i++) {
      hash = (hash ^ ascii.charAt(i)) * 0x100000001b3L;
    }
    return hash;
  }
}
