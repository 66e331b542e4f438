package dev.aether.runtime;

import dev.aether.store.SnapshotTooLargeException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says, once per actor, that its state is too large for a snapshot ({@link SnapshotTooLargeException}: a WARN the
 * first time, an INFO when a snapshot of it fits again). Such an actor is tried again at every snapshot interval
 * (the store measures it before sending: an encoding, no round trip), so each attempt would say it again; this
 * remembers what it said for at most {@value #MAX_ACTORS} actors (then it forgets them all and may say it again).
 * Thread-safe.
 */
final class SnapshotSizeLog {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotSizeLog.class);
  static final int MAX_ACTORS = 10_000;

  private final Map<String, Boolean> tooLarge = new ConcurrentHashMap<>();

  /** A snapshot of {@code streamId} was refused as too large; logged the first time. */
  void refused(String streamId, SnapshotTooLargeException e) {
    if (tooLarge.size() >= MAX_ACTORS) {
      tooLarge.clear();
    }
    if (tooLarge.put(streamId, Boolean.TRUE) == null) {
      LOG.warn("actor {}: its state is too large for a snapshot, so its activations replay its events; said once"
          + " until a snapshot fits again: {}", streamId, e.getMessage());
    }
  }

  /** A snapshot of {@code streamId} was stored; logs that it fits again when it was refused before. */
  void saved(String streamId, long version) {
    if (!tooLarge.isEmpty() && tooLarge.remove(streamId) != null) {
      LOG.info("actor {}: its state fits in a snapshot again (v{})", streamId, version);
    }
  }
}
