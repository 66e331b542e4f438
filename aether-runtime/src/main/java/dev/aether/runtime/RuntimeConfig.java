package dev.aether.runtime;

import dev.aether.InvalidInputException;
import dev.aether.internal.Checks;
import java.time.Duration;

/**
 * The settings of a {@link Runtime}. Immutable; build one with {@link #builder()} (every setting has a
 * default, see the {@code DEFAULT_*} constants) or take {@link #defaults()}.
 *
 * @param idleTimeout an actor that handled nothing for this long is passivated (snapshot, then removed from
 *     memory); checked every {@code idleTimeout / 2}
 * @param maxActiveVMs above this many active actors, the least recently used ones are passivated
 * @param snapshotInterval a snapshot is written when the actor's version moved by this many since the last
 *     one; 0 writes snapshots only when the actor stops
 * @param maxConcurrentActivations how many actors may load their snapshot and replay their events at once
 * @param commandTimeout a command without an outcome after this long completes as
 *     {@link RejectionReason#TIMEOUT}
 * @param conflictRetries how many times a command is decided again after another writer changed the actor
 *     (0: report the first conflict)
 * @param groupCommitLimit the most commands decided together and stored in one commit (1: one commit per
 *     command)
 * @param mailboxCapacity the most commands queued for one actor; more are rejected as
 *     {@link RejectionReason#OVERLOADED}
 * @param idempotencyWindow how many recent command ids each actor remembers (and keeps in its snapshots) to
 *     answer a repeated command id with its first outcome
 */
public record RuntimeConfig(Duration idleTimeout, int maxActiveVMs, int snapshotInterval,
    int maxConcurrentActivations, Duration commandTimeout, int conflictRetries, int groupCommitLimit,
    int mailboxCapacity, int idempotencyWindow) {

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
  /** Default {@link #groupCommitLimit()}: 64 commands per commit. */
  public static final int DEFAULT_GROUP_COMMIT_LIMIT = 64;
  /** Default {@link #mailboxCapacity()}: 10,000 queued commands per actor. */
  public static final int DEFAULT_MAILBOX_CAPACITY = 10_000;
  /** Default {@link #idempotencyWindow()}: the last 100 command ids of each actor. */
  public static final int DEFAULT_IDEMPOTENCY_WINDOW = 100;
  /** Largest accepted {@link #groupCommitLimit()}: one commit must stay a reasonable single message. */
  public static final int MAX_GROUP_COMMIT_LIMIT = 10_000;

  /** Validates every value; see the builder's setters for the ranges. */
  public RuntimeConfig {
    positive(idleTimeout, "idleTimeout");
    atLeast(maxActiveVMs, 1, "maxActiveVMs");
    atLeast(snapshotInterval, 0, "snapshotInterval");
    atLeast(maxConcurrentActivations, 1, "maxConcurrentActivations");
    positive(commandTimeout, "commandTimeout");
    atLeast(conflictRetries, 0, "conflictRetries");
    atLeast(groupCommitLimit, 1, "groupCommitLimit");
    if (groupCommitLimit > MAX_GROUP_COMMIT_LIMIT) {
      throw new InvalidInputException("groupCommitLimit", "must be <= " + MAX_GROUP_COMMIT_LIMIT + ", was "
          + groupCommitLimit);
    }
    atLeast(mailboxCapacity, 1, "mailboxCapacity");
    atLeast(idempotencyWindow, 1, "idempotencyWindow");
    if (groupCommitLimit > mailboxCapacity) {
      throw new InvalidInputException("groupCommitLimit", "must be <= mailboxCapacity (" + mailboxCapacity
          + "), was " + groupCommitLimit);
    }
  }

  /** @return the default configuration */
  public static RuntimeConfig defaults() {
    return builder().build();
  }

  /** @return a builder holding the defaults */
  public static Builder builder() {
    return new Builder();
  }

  /** @return a builder holding this configuration's values */
  public Builder toBuilder() {
    return new Builder().idleTimeout(idleTimeout).maxActiveVMs(maxActiveVMs).snapshotInterval(snapshotInterval)
        .maxConcurrentActivations(maxConcurrentActivations).commandTimeout(commandTimeout)
        .conflictRetries(conflictRetries).mailboxCapacity(mailboxCapacity).groupCommitLimit(groupCommitLimit)
        .idempotencyWindow(idempotencyWindow);
  }

  private static void positive(Duration value, String field) {
    Checks.notNull(value, field);
    if (value.isZero() || value.isNegative()) {
      throw new InvalidInputException(field, "must be > 0, was " + value);
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
    private int groupCommitLimit = DEFAULT_GROUP_COMMIT_LIMIT;
    private int mailboxCapacity = DEFAULT_MAILBOX_CAPACITY;
    private int idempotencyWindow = DEFAULT_IDEMPOTENCY_WINDOW;

    private Builder() {}

    /**
     * Sets the idle time after which an actor is passivated.
     *
     * @param value more than zero
     * @return this builder
     */
    public Builder idleTimeout(Duration value) {
      positive(value, "idleTimeout");
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
     * @param value more than zero
     * @return this builder
     */
    public Builder commandTimeout(Duration value) {
      positive(value, "commandTimeout");
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
     * Sets the most commands stored in one commit.
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
     * Checks the cross-field rules and builds the configuration.
     *
     * @return the configuration
     * @throws InvalidInputException naming the refused field
     */
    public RuntimeConfig build() {
      return new RuntimeConfig(idleTimeout, maxActiveVMs, snapshotInterval, maxConcurrentActivations,
          commandTimeout, conflictRetries, groupCommitLimit, mailboxCapacity, idempotencyWindow);
    }
  }
}
