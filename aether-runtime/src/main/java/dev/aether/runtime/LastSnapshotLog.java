package dev.aether.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in one WARN which actors stopped without their last snapshot while the runtime closed. Closing writes
 * each active actor's snapshot; when they fail, it is nearly always for one cause (the event store, or its NATS
 * connection, closed before the runtime), which a WARN with a stack trace per actor buried in dozens of lines.
 * Before {@link #closing()} every failure is the caller's to log, as before. Thread-safe.
 */
final class LastSnapshotLog {

  private static final Logger LOG = LoggerFactory.getLogger(LastSnapshotLog.class);

  private volatile boolean closing;
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicReference<String> first = new AtomicReference<>();

  /** The runtime is closing: from now on failed snapshots are counted, and said together by {@link #report()}. */
  void closing() {
    closing = true;
  }

  /**
   * Takes a failed snapshot write when the runtime is closing.
   *
   * @return whether it was taken (the caller says nothing); false while the runtime runs
   */
  boolean taken(String streamId, long version, RuntimeException failure) {
    if (!closing) {
      return false;
    }
    failed.incrementAndGet();
    first.compareAndSet(null, streamId + " v" + version + ": " + failure.getMessage());
    return true;
  }

  /** Logs the failed snapshots of the close, if any, as one WARN. */
  void report() {
    int count = failed.get();
    if (count > 0) {
      LOG.warn("{} actor(s) stopped without their last snapshot (the first: {}); each replays the events since"
          + " its previous snapshot when it activates again. When the event store or its NATS connection was"
          + " closed before the runtime: close the runtime (or cluster node) first, then the store", count,
          first.get());
    }
  }
}
