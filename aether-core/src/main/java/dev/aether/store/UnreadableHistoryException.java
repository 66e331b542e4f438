package dev.aether.store;

import dev.aether.event.EventDecodingException;
import java.util.List;

/**
 * An actor's stored history holds records that cannot be decoded, so {@link EventStore#getEvents} cannot
 * return it whole: it throws this instead of skipping them. Non-transient: reading again gives the same
 * records. {@link EventStore#getEventsWithErrors} returns the readable events together with the
 * {@link ReplayError}s, for tools that repair or inspect a history.
 */
public class UnreadableHistoryException extends EventDecodingException {

  private final String streamId;
  private final transient List<ReplayError> errors;

  /**
   * Creates the failure of one read.
   *
   * @param streamId the stream (one actor's history) whose history was read
   * @param errors the undecodable records, in store order; at least one
   */
  public UnreadableHistoryException(String streamId, List<ReplayError> errors) {
    super(message(streamId, errors), errors.getFirst().cause());
    this.streamId = streamId;
    this.errors = List.copyOf(errors);
  }

  /** @return the actor whose history holds the undecodable records */
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

  /** @return the undecodable records, in store order, with their positions, bytes and causes */
  public List<ReplayError> errors() {
    return errors;
  }

  private static String message(String streamId, List<ReplayError> errors) {
    ReplayError first = errors.getFirst();
    return "the history of actor \"" + streamId + "\" holds " + errors.size() + " undecodable record"
        + (errors.size() == 1 ? "" : "s") + ", the first at position " + first.position() + ": "
        + first.cause().getMessage() + " (getEventsWithErrors returns the readable events and every error)";
  }
}
