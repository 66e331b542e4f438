package dev.aether.bus;

import dev.aether.InvalidInputException;
import dev.aether.support.Checks;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How one subscription is delivered to: the capacity of its queue, what happens when the queue is full, and
 * how long a {@link OverflowPolicy#BLOCK blocked} publisher waits. An absent capacity or policy means "the
 * bus default" (see {@link LocalEventBus.Builder}); an absent block timeout means "wait without bound".
 *
 * <p>Build with {@link #builder()}, or use {@link #defaults()}; there is no public constructor, so an option
 * can be added without breaking a caller. These are choices of the code that subscribes, so they have no
 * configuration keys; the bus-wide defaults are the bus builder's.
 *
 * <p>Immutable and thread-safe; equal when all options are equal.
 */
public final class SubscriptionOptions {

  private static final SubscriptionOptions DEFAULTS = new SubscriptionOptions(0, null, null);

  /** The queue capacity, or 0 for the bus default. */
  private final int queueCapacity;
  /** The overflow policy, or null for the bus default. */
  private final OverflowPolicy overflowPolicy;
  /** The block timeout, or null for no bound. */
  private final Duration blockTimeout;

  private SubscriptionOptions(int queueCapacity, OverflowPolicy overflowPolicy, Duration blockTimeout) {
    this.queueCapacity = queueCapacity;
    this.overflowPolicy = overflowPolicy;
    this.blockTimeout = blockTimeout;
  }

  /**
   * How many events may wait in the subscription's queue.
   *
   * @return the capacity, &gt; 0; empty for the bus default
   */
  public OptionalInt queueCapacity() {
    return queueCapacity == 0 ? OptionalInt.empty() : OptionalInt.of(queueCapacity);
  }

  /**
   * What to do when the queue is full.
   *
   * @return the policy; empty for the bus default
   */
  public Optional<OverflowPolicy> overflowPolicy() {
    return Optional.ofNullable(overflowPolicy);
  }

  /**
   * How long a publisher waits for room before the event is dropped and counted; only with
   * {@link OverflowPolicy#BLOCK} set explicitly.
   *
   * @return the timeout, &gt; 0; empty to wait without bound
   */
  public Optional<Duration> blockTimeout() {
    return Optional.ofNullable(blockTimeout);
  }

  /**
   * Options that take every value from the bus defaults.
   *
   * @return the options
   */
  public static SubscriptionOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Starts building options; every value not set is taken from the bus (or, for the block timeout, unbounded).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a builder holding these options.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.queueCapacity = queueCapacity;
    b.overflowPolicy = overflowPolicy;
    b.blockTimeout = blockTimeout;
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SubscriptionOptions other && queueCapacity == other.queueCapacity
        && overflowPolicy == other.overflowPolicy && Objects.equals(blockTimeout, other.blockTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(queueCapacity, overflowPolicy, blockTimeout);
  }

  @Override
  public String toString() {
    return "SubscriptionOptions[queueCapacity=" + queueCapacity() + ", overflowPolicy=" + overflowPolicy()
        + ", blockTimeout=" + blockTimeout() + "]";
  }

  private static void checkTimeout(Duration timeout) {
    if (timeout.isZero() || timeout.isNegative()) {
      throw new InvalidInputException("blockTimeout", "must be > 0, was " + timeout);
    }
  }

  /**
   * Builds {@link SubscriptionOptions}. Each setter checks its value; {@link #build()} checks that a block
   * timeout comes with {@link OverflowPolicy#BLOCK}. Not thread-safe.
   */
  public static final class Builder {
    private int queueCapacity;
    private OverflowPolicy overflowPolicy;
    private Duration blockTimeout;

    private Builder() {}

    /**
     * Sets the capacity of the subscription's queue.
     *
     * @param capacity how many events may wait; &gt; 0
     * @return this builder
     * @throws InvalidInputException naming {@code queueCapacity} when it is not &gt; 0
     */
    public Builder queueCapacity(int capacity) {
      Checks.positive(capacity, "queueCapacity");
      this.queueCapacity = capacity;
      return this;
    }

    /**
     * Sets what happens when the queue is full.
     *
     * @param policy the policy
     * @return this builder
     * @throws InvalidInputException naming {@code overflowPolicy} when it is null
     */
    public Builder overflowPolicy(OverflowPolicy policy) {
      this.overflowPolicy = Checks.notNull(policy, "overflowPolicy");
      return this;
    }

    /**
     * Bounds the wait of a blocked publisher; after it the event is dropped for this subscriber and counted.
     * Requires {@link #overflowPolicy(OverflowPolicy)} {@link OverflowPolicy#BLOCK}.
     *
     * @param timeout the longest wait; &gt; 0
     * @return this builder
     * @throws InvalidInputException naming {@code blockTimeout} when it is null, zero or negative
     */
    public Builder blockTimeout(Duration timeout) {
      checkTimeout(Checks.notNull(timeout, "blockTimeout"));
      this.blockTimeout = timeout;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     * @throws InvalidInputException naming {@code blockTimeout} when it is set without policy
     *     {@link OverflowPolicy#BLOCK}
     */
    public SubscriptionOptions build() {
      if (blockTimeout != null && overflowPolicy != OverflowPolicy.BLOCK) {
        throw new InvalidInputException("blockTimeout", "only applies with overflowPolicy BLOCK; set it explicitly");
      }
      return new SubscriptionOptions(queueCapacity, overflowPolicy, blockTimeout);
    }
  }
}
