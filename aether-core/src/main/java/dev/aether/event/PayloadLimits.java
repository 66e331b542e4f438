package dev.aether.event;

import dev.aether.InvalidInputException;
import java.util.Map;

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
 * <p>The limits of a process are {@link #current()}: the defaults, overridden by the system properties above,
 * read once. {@link Event.Builder#limits} sets others for one event. Decoding stored JSON applies
 * {@link #CEILINGS} instead, so that whatever any process accepted reads back everywhere. Raising a limit
 * above what the store's messages can hold only moves the refusal to the store.
 *
 * @param maxDepth the deepest nesting; 1 to {@value #MAX_DEPTH_CEILING}
 * @param maxStringLength the longest string in UTF-16 characters; at least 1
 * @param maxBytes the largest JSON in UTF-8 bytes; at least 64
 */
public record PayloadLimits(int maxDepth, int maxStringLength, int maxBytes) {

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

  /** System property (and map key) of {@link #maxDepth()}. */
  public static final String MAX_DEPTH_KEY = "aether.payload.maxDepth";
  /** System property (and map key) of {@link #maxStringLength()}. */
  public static final String MAX_STRING_LENGTH_KEY = "aether.payload.maxStringLength";
  /** System property (and map key) of {@link #maxBytes()}. */
  public static final String MAX_BYTES_KEY = "aether.payload.maxBytes";

  /** The built-in defaults. */
  public static final PayloadLimits DEFAULTS =
      new PayloadLimits(DEFAULT_MAX_DEPTH, DEFAULT_MAX_STRING_LENGTH, DEFAULT_MAX_BYTES);
  /** The widest limits: what decoding stored JSON accepts (depth {@value #MAX_DEPTH_CEILING}, no others). */
  public static final PayloadLimits CEILINGS =
      new PayloadLimits(MAX_DEPTH_CEILING, Integer.MAX_VALUE, Integer.MAX_VALUE);

  /**
   * Validates the ranges.
   *
   * @throws InvalidInputException naming the setting out of range
   */
  public PayloadLimits {
    range(maxDepth, 1, MAX_DEPTH_CEILING, "maxDepth");
    range(maxStringLength, 1, Integer.MAX_VALUE, "maxStringLength");
    range(maxBytes, MIN_MAX_BYTES, Integer.MAX_VALUE, "maxBytes");
  }

  /**
   * The limits of this process: {@link #DEFAULTS}, overridden by the system properties
   * {@value #MAX_DEPTH_KEY}, {@value #MAX_STRING_LENGTH_KEY} and {@value #MAX_BYTES_KEY}, read at the first
   * call.
   *
   * @return the limits
   * @throws InvalidInputException naming the property when one is not a number in range
   */
  public static PayloadLimits current() {
    return Current.LIMITS;
  }

  /**
   * Reads limits from a string map with the keys {@value #MAX_DEPTH_KEY}, {@value #MAX_STRING_LENGTH_KEY}
   * and {@value #MAX_BYTES_KEY}; a missing key keeps its default, other keys are ignored.
   *
   * @param settings the settings, for example {@code System.getProperties()}
   * @return the limits
   * @throws InvalidInputException naming the key whose value is not a number in range
   */
  public static PayloadLimits fromMap(Map<?, ?> settings) {
    return new PayloadLimits(
        number(settings, MAX_DEPTH_KEY, DEFAULT_MAX_DEPTH),
        number(settings, MAX_STRING_LENGTH_KEY, DEFAULT_MAX_STRING_LENGTH),
        number(settings, MAX_BYTES_KEY, DEFAULT_MAX_BYTES));
  }

  /** @return a builder holding the defaults */
  public static Builder builder() {
    return new Builder(DEFAULTS);
  }

  /** @return a builder holding these limits */
  public Builder toBuilder() {
    return new Builder(this);
  }

  private static int number(Map<?, ?> settings, String key, int fallback) {
    Object value = settings.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.toString().trim().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new InvalidInputException(key, "not a number: \"" + value + "\"", e);
    }
  }

  private static void range(int value, int min, int max, String field) {
    if (value < min || value > max) {
      throw new InvalidInputException(field, "must be between " + min + " and " + max + ", was " + value);
    }
  }

  /** Holds the process's limits, read at first use. */
  private static final class Current {
    static final PayloadLimits LIMITS = fromMap(System.getProperties());
  }

  /** Builds {@link PayloadLimits}. Not thread-safe; {@link #build()} validates. */
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
     */
    public Builder maxDepth(int maxDepth) {
      range(maxDepth, 1, MAX_DEPTH_CEILING, "maxDepth");
      this.maxDepth = maxDepth;
      return this;
    }

    /**
     * Sets {@link PayloadLimits#maxStringLength()}.
     *
     * @param maxStringLength at least 1
     * @return this builder
     */
    public Builder maxStringLength(int maxStringLength) {
      range(maxStringLength, 1, Integer.MAX_VALUE, "maxStringLength");
      this.maxStringLength = maxStringLength;
      return this;
    }

    /**
     * Sets {@link PayloadLimits#maxBytes()}.
     *
     * @param maxBytes at least {@value PayloadLimits#MIN_MAX_BYTES}
     * @return this builder
     */
    public Builder maxBytes(int maxBytes) {
      range(maxBytes, MIN_MAX_BYTES, Integer.MAX_VALUE, "maxBytes");
      this.maxBytes = maxBytes;
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
