package dev.aether.bus;

import dev.aether.InvalidInputException;
import java.util.Locale;

/**
 * Read access to an event bus's per-namespace counters, backed by the same Micrometer meters the bus
 * registers, so they can be read without Micrometer. Keys: {@link #published(String)} is per namespace
 * published to; the subscriber-side counters are per subscription pattern, which is the namespace itself for
 * exact subscriptions and the pattern text (for example {@code prod.>}) for wildcard ones. An unknown key
 * reads as zero.
 *
 * <p>Meters (each tagged {@code bus} with the bus's name and {@code namespace} with the key):
 * <ul>
 *   <li>{@value #PUBLISHED} (counter): events accepted by {@code publish};</li>
 *   <li>{@value #RECEIVED} (counter): events a subscriber's handler was called with and returned from;</li>
 *   <li>{@value #DROPPED} (counter): events dropped because a subscriber's queue was full;</li>
 *   <li>{@value #ERRORS} (counter, extra tag {@code kind}: {@code publish}, {@code subscribe},
 *       {@code handler}): refused publishes and subscriptions on a closed bus, handler exceptions, and on a
 *       remote bus sends and network messages that failed;</li>
 *   <li>{@value #ACTIVE_SUBSCRIPTIONS} (gauge): subscriptions currently active.</li>
 * </ul>
 * Invalid input (a malformed namespace, a null event) is refused before anything is counted.
 *
 * <p>Implementations are thread-safe; values read while events flow are a consistent-enough snapshot of each
 * counter, not of all of them together.
 */
public interface BusMetrics {

  /** Meter name of the published-events counter. */
  String PUBLISHED = "aether.bus.events.published";
  /** Meter name of the received-events counter. */
  String RECEIVED = "aether.bus.events.received";
  /** Meter name of the dropped-events counter. */
  String DROPPED = "aether.bus.events.dropped";
  /** Meter name of the errors counter. */
  String ERRORS = "aether.bus.errors";
  /** Meter name of the active-subscriptions gauge. */
  String ACTIVE_SUBSCRIPTIONS = "aether.bus.subscriptions.active";

  /** What kind of failure an error count is about; the value of the {@code kind} tag. */
  enum ErrorKind {
    /** A publish refused because the bus was closed (or, on a remote bus, could not be sent). */
    PUBLISH,
    /**
     * A subscribe refused because the bus was closed (or a delivery thread could not be made); on a remote
     * bus also a network subscription that could not be made, or a message from the network that could not
     * be read.
     */
    SUBSCRIBE,
    /** A subscriber's handler threw. */
    HANDLER;

    /**
     * The tag value.
     *
     * @return the lower-case name, for example {@code handler}
     */
    public String tagValue() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Events published to a namespace.
   *
   * @param namespace the namespace
   * @return the count, 0 when unknown
   * @throws InvalidInputException naming {@code namespace} when it is null
   */
  long published(String namespace);

  /**
   * Events delivered to subscriber handlers of one subscription pattern.
   *
   * @param pattern an exact namespace or a wildcard pattern, as subscribed
   * @return the count over all its subscriptions, 0 when unknown
   * @throws InvalidInputException naming {@code pattern} when it is null
   */
  long received(String pattern);

  /**
   * Events dropped for subscribers of one subscription pattern because a queue was full.
   *
   * @param pattern an exact namespace or a wildcard pattern, as subscribed
   * @return the count over all its subscriptions, 0 when unknown
   * @throws InvalidInputException naming {@code pattern} when it is null
   */
  long dropped(String pattern);

  /**
   * Errors of every kind for a namespace or subscription pattern.
   *
   * @param key a namespace (publish errors) or a subscription pattern (subscribe and handler errors)
   * @return the sum over all kinds, 0 when unknown
   * @throws InvalidInputException naming {@code key} when it is null
   */
  long errors(String key);

  /**
   * Errors of one kind for a namespace or subscription pattern.
   *
   * @param key a namespace (publish errors) or a subscription pattern (subscribe and handler errors)
   * @param kind the kind
   * @return the count, 0 when unknown
   * @throws InvalidInputException naming {@code key} or {@code kind} when it is null
   */
  long errors(String key, ErrorKind kind);

  /**
   * Subscriptions currently active with one pattern.
   *
   * @param pattern an exact namespace or a wildcard pattern, as subscribed
   * @return the count, 0 when unknown
   * @throws InvalidInputException naming {@code pattern} when it is null
   */
  int activeSubscriptions(String pattern);

  /**
   * Subscriptions currently active on the bus, whatever their pattern.
   *
   * @return the count
   */
  int totalActiveSubscriptions();
}
