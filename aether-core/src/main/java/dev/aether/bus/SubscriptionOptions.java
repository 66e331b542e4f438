package dev.aether.bus;

import dev.aether.InvalidInputException;
import dev.aether.internal.Checks;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How one subscription is delivered to: the capacity of its queue, what happens when the queue is full, and
 * how long a {@link OverflowPolicy#BLOCK blocked} publisher waits. An absent capacity or policy means "the
 * bus default" (see {@link LocalEventBus.Builder}); an absent block timeout means "wait without bound".
 *
 * <p>Build with {@link #builder()}, or use {@link #defaults()}. Immutable and thread-safe.
 *
 * @param queueCapacity how many events may wait in the subscription's queue; absent for the bus default;
 *     when present, &gt; 0
 * @param overflowPolicy what to do when the queue is full; absent for the bus default
 * @param blockTimeout how long a publisher waits for room before the event is dropped and counted; only with
 *     {@code overflowPolicy} {@link OverflowPolicy#BLOCK} set explicitly; when present, &gt; 0; absent waits
 *     without bound
 */
public record SubscriptionOptions(
    OptionalInt queueCapacity, Optional<OverflowPolicy> overflowPolicy, Optional<Duration> blockTimeout) {

  private static final SubscriptionOptions DEFAULTS =
      new SubscriptionOptions(OptionalInt.empty(), Optional.empty(), Optional.empty());

  /**
   * Validates the components.
   *
   * @throws InvalidInputException naming {@code queueCapacity}, {@code overflowPolicy} or
   *     {@code blockTimeout} when a component is null or out of range, or {@code blockTimeout} when it is set
   *     without {@link OverflowPolicy#BLOCK}
   */
  public SubscriptionOptions {
    Checks.notNull(queueCapacity, "queueCapacity");
    Checks.notNull(overflowPolicy, "overflowPolicy");
    Checks.notNull(blockTimeout, "blockTimeout");
    queueCapacity.ifPresent(capacity -> Checks.positive(capacity, "queueCapacity"));
    blockTimeout.ifPresent(SubscriptionOptions::checkTimeout);
    if (blockTimeout.isPresent() && overflowPolicy.orElse(null) != OverflowPolicy.BLOCK) {
      throw new InvalidInputException("blockTimeout", "only applies with overflowPolicy BLOCK; set it explicitly");
    }
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
    private OptionalInt queueCapacity = OptionalInt.empty();
    private Optional<OverflowPolicy> overflowPolicy = Optional.empty();
    private Optional<Duration> blockTimeout = Optional.empty();

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
      this.queueCapacity = OptionalInt.of(capacity);
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
      this.overflowPolicy = Optional.of(Checks.notNull(policy, "overflowPolicy"));
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
      this.blockTimeout = Optional.of(timeout);
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
      return new SubscriptionOptions(queueCapacity, overflowPolicy, blockTimeout);
    }
  }
}
