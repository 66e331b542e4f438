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

  private final String actorId;
  private final transient List<ReplayError> errors;

  /**
   * Creates the failure of one read.
   *
   * @param actorId the actor whose history was read
   * @param errors the undecodable records, in store order; at least one
   */
  public UnreadableHistoryException(String actorId, List<ReplayError> errors) {
    super(message(actorId, errors), errors.getFirst().cause());
    this.actorId = actorId;
    this.errors = List.copyOf(errors);
  }

  /** @return the actor whose history holds the undecodable records */
  public String actorId() {
    return actorId;
  }

  /** @return the undecodable records, in store order, with their positions, bytes and causes */
  public List<ReplayError> errors() {
    return errors;
  }

  private static String message(String actorId, List<ReplayError> errors) {
    ReplayError first = errors.getFirst();
    return "the history of actor \"" + actorId + "\" holds " + errors.size() + " undecodable record"
        + (errors.size() == 1 ? "" : "s") + ", the first at position " + first.position() + ": "
        + first.cause().getMessage() + " (getEventsWithErrors returns the readable events and every error)";
  }
}
