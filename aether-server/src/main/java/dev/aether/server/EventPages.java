package dev.aether.server;

import dev.aether.event.Event;
import dev.aether.store.EventStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Pages of an actor's history for the events routes: reads the version range a page covers, so a page costs its
 * own events and not the rest of the history.
 */
final class EventPages {

  private EventPages() {}

  /**
   * Reads up to {@code limit} stored events from a version on: nothing more than the latest version when the
   * history ends before {@code from}, else the range {@code [from, from + limit - 1]}, and past it only when the
   * page came out short while the history goes on, which happens only for versions stored apart ({@code
   * saveEvent} allows gaps; the runtime never leaves one).
   *
   * @param store the store
   * @param streamId the actor
   * @param from the first version wanted, at least 1
   * @param limit the most events, at least 1
   * @return the events in version order
   * @throws dev.aether.store.UnreadableHistoryException when a record read cannot be decoded
   */
  static List<Event> page(EventStore store, String streamId, long from, int limit) {
    long latest = store.getLatestVersion(streamId);
    if (latest < from) {
      return List.of(); // the usual answer to a caught-up stream's poll: one read of the latest version
    }
    long to = from > Long.MAX_VALUE - limit ? Long.MAX_VALUE : from + limit - 1;
    List<Event> events = store.getEventsWithErrors(streamId, from, to).eventsOrThrow(streamId);
    if (events.size() == limit || to >= latest) {
      return events;
    }
    List<Event> after = store.getEventsWithErrors(streamId, to + 1).eventsOrThrow(streamId);
    List<Event> page = new ArrayList<>(events);
    page.addAll(after.subList(0, Math.min(limit - events.size(), after.size())));
    return page;
  }
}
