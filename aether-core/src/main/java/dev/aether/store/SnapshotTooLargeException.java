package dev.aether.store;

import dev.aether.InvalidInputException;

/**
 * A snapshot ({@link SnapshotStore#saveSnapshot}) refused because its encoded form exceeds what the store accepts
 * in one write (for JetStream: the NATS server's max payload). Nothing was stored; the snapshot stored before, if
 * any, stays. Non-transient: the same snapshot is refused again; a smaller state may fit. An actor whose state
 * does not fit is rebuilt from its events on activation (the runtime logs it once per actor and keeps trying
 * at its snapshot interval, which costs an encoding and no round trip).
 *
 * <p>Immutable and thread-safe. The field it names is {@code snapshot}.
 */
public class SnapshotTooLargeException extends InvalidInputException {

  private final String streamId;
  private final long version;
  private final long size;
  private final long limit;

  /**
   * Creates the refusal of a snapshot.
   *
   * @param streamId the actor whose snapshot was refused
   * @param version the snapshot's version
   * @param size the bytes the snapshot takes in one write
   * @param limit the most bytes one write may hold
   * @param detail what limits the store (for example {@code "the NATS server's max payload of 1048576 bytes"})
   * @param cause the store's own refusal, or {@code null} when it was measured before sending
   */
  public SnapshotTooLargeException(String streamId, long version, long size, long limit, String detail,
      Throwable cause) {
    super("snapshot", "the snapshot of actor \"" + streamId + "\" at v" + version + " takes " + size
        + " bytes, above the store's limit of " + limit + " bytes (" + detail + "); nothing was stored, the"
        + " actor is rebuilt from its events", cause);
    this.streamId = streamId;
    this.version = version;
    this.size = size;
    this.limit = limit;
  }

  /** @return the actor whose snapshot was refused */
  public String streamId() {
    return streamId;
  }

  /** @return the refused snapshot's version */
  public long version() {
    return version;
  }

  /** @return the bytes the snapshot takes in one write */
  public long size() {
    return size;
  }

  /** @return the most bytes one write may hold */
  public long limit() {
    return limit;
  }
}
