package dev.aether.model.projection;

import dev.aether.store.FeedPosition;
import java.time.Duration;
import java.util.Optional;

/**
 * Where a projection stands. Distances are counted in commits (one commit holds the events of one command, or
 * of one group of commands of one actor): the feed numbers commits, not events, per partition.
 *
 * @param position the feed position after the last event handled
 * @param eventsHandled events handled since the start (applied, skipped as repeated, or failed)
 * @param commitsBehind commits stored and not yet handled, when this was taken
 * @param eventsPerSecond the rate of the current catch-up or rebuild, or of the last one
 * @param eta the time left at that rate, when behind
 * @param rebuilding whether a rebuild is running
 */
public record ProjectionProgress(FeedPosition position, long eventsHandled, long commitsBehind,
    double eventsPerSecond, Optional<Duration> eta, boolean rebuilding) {

  /** @return the sum over partitions of a position's commit sequence: commits up to it */
  static long commits(FeedPosition position) {
    long sum = 0;
    for (int partition : position.partitions()) {
      sum += position.sequence(partition);
    }
    return sum;
  }
}
