package dev.aether.runtime;

import dev.aether.InvalidInputException;
import java.util.OptionalLong;

/**
 * An event refused by {@link VirtualMachine#processEvent} because it is not the actor's next stored event:
 * the store holds no event at its version (never stored, or removed), the store's next event after the VM's
 * version has another version (the given event skips one), or the store holds another event at that version.
 * Nothing was applied; the VM keeps its state and version. Non-transient: the same event is refused again.
 *
 * <p>The field it names is {@code event.version} (or {@code event.id} when only the id differs). Immutable
 * and thread-safe.
 */
public class UnexpectedEventException extends InvalidInputException {

  private final String streamId;
  private final long vmVersion;
  private final long eventVersion;
  private final long nextStoredVersion;

  /**
   * Creates the refusal.
   *
   * @param streamId the actor's stream id ({@code Account/a-1})
   * @param vmVersion the VM's version
   * @param eventVersion the given event's version
   * @param nextStoredVersion the version of the store's first event after {@code vmVersion}, or -1 for none
   * @param field the refused field ({@code event.version} or {@code event.id})
   * @param problem what is wrong
   */
  UnexpectedEventException(String streamId, long vmVersion, long eventVersion, long nextStoredVersion,
      String field, String problem) {
    super(field, "actor " + streamId + " is at v" + vmVersion + " and expects the store's next event "
        + (nextStoredVersion < 0 ? "(the store has none after v" + vmVersion + ")" : "v" + nextStoredVersion)
        + ", was given v" + eventVersion + ": " + problem + "; nothing was applied");
    this.streamId = streamId;
    this.vmVersion = vmVersion;
    this.eventVersion = eventVersion;
    this.nextStoredVersion = nextStoredVersion;
  }

  /** @return the actor's stream id */
  public String streamId() {
    return streamId;
  }

  /** @return the VM's version when the event was refused */
  public long vmVersion() {
    return vmVersion;
  }

  /** @return the refused event's version */
  public long eventVersion() {
    return eventVersion;
  }

  /** @return the version the VM expected: the store's first event after the VM's version, when there is one */
  public OptionalLong expectedVersion() {
    return nextStoredVersion < 0 ? OptionalLong.empty() : OptionalLong.of(nextStoredVersion);
  }
}
