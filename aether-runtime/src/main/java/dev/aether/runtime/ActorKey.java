package dev.aether.runtime;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.support.Checks;
import java.nio.charset.StandardCharsets;

/**
 * The identity of one virtual actor: its aggregate type and its id within that type.
 *
 * <p>The actor's events are stored under {@link #streamId()}, {@code <aggregateType>/<actorId>}, so two
 * aggregate types never share a stream even when their ids are equal. An aggregate type starts with a
 * letter and holds only letters, digits, {@code _}, {@code -} and {@code .} (never {@code /}), so the
 * stream id splits back unambiguously at its first {@code /}. The actor id may hold any character but must
 * not be blank or hold an unpaired UTF-16 surrogate (which has no UTF-8 form), and the stream id must fit in
 * {@link Event#MAX_ACTOR_ID_BYTES} UTF-8 bytes.
 *
 * @param aggregateType the aggregate type, for example {@code Account}
 * @param actorId the actor's id within the type, for example {@code acc-42}
 */
public record ActorKey(String aggregateType, String actorId) {

  /** Separates the aggregate type from the actor id in {@link #streamId()}. */
  public static final char SEPARATOR = '/';

  /**
   * Validates both parts and the length of the stream id.
   *
   * @throws InvalidInputException naming {@code aggregateType} or {@code actorId} when refused
   */
  public ActorKey {
    validAggregateType(aggregateType);
    Checks.wellFormedUtf16(Checks.notBlank(actorId, "actorId"), "actorId");
    // a char is at most 3 UTF-8 bytes (a surrogate pair 4 for 2 chars): encode only ids that may be too long
    int bytes = aggregateType.length() + 1 + (actorId.length() * 3 + aggregateType.length() + 1
        <= Event.MAX_STREAM_ID_BYTES ? actorId.length() : actorId.getBytes(StandardCharsets.UTF_8).length);
    if (bytes > Event.MAX_STREAM_ID_BYTES) {
      throw new InvalidInputException("actorId", "the stream id " + aggregateType + SEPARATOR + "<actorId> is "
          + bytes + " UTF-8 bytes, more than " + Event.MAX_STREAM_ID_BYTES);
    }
  }

  /**
   * Creates a key.
   *
   * @param aggregateType the aggregate type
   * @param actorId the actor id
   * @return the key
   */
  public static ActorKey of(String aggregateType, String actorId) {
    return new ActorKey(aggregateType, actorId);
  }

  /**
   * Reads a key back from a stream id.
   *
   * @param streamId a stream id as made by {@link #streamId()}
   * @return the key
   * @throws InvalidInputException naming {@code streamId} when it has no separator
   */
  public static ActorKey fromStreamId(String streamId) {
    Checks.notBlank(streamId, "streamId");
    int at = streamId.indexOf(SEPARATOR);
    if (at <= 0) {
      throw new InvalidInputException("streamId", "must be <aggregateType>/<actorId>, was \"" + streamId + "\"");
    }
    return new ActorKey(streamId.substring(0, at), streamId.substring(at + 1));
  }

  /**
   * Checks an aggregate type name.
   *
   * @param aggregateType the name
   * @return the name
   * @throws InvalidInputException naming {@code aggregateType} when refused
   */
  public static String validAggregateType(String aggregateType) {
    Checks.notBlank(aggregateType, "aggregateType");
    if (!isName(aggregateType)) {
      throw new InvalidInputException("aggregateType", "must start with a letter and hold only letters, digits,"
          + " '_', '-' and '.', was \"" + aggregateType + "\"");
    }
    return aggregateType;
  }

  /**
   * Whether a stream id is of an aggregate type ({@code <aggregateType>/<actorId>}), found without cutting the
   * id: for a lookup per event among a few aggregate types.
   *
   * @param streamId a stream id
   * @param aggregateType an aggregate type
   * @return whether {@code streamId} starts with {@code aggregateType} and {@code /}
   */
  public static boolean isOfType(String streamId, String aggregateType) {
    return streamId.length() > aggregateType.length() && streamId.charAt(aggregateType.length()) == '/'
        && streamId.startsWith(aggregateType);
  }

  /** @return the id the actor's events and snapshots are stored under: {@code <aggregateType>/<actorId>} */
  public String streamId() {
    return aggregateType + SEPARATOR + actorId;
  }

  @Override
  public String toString() {
    return streamId();
  }

  private static boolean isName(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      boolean other = (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
      if (!(letter || (i > 0 && other))) {
        return false;
      }
    }
    return true;
  }
}
