package dev.aether.event;

import dev.aether.InvalidInputException;
import dev.aether.config.ConfigKeys;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The limits on user data that Aether accepts: how deeply a JSON payload may nest, how long one string may
 * be, and how large the JSON may grow. They are checked once, where an {@link Event} or a
 * {@code RuntimeMessage} is built from caller data, so a refused value is refused at the door with an
 * {@link InvalidInputException} naming its path (for example {@code data.items[3].name}) and the limit, and
 * nothing built can fail to encode, to store or to read back.
 *
 * <ul>
 *   <li>{@code maxDepth} ({@value #MAX_DEPTH_KEY}, default {@value #DEFAULT_MAX_DEPTH}): the most objects
 *       and arrays nested in each other in a payload, the payload object itself counting as 1;
 *   <li>{@code maxStringLength} ({@value #MAX_STRING_LENGTH_KEY}, default {@value #DEFAULT_MAX_STRING_LENGTH}):
 *       the most UTF-16 characters of one string: a value or a key of a payload, a metadata key or value,
 *       an event's id, type or command id;
 *   <li>{@code maxBytes} ({@value #MAX_BYTES_KEY}, default {@value #DEFAULT_MAX_BYTES}): the most UTF-8 bytes
 *       of JSON: an event's whole JSON as {@link EventJson} writes it, or a message's payload and metadata
 *       together.
 * </ul>
 *
 * <p>Why these defaults: 64 levels is deeper than any domain document needs and shallow enough for every
 * recursive reader down the line (Jackson data binding, CEL, user code) on any thread's stack; Jackson's own
 * default of 1,000 is the depth at which a stored event could no longer be read. A single event must fit in
 * one NATS message (default {@code max_payload} 1 MiB = 1,048,576 bytes, headers included), so an event's JSON
 * is held to 1,000,000 bytes, leaving room for the commit's headers. A string may take a quarter of that.
 *
 * <p>The limits of a process are {@link #current()}: the defaults, overridden by the system properties above
 * (the keys of {@link #fromMap}), read at the first call that finds them valid. {@link Event.Builder#limits} sets
 * others for one event. Decoding stored JSON applies {@link #CEILINGS} instead, so that whatever any process
 * accepted reads back everywhere.
 * Raising a limit above what the store's messages can hold only moves the refusal to the store.
 *
 * <p>Built only by {@link #builder()} or {@link #fromMap}; no public constructor, so a limit can be added
 * without breaking a caller. Immutable and thread-safe; equal when all limits are equal.
 */
public final class PayloadLimits {

  /** Default {@link #maxDepth()}. */
  public static final int DEFAULT_MAX_DEPTH = 64;
  /** Default {@link #maxStringLength()}: 256 Ki characters. */
  public static final int DEFAULT_MAX_STRING_LENGTH = 262_144;
  /** Default {@link #maxBytes()}: a bit under NATS' default max payload of 1 MiB. */
  public static final int DEFAULT_MAX_BYTES = 1_000_000;
  /**
   * The deepest {@link #maxDepth()} that can be configured, and the depth that decoding accepts: every JSON
   * reader and writer of Aether handles it without deep recursion.
   */
  public static final int MAX_DEPTH_CEILING = 256;
  /** The smallest {@link #maxBytes()}: room for an event's own fields. */
  public static final int MIN_MAX_BYTES = 64;

  /** The prefix of the keys of {@link #fromMap}: {@value}. */
  public static final String PREFIX = "aether.payload.";
  /**
   * System property (and map key) of {@link #maxDepth()}. Formerly {@code aether.payload.maxDepth}: the old
   * name is now refused as an unknown key.
   */
  public static final String MAX_DEPTH_KEY = PREFIX + "max-depth";
  /**
   * System property (and map key) of {@link #maxStringLength()}. Formerly
   * {@code aether.payload.maxStringLength}: the old name is now refused as an unknown key.
   */
  public static final String MAX_STRING_LENGTH_KEY = PREFIX + "max-string-length";
  /**
   * System property (and map key) of {@link #maxBytes()}. Formerly {@code aether.payload.maxBytes}: the old
   * name is now refused as an unknown key.
   */
  public static final String MAX_BYTES_KEY = PREFIX + "max-bytes";

  private static final Set<String> KEY_NAMES = Set.of("max-depth", "max-string-length", "max-bytes");

  /** The built-in defaults. */
  public static final PayloadLimits DEFAULTS =
      new PayloadLimits(DEFAULT_MAX_DEPTH, DEFAULT_MAX_STRING_LENGTH, DEFAULT_MAX_BYTES);
  /** The widest limits: what decoding stored JSON accepts (depth {@value #MAX_DEPTH_CEILING}, no others). */
  public static final PayloadLimits CEILINGS =
      new PayloadLimits(MAX_DEPTH_CEILING, Integer.MAX_VALUE, Integer.MAX_VALUE);

  /** {@link #current()}, once read; null before (or while the system properties are refused). */
  private static volatile PayloadLimits current;

  private final int maxDepth;
  private final int maxStringLength;
  private final int maxBytes;

  private PayloadLimits(int maxDepth, int maxStringLength, int maxBytes) {
    this.maxDepth = maxDepth;
    this.maxStringLength = maxStringLength;
    this.maxBytes = maxBytes;
  }

  /**
   * The deepest nesting of objects and arrays in a payload, the payload itself counting as 1.
   *
   * @return 1 to {@value #MAX_DEPTH_CEILING}
   */
  public int maxDepth() {
    return maxDepth;
  }

  /**
   * The longest string, in UTF-16 characters.
   *
   * @return at least 1
   */
  public int maxStringLength() {
    return maxStringLength;
  }

  /**
   * The largest JSON, in UTF-8 bytes.
   *
   * @return at least {@value #MIN_MAX_BYTES}
   */
  public int maxBytes() {
    return maxBytes;
  }

  /**
   * The limits of this process: {@link #DEFAULTS}, overridden by the system properties
   * {@value #MAX_DEPTH_KEY}, {@value #MAX_STRING_LENGTH_KEY} and {@value #MAX_BYTES_KEY}, read at the first
   * call that finds them valid (and kept from then on).
   *
   * @return the limits
   * @throws InvalidInputException naming the property when one is not a number in range, or when a system
   *     property under {@value #PREFIX} is not one of the three (such as the old {@code aether.payload.maxDepth}):
   *     at every call while it is so (never an {@link Error} of a failed class initialisation)
   */
  public static PayloadLimits current() {
    PayloadLimits limits = current;
    if (limits == null) {
      limits = fromMap(ConfigKeys.fromProperties(System.getProperties()));
      current = limits;
    }
    return limits;
  }

  /** Forgets the limits read from the system properties, so that the next {@link #current()} reads them (tests). */
  static void forgetCurrent() {
    current = null;
  }

  /**
   * Reads limits from a string map with the keys {@value #MAX_DEPTH_KEY}, {@value #MAX_STRING_LENGTH_KEY}
   * and {@value #MAX_BYTES_KEY} (integers, see {@link ConfigKeys}); a missing key keeps its default, keys
   * outside {@value #PREFIX} are ignored.
   *
   * @param settings the settings, for example {@code ConfigKeys.fromProperties(System.getProperties())}
   * @return the limits
   * @throws InvalidInputException naming the key whose value is not a number in range, or a key under
   *     {@value #PREFIX} that is not one of the three
   */
  public static PayloadLimits fromMap(Map<String, String> settings) {
    return builder().apply(settings).build();
  }

  /** @return a builder holding the defaults */
  public static Builder builder() {
    return new Builder(DEFAULTS);
  }

  /** @return a builder holding these limits */
  public Builder toBuilder() {
    return new Builder(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PayloadLimits other && maxDepth == other.maxDepth
        && maxStringLength == other.maxStringLength && maxBytes == other.maxBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxDepth, maxStringLength, maxBytes);
  }

  @Override
  public String toString() {
    return "PayloadLimits[maxDepth=" + maxDepth + ", maxStringLength=" + maxStringLength + ", maxBytes="
        + maxBytes + "]";
  }

  private static int range(int value, int min, int max, String field) {
    if (value < min || value > max) {
      throw new InvalidInputException(field, "must be between " + min + " and " + max + ", was " + value);
    }
    return value;
  }

  /** Builds {@link PayloadLimits}. Each setter checks its range at once. Not thread-safe. */
  public static final class Builder {
    private int maxDepth;
    private int maxStringLength;
    private int maxBytes;

    private Builder(PayloadLimits from) {
      maxDepth = from.maxDepth;
      maxStringLength = from.maxStringLength;
      maxBytes = from.maxBytes;
    }

    /**
     * Sets {@link PayloadLimits#maxDepth()}.
     *
     * @param maxDepth 1 to {@value PayloadLimits#MAX_DEPTH_CEILING}
     * @return this builder
     * @throws InvalidInputException naming {@code maxDepth} when out of range
     */
    public Builder maxDepth(int maxDepth) {
      this.maxDepth = range(maxDepth, 1, MAX_DEPTH_CEILING, "maxDepth");
      return this;
    }

    /**
     * Sets {@link PayloadLimits#maxStringLength()}.
     *
     * @param maxStringLength at least 1
     * @return this builder
     * @throws InvalidInputException naming {@code maxStringLength} when out of range
     */
    public Builder maxStringLength(int maxStringLength) {
      this.maxStringLength = range(maxStringLength, 1, Integer.MAX_VALUE, "maxStringLength");
      return this;
    }

    /**
     * Sets {@link PayloadLimits#maxBytes()}.
     *
     * @param maxBytes at least {@value PayloadLimits#MIN_MAX_BYTES}
     * @return this builder
     * @throws InvalidInputException naming {@code maxBytes} when out of range
     */
    public Builder maxBytes(int maxBytes) {
      this.maxBytes = range(maxBytes, MIN_MAX_BYTES, Integer.MAX_VALUE, "maxBytes");
      return this;
    }

    /**
     * Sets the limits a string map holds under {@value PayloadLimits#PREFIX}; see {@link PayloadLimits#fromMap}.
     *
     * @param settings the settings; keys of other prefixes are ignored
     * @return this builder
     * @throws InvalidInputException naming the key that is unknown, not an integer or out of range
     */
    public Builder apply(Map<String, String> settings) {
      ConfigKeys.of(settings, PREFIX, KEY_NAMES)
          .integer("max-depth", this::maxDepth)
          .integer("max-string-length", this::maxStringLength)
          .integer("max-bytes", this::maxBytes);
      return this;
    }

    /**
     * Builds the limits.
     *
     * @return the limits
     */
    public PayloadLimits build() {
      return new PayloadLimits(maxDepth, maxStringLength, maxBytes);
    }
  }
}
