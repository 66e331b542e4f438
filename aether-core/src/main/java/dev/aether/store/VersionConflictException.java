package dev.aether.store;

import dev.aether.NonTransientAetherException;

/**
 * A write refused because the actor's history moved on: another writer stored a version at or above the one
 * attempted (or the expected version of a batch append was not the current one). Nothing was stored.
 *
 * <p>The usual reaction is to read the newer events, decide again and retry.
 */
public class VersionConflictException extends NonTransientAetherException {

  private final String streamId;
  private final long attemptedVersion;
  private final long expectedVersion;
  private final long currentVersion;

  /**
   * Creates the conflict of a single-event write ({@link EventStore#saveEvent}), which expects no particular
   * version, only one below the attempted version.
   *
   * @param streamId the stream (one actor's history) written to
   * @param attemptedVersion the version the write tried to store
   * @param currentVersion the actor's latest stored version when the write was refused
   */
  public VersionConflictException(String streamId, long attemptedVersion, long currentVersion) {
    this(streamId, attemptedVersion, -1, currentVersion);
  }

  /**
   * Creates the conflict of a batch append ({@link EventStore#append}).
   *
   * @param streamId the stream (one actor's history) written to
   * @param attemptedVersion the first version the write tried to store
   * @param expectedVersion the version the writer expected the actor to be at
   * @param currentVersion the actor's latest stored version when the write was refused
   */
  public VersionConflictException(String streamId, long attemptedVersion, long expectedVersion,
      long currentVersion) {
    super("version conflict: actor \"" + streamId + "\" has version " + currentVersion
        + (expectedVersion < 0 ? "" : ", expected " + expectedVersion) + ": cannot save version "
        + attemptedVersion, null);
    this.streamId = streamId;
    this.attemptedVersion = attemptedVersion;
    this.expectedVersion = expectedVersion;
    this.currentVersion = currentVersion;
  }

  /**
   * The same conflict, naming the version the writer expected (for a store whose write path learns it late).
   *
   * @param expected the expected version of the append
   * @return a new exception with the same actor, attempted and current versions
   */
  public VersionConflictException withExpectedVersion(long expected) {
    return new VersionConflictException(streamId, attemptedVersion, expected, currentVersion);
  }

  /** @return the actor written to (its stream id) */
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

  /** @return the (first) version the write tried to store */
  public long attemptedVersion() {
    return attemptedVersion;
  }

  /**
   * The version the writer expected the actor to be at: the {@code expectedVersion} of an
   * {@link EventStore#append}; empty for {@link EventStore#saveEvent}, which only needs a lower version.
   *
   * @return the expected version, when the write named one
   */
  public java.util.OptionalLong expectedVersion() {
    return expectedVersion < 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(expectedVersion);
  }

  /** @return the actor's latest stored version when the write was refused */
  public long currentVersion() {
    return currentVersion;
  }
}
