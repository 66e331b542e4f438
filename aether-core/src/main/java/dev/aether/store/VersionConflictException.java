package dev.aether.store;

import dev.aether.NonTransientAetherException;

/**
 * A write refused because the actor's history moved on: another writer stored a version at or above the one
 * attempted (or the expected version of a batch append was not the current one). Nothing was stored.
 *
 * <p>The usual reaction is to read the newer events, decide again and retry.
 */
public class VersionConflictException extends NonTransientAetherException {

  private final String actorId;
  private final long attemptedVersion;
  private final long currentVersion;

  /**
   * Creates a conflict.
   *
   * @param actorId the actor written to
   * @param attemptedVersion the (first) version the write tried to store
   * @param currentVersion the actor's latest stored version when the write was refused
   */
  public VersionConflictException(String actorId, long attemptedVersion, long currentVersion) {
    super("version conflict: actor \"" + actorId + "\" has version " + currentVersion
        + ", cannot save version " + attemptedVersion, null);
    this.actorId = actorId;
    this.attemptedVersion = attemptedVersion;
    this.currentVersion = currentVersion;
  }

  /** @return the actor written to */
  public String actorId() {
    return actorId;
  }

  /** @return the (first) version the refused write tried to store */
  public long attemptedVersion() {
    return attemptedVersion;
  }

  /** @return the actor's latest stored version when the write was refused */
  public long currentVersion() {
    return currentVersion;
  }
}
