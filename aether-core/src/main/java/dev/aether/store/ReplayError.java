package dev.aether.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * One stored record that could not be decoded into an event during a replay.
 *
 * @param position where the record is in the store (for JetStream, the stream sequence)
 * @param rawData the record's bytes, as stored (a copy)
 * @param cause why decoding failed
 */
public record ReplayError(long position, byte[] rawData, Throwable cause) {

  /** Copies {@code rawData}. */
  public ReplayError {
    rawData = rawData == null ? new byte[0] : rawData.clone();
    Objects.requireNonNull(cause, "cause");
  }

  /** @return a copy of the record's bytes */
  @Override
  public byte[] rawData() {
    return rawData.clone();
  }

  /** @return a one-line description: position and cause */
  public String message() {
    return "failed to decode event at position " + position + ": " + cause.getMessage();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplayError e && position == e.position && Arrays.equals(rawData, e.rawData)
        && cause.equals(e.cause);
  }

  @Override
  public int hashCode() {
    return 31 * Long.hashCode(position) + Arrays.hashCode(rawData);
  }

  @Override
  public String toString() {
    return "ReplayError[" + message() + ", " + rawData.length + " bytes]";
  }
}
