package dev.aether.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in one WARN which actors stopped without their last snapshot while many stopped together: the runtime's
 * {@code close()}, or a drain (a cluster node handing its actors over, or stopping). When those writes fail it is
 * nearly always for one cause (the event store, or its NATS connection, closed before the runtime), which a WARN
 * with a stack trace per actor buried in dozens of lines. Outside such a stop every failure is the caller's to
 * log, as before. Thread-safe.
 */
final class LastSnapshotLog {

  private static final Logger LOG = LoggerFactory.getLogger(LastSnapshotLog.class);

  /** The stops of many actors under way; failures are counted while there is one. */
  private final AtomicInteger stops = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicReference<String> first = new AtomicReference<>();

  /** Many actors begin to stop together: their failed snapshots are said together once the last such stop ends. */
  void begin() {
    stops.incrementAndGet();
  }

  /** A stop of many actors ended: when no other runs, its failed snapshots (if any) are said in one WARN. */
  void end() {
    if (stops.decrementAndGet() == 0) {
      int count = failed.getAndSet(0);
      String firstFailure = first.getAndSet(null);
      if (count > 0) {
        LOG.warn("{} actor(s) stopped without their last snapshot (the first: {}); each replays the events since"
            + " its previous snapshot when it activates again. When the event store or its NATS connection was"
            + " closed before the runtime: close the runtime (or cluster node) first, then the store", count,
            firstFailure);
      }
    }
  }

  /**
   * Takes a failed snapshot write while many actors stop together.
   *
   * @return whether it was taken (the caller says nothing); false otherwise
   */
  boolean taken(String streamId, long version, RuntimeException failure) {
    if (stops.get() == 0) {
      return false;
    }
    failed.incrementAndGet();
    first.compareAndSet(null, streamId + " v" + version + ": " + failure.getMessage());
    return true;
  }
}
