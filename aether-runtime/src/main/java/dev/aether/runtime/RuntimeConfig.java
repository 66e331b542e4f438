package dev.aether.runtime;

import dev.aether.InvalidInputException;
import dev.aether.config.ConfigKeys;
import dev.aether.support.Checks;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The settings of a {@link Runtime}. Build one with {@link #builder()} (every setting has a default, see the
 * {@code DEFAULT_*} constants), take {@link #defaults()}, or read one from a string map with
 * {@link #fromMap} (keys under {@value #PREFIX}, documented in the module README). There is no public
 * constructor, so a setting can be added without breaking a caller.
 *
 * <p>The settings, with their keys:
 * <ul>
 *   <li>{@link #idleTimeout()} ({@code idle-timeout}): an actor that handled nothing for this long is
 *       passivated (snapshot, then removed from memory); checked every {@code idleTimeout / 2};
 *   <li>{@link #maxActiveVMs()} ({@code max-active-vms}): above this many active actors, the least recently
 *       used ones are passivated;
 *   <li>{@link #snapshotInterval()} ({@code snapshot-interval}): a snapshot is written when the actor's
 *       version moved by this many since the last one; 0 writes snapshots only when the actor stops;
 *   <li>{@link #maxConcurrentActivations()} ({@code max-concurrent-activations}): how many actors may load
 *       their snapshot and replay their events at once;
 *   <li>{@link #commandTimeout()} ({@code command-timeout}): a command without an outcome after this long
 *       completes as {@link RejectionReason#TIMEOUT};
 *   <li>{@link #conflictRetries()} ({@code conflict-retries}): how many times a command is decided again
 *       after another writer changed the actor (0: report the first conflict);
 *   <li>{@link #groupCommitLimit()} ({@code group-commit-limit}): the most commands decided together and
 *       stored in one commit (1: one commit per command); unless set, 64 or {@code mailbox-capacity} when that
 *       is smaller;
 *   <li>{@link #mailboxCapacity()} ({@code mailbox-capacity}): the most commands queued for one actor; more
 *       are rejected as {@link RejectionReason#OVERLOADED};
 *   <li>{@link #idempotencyWindow()} ({@code idempotency-window}): how many recent command ids each actor
 *       remembers (and keeps in its snapshots) to answer a repeated command id with its first outcome.
 * </ul>
 *
 * <p>Immutable and thread-safe; equal when all settings are equal.
 */
public final class RuntimeConfig {

  /** The prefix of the keys of {@link #fromMap}: {@value}. */
  public static final String PREFIX = "aether.runtime.";

  /** Default {@link #idleTimeout()}: 15 minutes, like Orleans' activation collection age. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(15);
  /** Default {@link #maxActiveVMs()}: 100,000 (about 100 MB of idle actors with small state). */
  public static final int DEFAULT_MAX_ACTIVE_VMS = 100_000;
  /** Default {@link #snapshotInterval()}: 100 events. */
  public static final int DEFAULT_SNAPSHOT_INTERVAL = 100;
  /** Default {@link #maxConcurrentActivations()}: 50, like Akka's {@code max-concurrent-recoveries}. */
  public static final int DEFAULT_MAX_CONCURRENT_ACTIVATIONS = 50;
  /** Default {@link #commandTimeout()}: 5 seconds. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);
  /** Default {@link #conflictRetries()}: 3. */
  public static final int DEFAULT_CONFLICT_RETRIES = 3;
  /** Default {@link #groupCommitLimit()}: 64 commands per commit, or {@link #mailboxCapacity()} when smaller. */
  public static final int DEFAULT_GROUP_COMMIT_LIMIT = 64;
  /** Default {@link #mailboxCapacity()}: 10,000 queued commands per actor. */
  public static final int DEFAULT_MAILBOX_CAPACITY = 10_000;
  /** Default {@link #idempotencyWindow()}: the last 100 command ids of each actor. */
  public static final int DEFAULT_IDEMPOTENCY_WINDOW = 100;
  /** Largest accepted {@link #groupCommitLimit()}: one commit must stay a reasonable single message. */
  public static final int MAX_GROUP_COMMIT_LIMIT = 10_000;

  /** The names of the keys {@link #fromMap} reads, without {@link #PREFIX} ({@code idle-timeout}). */
  public static final Set<String> KEY_NAMES = Set.of("idle-timeout", "max-active-vms", "snapshot-interval",
      "max-concurrent-activations", "command-timeout", "conflict-retries", "group-commit-limit",
      "mailbox-capacity", "idempotency-window");

  /** Shortest {@link #commandTimeout()} (and other durations): 1 ms. */
  public static final Duration MIN_COMMAND_TIMEOUT = Duration.ofMillis(1);
  /** Longest {@link #commandTimeout()}: 1 day; a client's command timeout has the same bound. */
  public static final Duration MAX_COMMAND_TIMEOUT = Duration.ofDays(1);

  private static final Duration MIN_DURATION = MIN_COMMAND_TIMEOUT;
  private static final Duration MAX_IDLE_TIMEOUT = Duration.ofDays(365);

  private final Duration idleTimeout;
  private final int maxActiveVMs;
  private final int snapshotInterval;
  private final int maxConcurrentActivations;
  private final Duration commandTimeout;
  private final int conflictRetries;
  private final int groupCommitLimit;
  private final int mailboxCapacity;
  private final int idempotencyWindow;

  private RuntimeConfig(Builder b, int groupCommitLimit) {
    idleTimeout = b.idleTimeout;
    maxActiveVMs = b.maxActiveVMs;
    snapshotInterval = b.snapshotInterval;
    maxConcurrentActivations = b.maxConcurrentActivations;
    commandTimeout = b.commandTimeout;
    conflictRetries = b.conflictRetries;
    this.groupCommitLimit = groupCommitLimit;
    mailboxCapacity = b.mailboxCapacity;
    idempotencyWindow = b.idempotencyWindow;
  }

  /** @return the default configuration */
  public static RuntimeConfig defaults() {
    return builder().build();
  }

  /** @return a builder holding the defaults */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads a configuration from a string map: the defaults, overridden by the keys under {@value #PREFIX}
   * (durations such as {@code 15m}, {@code 500ms} or {@code PT15M}, integers; see {@link ConfigKeys});
   * keys of other prefixes are ignored.
   *
   * @param settings the settings, for example read from YAML, environment and flags
   * @return the configuration
   * @throws InvalidInputException naming the key that is unknown under {@value #PREFIX}, cannot be parsed,
   *     is out of range, or breaks a rule between settings
   */
  public static RuntimeConfig fromMap(Map<String, String> settings) {
    Builder builder = builder();
    return builder.apply(ConfigKeys.of(settings, PREFIX, KEY_NAMES)).build(builder::build);
  }

  /**
   * A builder holding this configuration's values. A group commit limit equal to its default for this mailbox
   * capacity stays a default, so that it follows a mailbox capacity set afterwards, as in a new builder.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder builder = new Builder().idleTimeout(idleTimeout).maxActiveVMs(maxActiveVMs)
        .snapshotInterval(snapshotInterval).maxConcurrentActivations(maxConcurrentActivations)
        .commandTimeout(commandTimeout).conflictRetries(conflictRetries).mailboxCapacity(mailboxCapacity)
        .idempotencyWindow(idempotencyWindow);
    return groupCommitLimit == defaultGroupCommitLimit(mailboxCapacity) ? builder
        : builder.groupCommitLimit(groupCommitLimit);
  }

  private static int defaultGroupCommitLimit(int mailboxCapacity) {
    return Math.min(DEFAULT_GROUP_COMMIT_LIMIT, mailboxCapacity);
  }

  /** @return the idle time after which an actor is passivated, &gt; 0 */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** @return the most active actors kept in memory, at least 1 */
  public int maxActiveVMs() {
    return maxActiveVMs;
  }

  /** @return how many versions an actor moves between two snapshots, at least 0 (0: only on stop) */
  public int snapshotInterval() {
    return snapshotInterval;
  }

  /** @return how many actors may activate at once, at least 1 */
  public int maxConcurrentActivations() {
    return maxConcurrentActivations;
  }

  /** @return how long a command may wait for its outcome, &gt; 0 */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /** @return how many times a conflicting command is decided again, at least 0 */
  public int conflictRetries() {
    return conflictRetries;
  }

  /** @return the most commands stored in one commit, 1 to {@link #mailboxCapacity()} */
  public int groupCommitLimit() {
    return groupCommitLimit;
  }

  /** @return the most commands queued for one actor, at least 1 */
  public int mailboxCapacity() {
    return mailboxCapacity;
  }

  /** @return how many recent command ids each actor remembers, at least 1 */
  public int idempotencyWindow() {
    return idempotencyWindow;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RuntimeConfig c && idleTimeout.equals(c.idleTimeout) && maxActiveVMs == c.maxActiveVMs
        && snapshotInterval == c.snapshotInterval && maxConcurrentActivations == c.maxConcurrentActivations
        && commandTimeout.equals(c.commandTimeout) && conflictRetries == c.conflictRetries
        && groupCommitLimit == c.groupCommitLimit && mailboxCapacity == c.mailboxCapacity
        && idempotencyWindow == c.idempotencyWindow;
  }

  @Override
  public int hashCode() {
    return Objects.hash(idleTimeout, maxActiveVMs, snapshotInterval, maxConcurrentActivations, commandTimeout,
        conflictRetries, groupCommitLimit, mailboxCapacity, idempotencyWindow);
  }

  @Override
  public String toString() {
    return "RuntimeConfig[idleTimeout=" + idleTimeout + ", maxActiveVMs=" + maxActiveVMs + ", snapshotInterval="
        + snapshotInterval + ", maxConcurrentActivations=" + maxConcurrentActivations + ", commandTimeout="
        + commandTimeout + ", conflictRetries=" + conflictRetries + ", groupCommitLimit=" + groupCommitLimit
        + ", mailboxCapacity=" + mailboxCapacity + ", idempotencyWindow=" + idempotencyWindow + "]";
  }

  /** A duration from 1 ms to {@code max}: a smaller one is a unit mistake, a larger one overflows the timers. */
  private static void within(Duration value, Duration max, String field) {
    Checks.notNull(value, field);
    if (value.compareTo(MIN_DURATION) < 0 || value.compareTo(max) > 0) {
      throw new InvalidInputException(field, "must be from " + ConfigKeys.formatDuration(MIN_DURATION) + " to "
          + ConfigKeys.formatDuration(max) + ", was " + ConfigKeys.formatDuration(value));
    }
  }

  private static void atLeast(int value, int min, String field) {
    if (value < min) {
      throw new InvalidInputException(field, "must be >= " + min + ", was " + value);
    }
  }

  /**
   * Builds a {@link RuntimeConfig}. Each setter refuses a value out of range at once with an
   * {@link InvalidInputException} naming the field; {@link #build()} checks the cross-field rule
   * ({@code groupCommitLimit <= mailboxCapacity}). Not thread-safe.
   */
  public static final class Builder {
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private int maxActiveVMs = DEFAULT_MAX_ACTIVE_VMS;
    private int snapshotInterval = DEFAULT_SNAPSHOT_INTERVAL;
    private int maxConcurrentActivations = DEFAULT_MAX_CONCURRENT_ACTIVATIONS;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private int conflictRetries = DEFAULT_CONFLICT_RETRIES;
    private int groupCommitLimit; // 0: not set, the default for the mailbox capacity
    private int mailboxCapacity = DEFAULT_MAILBOX_CAPACITY;
    private int idempotencyWindow = DEFAULT_IDEMPOTENCY_WINDOW;
    /** The keys of the last {@link #apply(Map)}, whose names {@link #build()} gives a refused rule; or null. */
    private ConfigKeys appliedKeys;

    private Builder() {}

    /**
     * Sets the idle time after which an actor is passivated.
     *
     * @param value from 1 ms to 365 days
     * @return this builder
     */
    public Builder idleTimeout(Duration value) {
      within(value, MAX_IDLE_TIMEOUT, "idleTimeout");
      idleTimeout = value;
      return this;
    }

    /**
     * Sets the most active actors kept in memory.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxActiveVMs(int value) {
      atLeast(value, 1, "maxActiveVMs");
      maxActiveVMs = value;
      return this;
    }

    /**
     * Sets how many versions an actor moves between two snapshots.
     *
     * @param value at least 0; 0 snapshots only on stop
     * @return this builder
     */
    public Builder snapshotInterval(int value) {
      atLeast(value, 0, "snapshotInterval");
      snapshotInterval = value;
      return this;
    }

    /**
     * Sets how many actors may activate (load and replay) at once.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxConcurrentActivations(int value) {
      atLeast(value, 1, "maxConcurrentActivations");
      maxConcurrentActivations = value;
      return this;
    }

    /**
     * Sets how long a command may wait for its outcome.
     *
     * @param value from 1 ms to 1 day
     * @return this builder
     */
    public Builder commandTimeout(Duration value) {
      within(value, MAX_COMMAND_TIMEOUT, "commandTimeout");
      commandTimeout = value;
      return this;
    }

    /**
     * Sets how many times a conflicting command is decided again.
     *
     * @param value at least 0
     * @return this builder
     */
    public Builder conflictRetries(int value) {
      atLeast(value, 0, "conflictRetries");
      conflictRetries = value;
      return this;
    }

    /**
     * Sets the most commands stored in one commit. Unless set, {@value RuntimeConfig#DEFAULT_GROUP_COMMIT_LIMIT}
     * or the mailbox capacity when that is smaller.
     *
     * @param value 1 to {@value RuntimeConfig#MAX_GROUP_COMMIT_LIMIT}
     * @return this builder
     */
    public Builder groupCommitLimit(int value) {
      atLeast(value, 1, "groupCommitLimit");
      if (value > MAX_GROUP_COMMIT_LIMIT) {
        throw new InvalidInputException("groupCommitLimit", "must be <= " + MAX_GROUP_COMMIT_LIMIT + ", was "
            + value);
      }
      groupCommitLimit = value;
      return this;
    }

    /**
     * Sets the most commands queued for one actor.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder mailboxCapacity(int value) {
      atLeast(value, 1, "mailboxCapacity");
      mailboxCapacity = value;
      return this;
    }

    /**
     * Sets how many recent command ids each actor remembers.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder idempotencyWindow(int value) {
      atLeast(value, 1, "idempotencyWindow");
      idempotencyWindow = value;
      return this;
    }

    /**
     * Sets every setting a string map holds under {@value RuntimeConfig#PREFIX}; the others keep their
     * values. See {@link RuntimeConfig#fromMap} and the module README for the keys.
     *
     * @param settings the settings; keys of other prefixes are ignored
     * @return this builder
     * @throws InvalidInputException naming the key that is unknown, cannot be parsed or is out of range
     */
    public Builder apply(Map<String, String> settings) {
      appliedKeys = apply(ConfigKeys.of(settings, PREFIX, KEY_NAMES)); // build() names their keys
      return this;
    }

    private ConfigKeys apply(ConfigKeys keys) {
      return keys
          .duration("idle-timeout", this::idleTimeout)
          .integer("max-active-vms", this::maxActiveVMs)
          .integer("snapshot-interval", this::snapshotInterval)
          .integer("max-concurrent-activations", this::maxConcurrentActivations)
          .duration("command-timeout", this::commandTimeout)
          .integer("conflict-retries", this::conflictRetries)
          .integer("group-commit-limit", this::groupCommitLimit)
          .integer("mailbox-capacity", this::mailboxCapacity)
          .integer("idempotency-window", this::idempotencyWindow);
    }

    /**
     * Checks the cross-field rule and builds the configuration.
     *
     * @return the configuration
     * @throws InvalidInputException naming {@code groupCommitLimit} (its key, after {@link #apply(Map)}) when it
     *     was set above {@code mailboxCapacity}
     */
    public RuntimeConfig build() {
      // a rule between settings read by apply(Map) names their keys, as fromMap does
      return appliedKeys == null ? checked() : appliedKeys.build(this::checked);
    }

    private RuntimeConfig checked() {
      if (groupCommitLimit > mailboxCapacity) {
        throw new InvalidInputException("groupCommitLimit", "must be <= mailboxCapacity (" + mailboxCapacity
            + "), was " + groupCommitLimit);
      }
      return new RuntimeConfig(this, groupCommitLimit == 0 ? defaultGroupCommitLimit(mailboxCapacity)
          : groupCommitLimit);
    }
  }
}
