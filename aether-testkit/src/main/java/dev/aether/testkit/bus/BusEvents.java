package dev.aether.testkit.bus;

import dev.aether.event.Event;
import java.util.UUID;

/**
 * Small event and namespace factories for event bus tests.
 *
 * <p>Absence is checked with a <b>fence</b>: after the events that must not arrive, the same thread
 * publishes a fence event that must arrive. A subscription receives one publisher's events in order, so
 * once the fence is there, anything wrongly routed would be there too, and no test has to sleep.
 */
public final class BusEvents {

  /** The event type of fence events. */
  public static final String FENCE = "Fence";

  private BusEvents() {}

  /**
   * An event of actor {@code actor-1}, version 1.
   *
   * @param type the event type
   * @return the event, with a fresh id and the current time
   */
  public static Event event(String type) {
    return event(type, "actor-1", 1);
  }

  /**
   * An event of version 1.
   *
   * @param type the event type
   * @param streamId the stream id
   * @return the event
   */
  public static Event event(String type, String streamId) {
    return event(type, streamId, 1);
  }

  /**
   * An event.
   *
   * @param type the event type
   * @param streamId the stream id
   * @param version the version, &gt; 0
   * @return the event
   */
  public static Event event(String type, String streamId, long version) {
    return Event.builder().eventType(type).streamId(streamId).version(version).build();
  }

  /**
   * An event of type {@code Numbered} whose version tells it apart, for order checks.
   *
   * @param version the version, &gt; 0
   * @return the event
   */
  public static Event version(long version) {
    return event("Numbered", "actor-1", version);
  }

  /**
   * A fence event (type {@link #FENCE}).
   *
   * @return the event
   */
  public static Event fence() {
    return event(FENCE);
  }

  /**
   * A namespace token no other call returns, so tests never share namespaces.
   *
   * @return {@code ns-} followed by a random UUID
   */
  public static String freshNamespace() {
    return "ns-" + UUID.randomUUID();
  }
}
