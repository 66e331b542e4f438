package dev.aether.store;

import dev.aether.InvalidInputException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

/**
 * A commit ({@link EventStore#append} or {@link EventStore#saveEvent}) refused because its encoded events
 * exceed what the store accepts in one commit. Nothing was stored. Non-transient: the same commit is refused
 * again; smaller commits (fewer events) may fit.
 *
 * <p>Sizes are in the store's commit bytes: {@link #eventSizes()} holds what each event of the refused commit
 * takes in a commit (its encoding plus its share of the commit's framing), measured while the store encoded
 * it; {@link #limit()} is the most such bytes one commit may hold ({@link EventStore#maxCommitBytes()} at the
 * time). A list of events fits in one commit iff the sum of their sizes is at most the limit, so a caller
 * can split a refused batch without encoding anything itself: the runtime's group commit does.
 *
 * <p>Immutable and thread-safe. The field it names is {@code events}.
 */
public class CommitTooLargeException extends InvalidInputException {

  private final String streamId;
  private final long limit;
  private final long[] eventSizes;
  private final String limitDetail;

  /**
   * Creates the refusal of a commit.
   *
   * @param streamId the stream (one actor's history) written to
   * @param eventSizes the commit bytes of each event of the refused commit, in commit order
   * @param limit the most commit bytes one commit may hold
   * @param detail what limits the store (for example {@code "the NATS server's max payload of 65536 bytes"})
   */
  public CommitTooLargeException(String streamId, long[] eventSizes, long limit, String detail) {
    super("events", "the commit to actor \"" + streamId + "\" takes " + LongStream.of(eventSizes).sum()
        + " bytes for " + eventSizes.length + " event(s), above the store's limit of " + limit
        + " bytes per commit (" + detail + "); nothing was stored");
    this.streamId = streamId;
    this.limit = limit;
    this.eventSizes = eventSizes.clone();
    this.limitDetail = detail;
  }

  /** @return what limits the store's commits, for messages (for example the server's max payload) */
  public String limitDetail() {
    return limitDetail;
  }

  /** @return the actor written to */
  public String streamId() {
    return streamId;
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

  /** @return the commit bytes of the refused commit (the sum of {@link #eventSizes()}) */
  public long size() {
    return LongStream.of(eventSizes).sum();
  }

  /** @return the most commit bytes one commit may hold */
  public long limit() {
    return limit;
  }

  /** @return the commit bytes of each event of the refused commit, in commit order (unmodifiable) */
  public List<Long> eventSizes() {
    return Arrays.stream(eventSizes).boxed().toList();
  }

  /**
   * The commit bytes of one event of the refused commit.
   *
   * @param index the event's position in the commit
   * @return its size
   * @throws IndexOutOfBoundsException when there is no such event
   */
  public long eventSize(int index) {
    return eventSizes[index];
  }
}
