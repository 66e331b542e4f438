package dev.aether.cluster;

import dev.aether.cluster.ControlJson.LeaderLease;
import dev.aether.store.StoreUnavailableException;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on the lease bucket's {@code leader} key: a node leads when its {@code create} of the key
 * succeeds and for as long as its renewals by compare-and-set at the revision it wrote succeed. A leader that
 * dies stops renewing and its key expires with the bucket's max age (twice {@code deadAfter}); then the next
 * {@code create} wins. No wait before leading: two leaders for a moment only race on the map's
 * compare-and-set, which one of them loses. Runs on the node's lease thread only.
 */
final class Leadership {

  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  private final ClusterKv kv;
  private final String self;
  private volatile boolean leading;
  private long revision;

  Leadership(ClusterKv kv, String self) {
    this.kv = kv;
    this.self = self;
  }

  /**
   * Renews leadership, or tries to take it.
   *
   * @param incarnation this node's incarnation (in the value, for the status)
   * @param pendingMoves the moves the plan has left (in the value, for the status)
   * @param mayLead whether this node may lead now (its own lease is fresh and it is not leaving)
   */
  void tick(String incarnation, int pendingMoves, boolean mayLead) {
    try {
      if (!mayLead) {
        resign();
        return;
      }
      byte[] value = ControlJson.write(new LeaderLease(self, incarnation, pendingMoves));
      OptionalLong next = leading ? kv.updateLease(ClusterNames.LEADER_KEY, value, revision)
          : kv.createLease(ClusterNames.LEADER_KEY, value);
      if (next.isPresent()) {
        if (!leading) {
          LOG.info("cluster: node {} leads", self);
        }
        revision = next.getAsLong();
        leading = true;
      } else if (leading) {
        LOG.warn("cluster: node {} lost its leadership", self);
        leading = false;
      }
    } catch (StoreUnavailableException e) {
      LOG.debug("cluster: leadership tick of {}: {}", self, e.getMessage());
    }
  }

  /** Hands leadership back at once (a leaving or closing node) by deleting the key at its revision. */
  void resign() {
    if (leading) {
      leading = false;
      try {
        kv.deleteLease(ClusterNames.LEADER_KEY, revision);
      } catch (StoreUnavailableException e) {
        LOG.debug("cluster: cannot resign, the key expires by itself: {}", e.getMessage());
      }
    }
  }

  boolean leading() {
    return leading;
  }
}
