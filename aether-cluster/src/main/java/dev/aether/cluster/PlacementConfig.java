package dev.aether.cluster;

import dev.aether.InvalidInputException;
import java.util.Objects;

/**
 * How shards are placed on nodes: the number of virtual nodes each node has on the {@link HashRing}, and the
 * load cap, the most shards a node may own as a percentage of the mean (a node owns at most
 * {@code ceil(loadCapPercent / 100 * shards / nodes)} shards, "consistent hashing with bounded loads").
 *
 * <p>Built by {@link #builder()}; {@link #defaults()} is 150 virtual nodes and a cap of 110 %. The settings
 * travel in the {@link ShardMap} itself, so every node plans with the settings of the map it extends. An
 * immutable value with value equality; thread-safe.
 */
public final class PlacementConfig {

  /** Virtual nodes per node by default: load spread within about 8 % (1 / sqrt(150)) before the cap. */
  public static final int DEFAULT_VIRTUAL_NODES = 150;
  /** The most virtual nodes per node. */
  public static final int MAX_VIRTUAL_NODES = 1000;
  /** The load cap by default: no node above 110 % of the mean. */
  public static final int DEFAULT_LOAD_CAP_PERCENT = 110;
  /** The lowest load cap: 100 % (perfect balance; every change then moves more shards). */
  public static final int MIN_LOAD_CAP_PERCENT = 100;
  /** The highest load cap. */
  public static final int MAX_LOAD_CAP_PERCENT = 1000;

  private static final PlacementConfig DEFAULTS = builder().build();

  private final int virtualNodes;
  private final int loadCapPercent;

  private PlacementConfig(Builder builder) {
    this.virtualNodes = builder.virtualNodes;
    this.loadCapPercent = builder.loadCapPercent;
  }

  /**
   * The default placement: {@value #DEFAULT_VIRTUAL_NODES} virtual nodes, a cap of
   * {@value #DEFAULT_LOAD_CAP_PERCENT} %.
   *
   * @return the defaults
   */
  public static PlacementConfig defaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from this configuration.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder().virtualNodes(virtualNodes).loadCapPercent(loadCapPercent);
  }

  /**
   * Virtual nodes per node on the ring.
   *
   * @return {@code 1 .. MAX_VIRTUAL_NODES}
   */
  public int virtualNodes() {
    return virtualNodes;
  }

  /**
   * The load cap as a percentage of the mean load.
   *
   * @return {@code MIN_LOAD_CAP_PERCENT .. MAX_LOAD_CAP_PERCENT}
   */
  public int loadCapPercent() {
    return loadCapPercent;
  }

  /**
   * The most shards one node may own: {@code ceil(loadCapPercent * shardCount / (100 * nodeCount))}, in
   * integers (no floating point, so every implementation agrees). Since the cap is at least 100 %, the nodes
   * together can always hold every shard.
   *
   * @param shardCount the number of shards, at least 1
   * @param nodeCount the number of nodes, at least 1
   * @return the capacity of each node, at least 1
   * @throws InvalidInputException naming {@code shardCount} or {@code nodeCount} when below 1
   */
  public int capacity(int shardCount, int nodeCount) {
    atLeast(1, shardCount, "shardCount");
    atLeast(1, nodeCount, "nodeCount");
    long numerator = (long) loadCapPercent * shardCount;
    long denominator = 100L * nodeCount;
    return (int) ((numerator + denominator - 1) / denominator);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PlacementConfig that
        && virtualNodes == that.virtualNodes && loadCapPercent == that.loadCapPercent;
  }

  @Override
  public int hashCode() {
    return Objects.hash(virtualNodes, loadCapPercent);
  }

  @Override
  public String toString() {
    return "PlacementConfig[virtualNodes=" + virtualNodes + ", loadCapPercent=" + loadCapPercent + "]";
  }

  private static void atLeast(int min, int value, String field) {
    if (value < min) {
      throw new InvalidInputException(field, "must be >= " + min + ", was " + value);
    }
  }

  /** Builds a {@link PlacementConfig}; each setter checks its range. Not thread-safe. */
  public static final class Builder {

    private int virtualNodes = DEFAULT_VIRTUAL_NODES;
    private int loadCapPercent = DEFAULT_LOAD_CAP_PERCENT;

    private Builder() {}

    /**
     * Sets the virtual nodes per node.
     *
     * @param virtualNodes {@code 1 .. MAX_VIRTUAL_NODES}
     * @return this builder
     * @throws InvalidInputException naming {@code virtualNodes} when out of range
     */
    public Builder virtualNodes(int virtualNodes) {
      if (virtualNodes < 1 || virtualNodes > MAX_VIRTUAL_NODES) {
        throw new InvalidInputException("virtualNodes",
            "must be in 1.." + MAX_VIRTUAL_NODES + ", was " + virtualNodes);
      }
      this.virtualNodes = virtualNodes;
      return this;
    }

    /**
     * Sets the load cap.
     *
     * @param loadCapPercent {@code MIN_LOAD_CAP_PERCENT .. MAX_LOAD_CAP_PERCENT}
     * @return this builder
     * @throws InvalidInputException naming {@code loadCapPercent} when out of range
     */
    public Builder loadCapPercent(int loadCapPercent) {
      if (loadCapPercent < MIN_LOAD_CAP_PERCENT || loadCapPercent > MAX_LOAD_CAP_PERCENT) {
        throw new InvalidInputException("loadCapPercent",
            "must be in " + MIN_LOAD_CAP_PERCENT + ".." + MAX_LOAD_CAP_PERCENT + ", was " + loadCapPercent);
      }
      this.loadCapPercent = loadCapPercent;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the configuration
     */
    public PlacementConfig build() {
      return new PlacementConfig(this);
    }
  }
}
