package dev.aether.store;

import dev.aether.event.Event;
import dev.aether.support.Checks;

/**
 * One event read from an {@link EventFeed}, with where it stands in the feed.
 *
 * @param event the stored event
 * @param partition the partition the event's stream belongs to (always 0 in a store of one partition)
 * @param position for a {@link FeedReader}: the reader's whole position just after this event, what to
 *     checkpoint once the event is handled; for a {@link SharedFeed}: the event's own position in its
 *     partition (only that partition set), for comparisons with {@link FeedPosition#covers}
 */
public record FeedEntry(Event event, int partition, FeedPosition position) {

  /** Refuses null components and a negative partition with an {@link dev.aether.InvalidInputException}. */
  public FeedEntry {
    Checks.notNull(event, "event");
    Checks.notNegative(partition, "partition");
    Checks.notNull(position, "position");
  }
}
