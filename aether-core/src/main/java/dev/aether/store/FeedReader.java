package dev.aether.store;

import dev.aether.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One reader of an {@link EventFeed}: every event of every partition, each partition in stored order, from
 * where it was opened. It keeps no state in the store: its {@link #position()} is the caller's checkpoint.
 *
 * <p>Thread-safety: {@link #poll} and {@link #position()} are for one thread at a time (or calls handed over
 * with a happens-before edge); {@link #close()} may be called from any thread and wakes a waiting poll.
 */
public interface FeedReader extends AutoCloseable {

  /**
   * Returns the next entries, waiting up to {@code wait} for at least one.
   *
   * <p>An interrupt ends the wait: the poll returns what it has (maybe nothing) with the interrupt flag set.
   *
   * @param max the most entries to return, positive
   * @param wait the longest wait for the first entry; zero returns what is available at once
   * @return 1 to {@code max} entries in feed order, or an empty list when none came within {@code wait}
   * @throws dev.aether.InvalidInputException naming {@code max} when it is not positive, {@code wait} when it
   *     is null or negative
   * @throws UnreadableFeedRecordException when the next record cannot be decoded (entries before it are
   *     returned first; the reader stays in front of it)
   * @throws FeedClosedException when the reader or its store is closed
   * @throws StoreUnavailableException when the store failed and the reader cannot go on
   */
  List<FeedEntry> poll(int max, Duration wait);

  /**
   * Returns the events {@link #poll} would return, without a position per event: for a reader that only
   * needs the position after the whole batch ({@link #position()}), such as a projection that saves it once
   * per batch. A store's reader may override it to skip building a {@link FeedEntry} and a
   * {@link FeedPosition} per event; the default maps {@link #poll}.
   *
   * @param max the most events to return, positive
   * @param wait the longest wait for the first event; zero returns what is available at once
   * @return 1 to {@code max} events in feed order, or an empty list when none came within {@code wait}; then
   *     {@link #position()} is the position after the last of them, as after {@link #poll}
   * @throws dev.aether.InvalidInputException as {@link #poll} does
   * @throws UnreadableFeedRecordException as {@link #poll} does
   * @throws FeedClosedException as {@link #poll} does
   * @throws StoreUnavailableException as {@link #poll} does
   */
  default List<Event> pollEvents(int max, Duration wait) {
    List<FeedEntry> entries = poll(max, wait);
    List<Event> events = new ArrayList<>(entries.size());
    for (FeedEntry entry : entries) {
      events.add(entry.event());
    }
    return events;
  }

  /**
   * The position after the last entry returned by {@link #poll} (or event returned by {@link #pollEvents}):
   * where the reader was opened, until the first entry.
   *
   * @return the position; store it to resume later with {@link FeedStart#after(FeedPosition)}
   */
  FeedPosition position();

  /** Releases the reader (its consumers); idempotent. Later polls throw {@link FeedClosedException}. */
  @Override
  void close();
}
