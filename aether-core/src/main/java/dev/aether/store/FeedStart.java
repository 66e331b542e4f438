package dev.aether.store;

import dev.aether.support.Checks;

/**
 * Where a reader of an {@link EventFeed} begins: at the beginning of the log, at its end (only events stored
 * after the reader was opened), or just after a stored {@link FeedPosition}. A closed family: build one with
 * {@link #beginning()}, {@link #now()} or {@link #after(FeedPosition)}.
 */
public sealed interface FeedStart permits FeedStart.Beginning, FeedStart.Now, FeedStart.After {

  /**
   * Starts before the first event: every stored event is delivered.
   *
   * @return the start
   */
  static FeedStart beginning() {
    return Beginning.INSTANCE;
  }

  /**
   * Starts at the end of the log as it is when the reader is opened: only events stored afterwards are
   * delivered. The reader's initial {@link FeedReader#position()} is the store's {@link EventFeed#head()} at
   * that moment.
   *
   * @return the start
   */
  static FeedStart now() {
    return Now.INSTANCE;
  }

  /**
   * Starts just after a position, typically a checkpoint: the events after it are delivered, none before or
   * at it. {@code after(FeedPosition.START)} is the same as {@link #beginning()}.
   *
   * @param position the position, for example {@code FeedPosition.parse(checkpoint)}
   * @return the start
   * @throws dev.aether.InvalidInputException naming {@code position} when it is null
   */
  static FeedStart after(FeedPosition position) {
    return new After(position);
  }

  /** Start before the first event. */
  record Beginning() implements FeedStart {
    static final Beginning INSTANCE = new Beginning();
  }

  /** Start after the last event stored when the reader opens. */
  record Now() implements FeedStart {
    static final Now INSTANCE = new Now();
  }

  /**
   * Start just after a position.
   *
   * @param position the last position already handled
   */
  record After(FeedPosition position) implements FeedStart {
    /** Refuses a null position with an {@link dev.aether.InvalidInputException} naming {@code position}. */
    public After {
      Checks.notNull(position, "position");
    }
  }
}
