package dev.aether.store;

import dev.aether.InvalidInputException;
import dev.aether.config.ConfigKeys;
import dev.aether.support.Checks;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link SharedFeed} group hands out commits: how long a member has to acknowledge a delivery before it
 * is handed out again ({@link #ackTimeout()}), and how many commits may be in flight (handed out and not yet
 * acknowledged) per partition in the whole group ({@link #maxInFlight()}).
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>builder</th><th>default</th><th>range</th></tr>
 *   <tr><td>{@value #ACK_TIMEOUT_KEY}</td><td>{@code ackTimeout}</td><td>5 s</td><td>100 ms to 1 day</td></tr>
 *   <tr><td>{@value #MAX_IN_FLIGHT_KEY}</td><td>{@code maxInFlight}</td><td>1,000</td><td>1 to 100,000</td></tr>
 * </table>
 * The ack timeout is also how long a crashed member's deliveries wait before another member gets them, so it
 * is short; a handler that may take longer keeps its delivery with {@link FeedDelivery#inProgress()} (the
 * model's policies do), else the delivery comes back while it is still being handled. A
 * {@code maxInFlight} of 1 gives strict order per partition (see {@link SharedFeed}, "Order").
 *
 * <p>Built only by {@link #builder()} or {@link #fromMap}; no public constructor, so a setting can be added
 * without breaking a caller. Immutable and thread-safe; equal when all settings are equal.
 */
public final class SharedFeedOptions {

  /**
   * Default {@link #ackTimeout()}: 5 seconds (JetStream's default ack wait is 30 s; shorter, a crashed member's
   * deliveries go to another member sooner, and a long handling is kept with {@link FeedDelivery#inProgress()}).
   */
  public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(5);
  /** Shortest {@link #ackTimeout()}. */
  public static final Duration MIN_ACK_TIMEOUT = Duration.ofMillis(100);
  /** Longest {@link #ackTimeout()}. */
  public static final Duration MAX_ACK_TIMEOUT = Duration.ofDays(1);
  /** Default {@link #maxInFlight()}: 1,000 (JetStream's default max ack pending). */
  public static final int DEFAULT_MAX_IN_FLIGHT = 1_000;
  /** Largest {@link #maxInFlight()}. */
  public static final int MAX_MAX_IN_FLIGHT = 100_000;
  /** Longest group name: {@value}. */
  public static final int MAX_GROUP_LENGTH = 64;

  /** The prefix of the keys of {@link #fromMap}: {@value}. */
  public static final String PREFIX = "aether.feed.";
  /** Map key of {@link #ackTimeout()}. */
  public static final String ACK_TIMEOUT_KEY = PREFIX + "ack-timeout";
  /** Map key of {@link #maxInFlight()}. */
  public static final String MAX_IN_FLIGHT_KEY = PREFIX + "max-in-flight";

  private static final Set<String> KEY_NAMES = Set.of("ack-timeout", "max-in-flight");

  /** The defaults. */
  public static final SharedFeedOptions DEFAULTS = new SharedFeedOptions(DEFAULT_ACK_TIMEOUT, DEFAULT_MAX_IN_FLIGHT);

  private final Duration ackTimeout;
  private final int maxInFlight;

  private SharedFeedOptions(Duration ackTimeout, int maxInFlight) {
    this.ackTimeout = ackTimeout;
    this.maxInFlight = maxInFlight;
  }

  /**
   * How long a member has to acknowledge a delivery (or tell it is {@linkplain FeedDelivery#inProgress() still
   * handling it}) before its commit is handed out again: also how long a crashed member's deliveries wait.
   *
   * @return {@link #MIN_ACK_TIMEOUT} to {@link #MAX_ACK_TIMEOUT}
   */
  public Duration ackTimeout() {
    return ackTimeout;
  }

  /**
   * The most commits per partition handed out to the group and not yet acknowledged; no more are handed out
   * until one is settled.
   *
   * @return 1 to {@value #MAX_MAX_IN_FLIGHT}
   */
  public int maxInFlight() {
    return maxInFlight;
  }

  /**
   * Reads options from a string map with the keys {@value #ACK_TIMEOUT_KEY} (a duration, see
   * {@link ConfigKeys}) and {@value #MAX_IN_FLIGHT_KEY} (an integer); a missing key keeps its default, keys
   * outside {@value #PREFIX} are ignored.
   *
   * @param settings the settings
   * @return the options
   * @throws InvalidInputException naming the key that is unknown under {@value #PREFIX}, does not parse or is
   *     out of range
   */
  public static SharedFeedOptions fromMap(Map<String, String> settings) {
    return builder().apply(settings).build();
  }

  /** @return a builder holding the defaults */
  public static Builder builder() {
    return new Builder(DEFAULTS);
  }

  /** @return a builder holding these options */
  public Builder toBuilder() {
    return new Builder(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SharedFeedOptions other && ackTimeout.equals(other.ackTimeout)
        && maxInFlight == other.maxInFlight;
  }

  @Override
  public int hashCode() {
    return Objects.hash(ackTimeout, maxInFlight);
  }

  @Override
  public String toString() {
    return "SharedFeedOptions[ackTimeout=" + ackTimeout + ", maxInFlight=" + maxInFlight + "]";
  }

  /** Builds {@link SharedFeedOptions}. Each setter checks its range at once. Not thread-safe. */
  public static final class Builder {
    private Duration ackTimeout;
    private int maxInFlight;

    private Builder(SharedFeedOptions from) {
      ackTimeout = from.ackTimeout;
      maxInFlight = from.maxInFlight;
    }

    /**
     * Sets {@link SharedFeedOptions#ackTimeout()}.
     *
     * @param ackTimeout {@link #MIN_ACK_TIMEOUT} to {@link #MAX_ACK_TIMEOUT}
     * @return this builder
     * @throws InvalidInputException naming {@code ackTimeout} when null or out of range
     */
    public Builder ackTimeout(Duration ackTimeout) {
      Checks.notNull(ackTimeout, "ackTimeout");
      if (ackTimeout.compareTo(MIN_ACK_TIMEOUT) < 0 || ackTimeout.compareTo(MAX_ACK_TIMEOUT) > 0) {
        throw new InvalidInputException("ackTimeout", "must be between " + ConfigKeys.formatDuration(MIN_ACK_TIMEOUT)
            + " and " + ConfigKeys.formatDuration(MAX_ACK_TIMEOUT) + ", was " + ConfigKeys.formatDuration(ackTimeout));
      }
      this.ackTimeout = ackTimeout;
      return this;
    }

    /**
     * Sets {@link SharedFeedOptions#maxInFlight()}.
     *
     * @param maxInFlight 1 to {@value #MAX_MAX_IN_FLIGHT}
     * @return this builder
     * @throws InvalidInputException naming {@code maxInFlight} when out of range
     */
    public Builder maxInFlight(int maxInFlight) {
      if (maxInFlight < 1 || maxInFlight > MAX_MAX_IN_FLIGHT) {
        throw new InvalidInputException("maxInFlight", "must be between 1 and " + MAX_MAX_IN_FLIGHT + ", was "
            + maxInFlight);
      }
      this.maxInFlight = maxInFlight;
      return this;
    }

    /**
     * Sets the options a string map holds under {@value SharedFeedOptions#PREFIX}; see
     * {@link SharedFeedOptions#fromMap}.
     *
     * @param settings the settings; keys of other prefixes are ignored
     * @return this builder
     * @throws InvalidInputException naming the key that is unknown, does not parse or is out of range
     */
    public Builder apply(Map<String, String> settings) {
      ConfigKeys.of(settings, PREFIX, KEY_NAMES)
          .duration("ack-timeout", this::ackTimeout)
          .integer("max-in-flight", this::maxInFlight);
      return this;
    }

    /** @return the options */
    public SharedFeedOptions build() {
      return new SharedFeedOptions(ackTimeout, maxInFlight);
    }
  }
}
