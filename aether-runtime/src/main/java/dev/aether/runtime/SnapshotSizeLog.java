package dev.aether.runtime;

import dev.aether.store.SnapshotTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says, once per actor, that its state is too large for a snapshot ({@link SnapshotTooLargeException}: a WARN the
 * first time, an INFO when a snapshot of it fits again). Such an actor is tried again at every snapshot interval
 * (the store measures it before sending: an encoding, no round trip), so each attempt would say it again; this
 * remembers what it said ({@link SaidOnce}). Thread-safe.
 */
final class SnapshotSizeLog {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotSizeLog.class);
  private final SaidOnce tooLarge = new SaidOnce();

  /** A snapshot of {@code streamId} was refused as too large; logged the first time. */
  void refused(String streamId, SnapshotTooLargeException e) {
    if (tooLarge.say(streamId, "too large")) {
      LOG.warn("actor {}: its state is too large for a snapshot, so its activations replay its events; said once"
          + " until a snapshot fits again: {}", streamId, e.getMessage());
    }
  }

  /** A snapshot of {@code streamId} was stored; logs that it fits again when it was refused before. */
  void saved(String streamId, long version) {
    if (tooLarge.forget(streamId)) {
      LOG.info("actor {}: its state fits in a snapshot again (v{})", streamId, version);
    }
  }
}
