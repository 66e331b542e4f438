package dev.aether.cluster;

import dev.aether.InvalidInputException;
import dev.aether.config.ConfigKeys;
import dev.aether.nats.JetStreamConfig;
import dev.aether.runtime.ActorKey;
import dev.aether.support.Checks;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How one node takes part in a cluster: its id, the lease timings, the shard count and placement used when it
 * creates the cluster, and the handoff and routing bounds. The namespace, subject prefix, replicas and storage
 * come from the store's {@link JetStreamConfig}, so a node's cluster resources always belong to the namespace
 * of its events: the KV buckets {@code <prefix>_<ns>_CLUSTER} (the shard map, key {@code map}) and
 * {@code <prefix>_<ns>_LEASES} (keys {@code node.<id>} and {@code leader}), and the subjects
 * {@code <prefix>.<ns>.node.<id>.cmd} / {@code .ctl}, {@code <prefix>.<ns>.cmd} and
 * {@code <prefix>.<ns>.cluster.status} ({@code <ns>} = {@link JetStreamConfig#namespaceToken()}).
 *
 * <p>Built by {@link #builder(JetStreamConfig)}; every setting has a validated default. Also read from a
 * string map ({@link #fromMap}, {@link Builder#apply}) under {@value #PREFIX}: {@code node-id},
 * {@code lease-interval}, {@code dead-after}, {@code shards}, {@code virtual-nodes}, {@code load-cap-percent},
 * {@code handoff-batch}, {@code warmup-actors}, {@code warmup-concurrency}, {@code warmup-timeout},
 * {@code max-hops}, {@code leave-timeout}, {@code remember-actors} (a comma-separated list); durations as
 * {@code 500ms}, {@code 3s} or {@code PT3S}. An immutable value; thread-safe.
 */
public final class ClusterConfig {

  /** The prefix of the keys of {@link #fromMap}: {@value}. */
  public static final String PREFIX = "aether.cluster.";

  /** Lease renewal interval by default. */
  public static final Duration DEFAULT_LEASE_INTERVAL = Duration.ofMillis(500);
  /** How long without a renewal before a node is declared dead, by default. */
  public static final Duration DEFAULT_DEAD_AFTER = Duration.ofMillis(1500);
  /** The fewest milliseconds between renewals. */
  public static final Duration MIN_LEASE_INTERVAL = Duration.ofMillis(50);
  /**
   * Longest {@link #leaseInterval()}: 1 minute. A node renewing less often is found dead minutes late at best; a
   * bound also keeps a typo (10 d for 10 s) from a message about another field.
   */
  public static final Duration MAX_LEASE_INTERVAL = Duration.ofMinutes(1);
  /**
   * Longest {@link #deadAfter()}: 10 minutes (the lease bucket keeps a silent node's key twice as long; a test
   * that wants only the fast failure paths to act sets a minute or two).
   */
  public static final Duration MAX_DEAD_AFTER = Duration.ofMinutes(10);
  /** Shards moved in one warm handoff step, by default. */
  public static final int DEFAULT_HANDOFF_BATCH = 128;
  /** Actors a new owner warms up per handoff step, by default (the old owner's most recently used). */
  public static final int DEFAULT_WARMUP_ACTORS = 1_000;
  /** Warm-up activations a new owner runs at once, by default. */
  public static final int DEFAULT_WARMUP_CONCURRENCY = 4;
  /** How long a handoff step waits for its new owners to warm up, by default. */
  public static final Duration DEFAULT_WARMUP_TIMEOUT = Duration.ofSeconds(5);
  /** How many {@code MOVED} answers a command follows, by default. */
  public static final int DEFAULT_MAX_HOPS = 3;
  /** How long a graceful leave waits for its shards to be handed off, by default. */
  public static final Duration DEFAULT_LEAVE_TIMEOUT = Duration.ofSeconds(30);

  /** The names of the keys {@link #fromMap} reads, without {@link #PREFIX} ({@code dead-after}). */
  public static final Set<String> KEY_NAMES = Set.of("node-id", "lease-interval", "dead-after", "shards",
      "virtual-nodes", "load-cap-percent", "handoff-batch", "warmup-actors", "warmup-concurrency", "warmup-timeout",
      "max-hops", "leave-timeout", "remember-actors");

  private final JetStreamConfig store;
  private final String nodeId;
  private final Duration leaseInterval;
  private final Duration deadAfter;
  private final Shards shards;
  private final PlacementConfig placement;
  private final int handoffBatch;
  private final int warmupActors;
  private final int warmupConcurrency;
  private final Duration warmupTimeout;
  private final int maxHops;
  private final Duration leaveTimeout;
  private final Set<String> rememberActors;

  private ClusterConfig(Builder b) {
    store = b.store;
    nodeId = b.nodeId;
    leaseInterval = b.leaseInterval;
    deadAfter = b.deadAfter;
    shards = b.shards;
    placement = b.placement;
    handoffBatch = b.handoffBatch;
    warmupActors = b.warmupActors;
    warmupConcurrency = b.warmupConcurrency;
    warmupTimeout = b.warmupTimeout;
    maxHops = b.maxHops;
    leaveTimeout = b.leaveTimeout;
    rememberActors = Set.copyOf(b.rememberActors);
  }

  /**
   * A builder with the defaults and a random node id ({@code node-} and 8 hex digits).
   *
   * @param store the store's configuration (namespace, subject prefix, replicas, storage)
   * @return a new builder
   * @throws InvalidInputException naming {@code store} when null
   */
  public static Builder builder(JetStreamConfig store) {
    return new Builder(Checks.notNull(store, "store"));
  }

  /**
   * Reads a configuration from a string map: the defaults, overridden by the keys under {@value #PREFIX} (see
   * the class comment); keys of other prefixes are ignored.
   *
   * @param store the store's configuration
   * @param settings the settings, for example read from YAML, environment and flags
   * @return the configuration
   * @throws InvalidInputException naming {@code store} when null, or naming the key that is unknown under
   *     {@value #PREFIX}, cannot be parsed, is out of range, or breaks a rule between settings
   */
  public static ClusterConfig fromMap(JetStreamConfig store, Map<String, String> settings) {
    Builder builder = builder(store);
    return builder.apply(ConfigKeys.of(settings, PREFIX, KEY_NAMES)).build(builder::build);
  }

  /** @return a builder starting from this configuration */
  public Builder toBuilder() {
    return new Builder(store).nodeId(nodeId).leaseInterval(leaseInterval).deadAfter(deadAfter).shards(shards)
        .placement(placement).handoffBatch(handoffBatch).warmupActors(warmupActors).warmupConcurrency(warmupConcurrency).warmupTimeout(warmupTimeout)
        .maxHops(maxHops).leaveTimeout(leaveTimeout).rememberActors(rememberActors.toArray(String[]::new));
  }

  /**
   * The aggregate types whose active actors are remembered: their owner records them in the KV bucket
   * {@code <prefix>_<ns>_REMEMBER} while they are active, and a new owner of their shard (after a crash, a
   * handoff or a full cluster restart) activates them without waiting for a message.
   *
   * @return the types (empty: none, the default)
   */
  public Set<String> rememberActors() {
    return rememberActors;
  }

  /** @return the store's configuration: namespace, subject prefix, replicas and storage of the buckets */
  public JetStreamConfig store() {
    return store;
  }

  /** @return this node's id: 1 to 64 characters of {@code [A-Za-z0-9_-]}, unique in the cluster */
  public String nodeId() {
    return nodeId;
  }

  /** @return how often the node renews its lease (and the leader its leadership) */
  public Duration leaseInterval() {
    return leaseInterval;
  }

  /**
   * How long a node may go without renewing its lease before the leader declares it dead and hands its
   * shards to others (at that moment, counted from when the leader saw its last renewal: with two lease intervals,
   * one renewal more than an interval late is a death); the lease bucket keeps a key twice this long (its max
   * age).
   *
   * @return at least two lease intervals
   */
  public Duration deadAfter() {
    return deadAfter;
  }

  /** @return the shard count a node creating the cluster writes into the map (later nodes take the map's) */
  public Shards shards() {
    return shards;
  }

  /** @return the placement a node creating the cluster writes into the map */
  public PlacementConfig placement() {
    return placement;
  }

  /** @return the most shards one warm handoff step moves */
  public int handoffBatch() {
    return handoffBatch;
  }

  /** @return the most actors a new owner warms up per step (0: cold moves) */
  public int warmupActors() {
    return warmupActors;
  }

  /**
   * How many warm-up activations a new owner runs at once, all its warm-ups and remembered actors together:
   * few, because a warm-up is background work and a burst of replays on the shared server would hold up every
   * node's commits.
   *
   * @return 1 or more
   */
  public int warmupConcurrency() {
    return warmupConcurrency;
  }

  /** @return how long a handoff step waits for warm-ups before it switches anyway */
  public Duration warmupTimeout() {
    return warmupTimeout;
  }

  /** @return how many {@code MOVED} redirects one attempt follows */
  public int maxHops() {
    return maxHops;
  }

  /** @return how long {@link ClusterNode#leave()} waits for the shards to move */
  public Duration leaveTimeout() {
    return leaveTimeout;
  }

  static int checkHops(int hops) {
    if (hops < 1 || hops > 16) {
      throw new InvalidInputException("maxHops", "must be 1 to 16, was " + hops);
    }
    return hops;
  }

  @Override
  public String toString() {
    return "ClusterConfig[namespace=" + store.namespace() + ", nodeId=" + nodeId + ", leaseInterval="
        + leaseInterval + ", deadAfter=" + deadAfter + ", shards=" + shards.count() + ", placement=" + placement
        + ", handoffBatch=" + handoffBatch + ", warmupActors=" + warmupActors + ", warmupConcurrency=" + warmupConcurrency + ", warmupTimeout=" + warmupTimeout
        + ", maxHops=" + maxHops + ", leaveTimeout=" + leaveTimeout + ", rememberActors=" + rememberActors + "]";
  }

  /** Builds a {@link ClusterConfig}; each setter checks its value. Not thread-safe. */
  public static final class Builder {

    private final JetStreamConfig store;
    private String nodeId = "node-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private Duration leaseInterval = DEFAULT_LEASE_INTERVAL;
    private Duration deadAfter = DEFAULT_DEAD_AFTER;
    private Shards shards = Shards.defaults();
    /** The keys of the last {@link #apply(Map)}, whose names {@link #build()} gives a refused rule; or null. */
    private ConfigKeys appliedKeys;
    private PlacementConfig placement = PlacementConfig.defaults();
    private int handoffBatch = DEFAULT_HANDOFF_BATCH;
    private int warmupActors = DEFAULT_WARMUP_ACTORS;
    private int warmupConcurrency = DEFAULT_WARMUP_CONCURRENCY;
    private Duration warmupTimeout = DEFAULT_WARMUP_TIMEOUT;
    private int maxHops = DEFAULT_MAX_HOPS;
    private Duration leaveTimeout = DEFAULT_LEAVE_TIMEOUT;
    private Set<String> rememberActors = Set.of();

    private Builder(JetStreamConfig store) {
      this.store = store;
    }

    /**
     * @param nodeId 1 to 64 characters of {@code [A-Za-z0-9_-]}
     * @return this builder
     * @throws InvalidInputException naming {@code nodeId}
     */
    public Builder nodeId(String nodeId) {
      this.nodeId = NodeIds.check(nodeId, "nodeId");
      return this;
    }

    /**
     * @param interval how often to renew the lease, from {@link #MIN_LEASE_INTERVAL} to {@link #MAX_LEASE_INTERVAL}
     * @return this builder
     * @throws InvalidInputException naming {@code leaseInterval} when null or out of that range
     */
    public Builder leaseInterval(Duration interval) {
      this.leaseInterval = within(interval, MIN_LEASE_INTERVAL, MAX_LEASE_INTERVAL, "leaseInterval");
      return this;
    }

    /**
     * @param deadAfter how long without renewal before a node is dead, from two {@link #MIN_LEASE_INTERVAL}s to
     *     {@link #MAX_DEAD_AFTER}; at least two lease intervals (checked by {@link #build()})
     * @return this builder
     * @throws InvalidInputException naming {@code deadAfter} when null or out of that range
     */
    public Builder deadAfter(Duration deadAfter) {
      this.deadAfter = within(deadAfter, MIN_LEASE_INTERVAL.multipliedBy(2), MAX_DEAD_AFTER, "deadAfter");
      return this;
    }

    private static Duration within(Duration value, Duration min, Duration max, String field) {
      Checks.notNull(value, field);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new InvalidInputException(field, "must be from " + ConfigKeys.formatDuration(min) + " to "
            + ConfigKeys.formatDuration(max) + ", was " + ConfigKeys.formatDuration(value));
      }
      return value;
    }

    /**
     * @param shards the shard count when this node creates the cluster
     * @return this builder
     * @throws InvalidInputException naming {@code shards} when null
     */
    public Builder shards(Shards shards) {
      this.shards = Checks.notNull(shards, "shards");
      return this;
    }

    /**
     * @param placement the placement when this node creates the cluster
     * @return this builder
     * @throws InvalidInputException naming {@code placement} when null
     */
    public Builder placement(PlacementConfig placement) {
      this.placement = Checks.notNull(placement, "placement");
      return this;
    }

    /**
     * @param shardsPerStep the most shards per handoff step, 1 or more
     * @return this builder
     * @throws InvalidInputException naming {@code handoffBatch}
     */
    public Builder handoffBatch(int shardsPerStep) {
      this.handoffBatch = (int) Checks.positive(shardsPerStep, "handoffBatch");
      return this;
    }

    /**
     * @param actors the most actors warmed up per handoff step, 0 for cold moves
     * @return this builder
     * @throws InvalidInputException naming {@code warmupActors} when negative
     */
    public Builder warmupActors(int actors) {
      this.warmupActors = (int) Checks.notNegative(actors, "warmupActors");
      return this;
    }

    /**
     * @param activations warm-up activations run at once by a new owner, 1 or more
     * @return this builder
     * @throws InvalidInputException naming {@code warmupConcurrency}
     */
    public Builder warmupConcurrency(int activations) {
      this.warmupConcurrency = (int) Checks.positive(activations, "warmupConcurrency");
      return this;
    }

    /**
     * @param timeout how long a step waits for warm-ups, positive
     * @return this builder
     * @throws InvalidInputException naming {@code warmupTimeout}
     */
    public Builder warmupTimeout(Duration timeout) {
      this.warmupTimeout = positive(timeout, "warmupTimeout");
      return this;
    }

    /**
     * @param hops how many redirects one attempt follows, 1 to 16
     * @return this builder
     * @throws InvalidInputException naming {@code maxHops}
     */
    public Builder maxHops(int hops) {
      this.maxHops = checkHops(hops);
      return this;
    }

    /**
     * @param timeout how long a graceful leave waits for its handoff, positive
     * @return this builder
     * @throws InvalidInputException naming {@code leaveTimeout}
     */
    public Builder leaveTimeout(Duration timeout) {
      this.leaveTimeout = positive(timeout, "leaveTimeout");
      return this;
    }

    /**
     * Remembers the active actors of these aggregate types (opt-in per type): their owner records them in KV
     * on activation and removes them on passivation, and a new owner of their shard activates them without
     * waiting for a message, after a crash as after a full cluster restart. Replaces earlier calls; none (the
     * default) remembers nothing.
     *
     * @param aggregateTypes the aggregate types, each a valid one ({@link ActorKey#validAggregateType})
     * @return this builder
     * @throws InvalidInputException naming {@code rememberActors} (or the element) when null, blank or not an
     *     aggregate type
     */
    public Builder rememberActors(String... aggregateTypes) {
      Checks.notNull(aggregateTypes, "rememberActors");
      Set<String> types = new java.util.TreeSet<>();
      for (int i = 0; i < aggregateTypes.length; i++) {
        try {
          types.add(ActorKey.validAggregateType(aggregateTypes[i]));
        } catch (InvalidInputException e) {
          throw new InvalidInputException("rememberActors[" + i + "]", "must be an aggregate type ("
              + e.getMessage() + ")", e);
        }
      }
      this.rememberActors = types;
      return this;
    }

    /**
     * Sets what the keys under {@value #PREFIX} of a string map say (see the class comment); keys of other
     * prefixes are ignored, the settings not named keep their values.
     *
     * @param settings the settings
     * @return this builder
     * @throws InvalidInputException naming {@code settings} when null, or naming the key that is unknown under
     *     {@value #PREFIX}, cannot be parsed or is out of range
     */
    public Builder apply(Map<String, String> settings) {
      appliedKeys = apply(ConfigKeys.of(settings, PREFIX, KEY_NAMES)); // build() names their keys
      return this;
    }

    private ConfigKeys apply(ConfigKeys keys) {
      return keys
          .string("node-id", this::nodeId)
          .duration("lease-interval", this::leaseInterval)
          .duration("dead-after", this::deadAfter)
          .integer("shards", count -> shards(new Shards(count)))
          .integer("virtual-nodes", n -> placement(placement.toBuilder().virtualNodes(n).build()))
          .integer("load-cap-percent", percent -> placement(placement.toBuilder().loadCapPercent(percent).build()))
          .integer("handoff-batch", this::handoffBatch)
          .integer("warmup-actors", this::warmupActors)
          .integer("warmup-concurrency", this::warmupConcurrency)
          .duration("warmup-timeout", this::warmupTimeout)
          .integer("max-hops", this::maxHops)
          .duration("leave-timeout", this::leaveTimeout)
          .list("remember-actors", types -> rememberActors(types.toArray(String[]::new)));
    }

    /**
     * @return the configuration
     * @throws InvalidInputException naming {@code deadAfter} (its key, after {@link #apply(Map)}) when it is
     *     shorter than two lease intervals
     */
    public ClusterConfig build() {
      // a rule between settings read by apply(Map) names their keys, as fromMap does
      return appliedKeys == null ? checked() : appliedKeys.build(this::checked);
    }

    private ClusterConfig checked() {
      if (deadAfter.compareTo(leaseInterval.multipliedBy(2)) < 0) {
        throw new InvalidInputException("deadAfter", "must be at least two lease intervals ("
            + ConfigKeys.formatDuration(leaseInterval.multipliedBy(2)) + "), was "
            + ConfigKeys.formatDuration(deadAfter));
      }
      return new ClusterConfig(this);
    }

    private static Duration positive(Duration value, String field) {
      Checks.notNull(value, field);
      if (value.isZero() || value.isNegative()) {
        throw new InvalidInputException(field, "must be positive, was " + ConfigKeys.formatDuration(value));
      }
      return value;
    }
  }
}
