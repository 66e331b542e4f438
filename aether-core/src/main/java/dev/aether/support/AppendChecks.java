package dev.aether.support;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import java.util.List;

/**
 * Argument checks of {@code EventStore.append}, shared by every store. A helper for store, bus and runtime
 * implementations (see the package).
 */
public final class AppendChecks {

  private AppendChecks() {}

  /**
   * Checks a batch append's arguments.
   *
   * @param streamId the stream (one actor's history)
   * @param expectedVersion the expected current version
   * @param events the batch
   * @return the batch as an immutable list
   * @throws InvalidInputException naming the first refused argument
   */
  public static List<Event> check(String streamId, long expectedVersion, List<Event> events) {
    Event.validStreamId(streamId);
    Checks.notNegative(expectedVersion, "expectedVersion");
    Checks.notNull(events, "events");
    if (events.isEmpty()) {
      throw new InvalidInputException("events", "must not be empty");
    }
    long previous = expectedVersion;
    for (int i = 0; i < events.size(); i++) {
      Event event = Checks.notNull(events.get(i), "events[" + i + "]");
      if (!event.streamId().equals(streamId)) {
        throw new InvalidInputException("events[" + i + "].streamId",
            "must be \"" + streamId + "\", was \"" + event.streamId() + "\"");
      }
      if (event.version() <= previous) {
        throw new InvalidInputException("events[" + i + "].version",
            "must be greater than " + previous + ", was " + event.version());
      }
      previous = event.version();
    }
    return List.copyOf(events);
  }

  /**
   * Checks the version bound of a read.
   *
   * @param streamId the stream (one actor's history)
   * @param fromVersion the first version wanted
   */
  public static void checkRead(String streamId, long fromVersion) {
    Event.validStreamId(streamId);
    Checks.notNegative(fromVersion, "fromVersion");
  }

  /**
   * Checks the version bounds of a read of a range.
   *
   * @param streamId the stream (one actor's history)
   * @param fromVersion the first version wanted
   * @param toVersion the last version wanted
   * @throws InvalidInputException naming the first refused argument ({@code toVersion} below {@code
   *     fromVersion} included)
   */
  public static void checkRead(String streamId, long fromVersion, long toVersion) {
    checkRead(streamId, fromVersion);
    if (toVersion < fromVersion) {
      throw new InvalidInputException("toVersion", "must be >= fromVersion (" + fromVersion + "), was " + toVersion);
    }
  }

  /**
   * Checks the arguments of a fence.
   *
   * @param streamId the stream (one actor's history)
   * @param version the version fenced at
   * @throws InvalidInputException naming the refused argument
   */
  public static void checkFence(String streamId, long version) {
    Event.validStreamId(streamId);
    Checks.notNegative(version, "version");
  }
}
