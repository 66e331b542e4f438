package dev.aether.store;

import dev.aether.event.EventDecodingException;
import java.util.Objects;

/**
 * A feed reached a stored record that cannot be decoded into events (written by something other than Aether,
 * or damaged). A feed never skips such a record silently: the poll that reaches it throws this instead.
 *
 * <p>A {@link FeedReader} stops in front of the record: every later poll throws this again, and its
 * {@link FeedReader#position()} stays before the record. To skip it deliberately (after inspecting
 * {@link #error()}), open a new reader {@link FeedStart#after(FeedPosition) after} {@link #positionAfter()}.
 * A {@link SharedFeed} leaves the record unacknowledged: it comes back after the ack timeout and fails a poll
 * of some member again, until someone repairs or removes it.
 *
 * <p>Non-transient: reading the record again gives the same failure.
 */
public class UnreadableFeedRecordException extends EventDecodingException {

  private final int partition;
  private final transient ReplayError error;
  private final FeedPosition positionAfter;

  /**
   * Creates the failure.
   *
   * @param partition the partition holding the record
   * @param error the record: its commit sequence ({@link ReplayError#position()}), bytes and cause
   * @param positionAfter the reader's position with the record counted as delivered
   */
  public UnreadableFeedRecordException(int partition, ReplayError error, FeedPosition positionAfter) {
    super("the event feed holds an undecodable record in partition " + partition + " at commit sequence "
        + Objects.requireNonNull(error, "error").position() + ": " + error.cause().getMessage()
        + " (it is never skipped silently; to skip it, open a reader after " + positionAfter + ")", error.cause());
    this.partition = partition;
    this.error = error;
    this.positionAfter = positionAfter;
  }

  /** @return the partition holding the record */
  public int partition() {
    return partition;
  }

  /** @return the record: commit sequence, bytes and cause */
  public ReplayError error() {
    return error;
  }

  /** @return the position just after the record: open a reader after it to skip the record deliberately */
  public FeedPosition positionAfter() {
    return positionAfter;
  }
}
