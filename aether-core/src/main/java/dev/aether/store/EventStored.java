package dev.aether.store;

import dev.aether.event.Event;
import java.time.Instant;

/**
 * Notice that one event was durably stored. Stores emit it to their {@link EventStoredListener} after a
 * successful write only, once per event, in version order; never for a refused or failed write.
 *
 * @param eventId the stored event's id
 * @param streamId the stream (one actor's history)
 * @param version the stored event's version
 * @param timestamp the stored event's timestamp
 */
public record EventStored(String eventId, String streamId, long version, Instant timestamp) {

  /** The event type used when this notice is published as an event. */
  public static final String EVENT_TYPE = "EventStored";

  /**
   * Creates the notice for a stored event.
   *
   * @param event the event that was stored
   * @return the notice
   */
  public static EventStored of(Event event) {
    return new EventStored(event.id(), event.streamId(), event.version(), event.timestamp());
  }

  /**
   * The stream id under its name before issue 10.
   *
   * @return {@link #streamId()}
   * @deprecated use {@link #streamId()}
   */
  @Deprecated(since = "0.10")
  public String actorId() {
    return streamId;
  }
}
