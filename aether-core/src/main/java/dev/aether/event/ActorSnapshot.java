package dev.aether.event;

import dev.aether.InvalidInputException;
import dev.aether.support.Checks;
import dev.aether.support.JsonValues;
import java.time.Instant;
import java.util.Map;

/**
 * The state of one actor as of one version, saved so that activation can replay only the events after it.
 *
 * <p>{@code schema} names the shape of {@code state} (for example the behaviour or model version that wrote
 * it); a reader whose schema differs ignores the snapshot and replays from the beginning instead. The state
 * is deep-copied and unmodifiable, with numbers normalised as in {@link Event#data()}.
 *
 * @param streamId the stream (one actor's history); not blank
 * @param version the last event version reflected in {@code state}; at least 1
 * @param state the actor's state as a JSON object
 * @param timestamp when the snapshot was taken
 * @param schema the state's schema tag; may be empty, never null
 * @throws InvalidInputException naming the refused field
 */
public record ActorSnapshot(String streamId, long version, Map<String, Object> state, Instant timestamp,
    String schema) {

  /** Validates every field and copies {@code state} deeply. */
  public ActorSnapshot {
    Event.validStreamId(streamId);
    Checks.positive(version, "version");
    state = JsonValues.copyObject(state, "state");
    Checks.notNull(timestamp, "timestamp");
    Checks.notNull(schema, "schema");
  }

  /**
   * Creates a snapshot taken now with an empty schema tag.
   *
   * @param streamId the stream (one actor's history)
   * @param version the last event version reflected in {@code state}
   * @param state the state
   * @return the snapshot
   */
  public static ActorSnapshot of(String streamId, long version, Map<String, ?> state) {
    @SuppressWarnings("unchecked") // copied deeply by the canonical constructor
    Map<String, Object> values = (Map<String, Object>) state;
    return new ActorSnapshot(streamId, version, values, Instant.now(), "");
  }

  /**
   * Returns a copy of this snapshot with another schema tag.
   *
   * @param newSchema the schema tag; not null
   * @return the copy
   */
  public ActorSnapshot withSchema(String newSchema) {
    return new ActorSnapshot(streamId, version, state, timestamp, newSchema);
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
