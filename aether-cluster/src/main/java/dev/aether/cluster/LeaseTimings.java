package dev.aether.cluster;

import dev.aether.InvalidInputException;
import dev.aether.config.ConfigKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The rule a joining node's lease timings must meet against the cluster's, which the lease bucket records: its
 * max age is twice the dead-after of the node that created it (or last adopted new timings), so the cluster's
 * dead-after is half of it. Found by a user: a node renewing every 2 s in a cluster whose nodes declare a node
 * dead after 1.5 s was declared dead at every renewal, rejoined as a new incarnation and moved hundreds of shards,
 * forever; the start only warned.
 *
 * <p>Every live node renews at most every half of the cluster's dead-after (its own {@code deadAfter} is at least
 * that and at least two of its lease intervals), so a node is compatible when
 * <ul>
 *   <li>its {@code leaseInterval} is at most half the cluster's dead-after: the others never find it dead
 *       between two of its renewals;</li>
 *   <li>its {@code deadAfter} is at least the cluster's: it never finds another dead between two of that one's
 *       renewals.</li>
 * </ul>
 * Identical timings always pass. Stateless.
 */
final class LeaseTimings {

  private LeaseTimings() {}

  /**
   * Refuses a node whose timings the cluster's nodes cannot live with.
   *
   * @param config the joining node's configuration
   * @param bucketTtl the lease bucket's max age (twice the cluster's dead-after)
   * @param bucket the lease bucket's name, for the message
   * @throws InvalidInputException naming {@code leaseInterval} (or {@code deadAfter} when only it does not fit),
   *     its message saying each field that does not fit and what the cluster uses
   */
  static void requireCompatible(ClusterConfig config, Duration bucketTtl, String bucket) {
    Duration clusterDeadAfter = bucketTtl.dividedBy(2);
    List<String> fields = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    if (config.leaseInterval().compareTo(clusterDeadAfter.dividedBy(2)) > 0) {
      fields.add("leaseInterval");
      reasons.add("leaseInterval " + format(config.leaseInterval()) + " is longer than half the cluster's dead-after ("
          + format(clusterDeadAfter.dividedBy(2)) + "): the other nodes would declare this node dead between two of"
          + " its renewals");
    }
    if (config.deadAfter().compareTo(clusterDeadAfter) < 0) {
      fields.add("deadAfter");
      reasons.add("deadAfter " + format(config.deadAfter()) + " is shorter than the cluster's ("
          + format(clusterDeadAfter) + "): this node would declare nodes dead that renew as the cluster allows");
    }
    if (!fields.isEmpty()) {
      throw new InvalidInputException(fields.getFirst(), "does not fit the cluster, whose nodes use"
          + " deadAfter " + format(clusterDeadAfter) + " (the lease bucket " + bucket + " keeps keys "
          + format(bucketTtl) + ", twice that): " + String.join("; ", reasons) + ". Give every node the same lease"
          + " timings (see the cluster README for changing them)");
    }
  }

  private static String format(Duration duration) {
    return ConfigKeys.formatDuration(duration);
  }
}
