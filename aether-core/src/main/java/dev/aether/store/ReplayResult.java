package dev.aether.store;

import dev.aether.event.Event;
import java.util.List;

/**
 * The outcome of a replay that reports undecodable records instead of skipping them silently.
 *
 * @param events the decodable events, in version order (unmodifiable)
 * @param errors one entry per undecodable record, in store order (unmodifiable)
 */
public record ReplayResult(List<Event> events, List<ReplayError> errors) {

  /** Copies both lists. */
  public ReplayResult {
    events = List.copyOf(events);
    errors = List.copyOf(errors);
  }

  /** @return whether any record could not be decoded */
  public boolean hasErrors() {
    return !errors.isEmpty();
  }

  /**
   * The events, when every record was decoded: what {@link EventStore#getEvents} returns.
   *
   * @param streamId the stream (one actor's history) that was read, named in the error
   * @return {@link #events()}
   * @throws UnreadableHistoryException when {@link #errors()} is not empty
   */
  public List<Event> eventsOrThrow(String streamId) {
    if (!errors.isEmpty()) {
      throw new UnreadableHistoryException(streamId, errors);
    }
    return events;
  }
}
