package dev.aether.cluster;

import dev.aether.cluster.ControlJson.LeaderLease;
import dev.aether.store.StoreUnavailableException;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on the lease bucket's {@code leader} key: a node leads when its {@code create} of the key
 * succeeds and for as long as its renewals by compare-and-set at the revision it wrote succeed. The other
 * nodes watch the key (through {@link Membership}) instead of trying to create it every interval: they try only
 * when it is gone, or when the node it names is dead (its node lease deleted by the failure detector, not
 * renewed within {@code deadAfter}, or held by another incarnation); then a candidate deletes the key by
 * compare-and-set at the revision it saw and creates it. So a crashed leader is replaced as soon as its node is
 * known dead, not when its key expires with the bucket's max age (twice {@code deadAfter}, the fallback). No
 * wait before leading: two leaders for a moment only race on the map's compare-and-set, which one of them
 * loses. The leader's value carries the moves its plan has left, for every node's status: renewed with each tick,
 * and {@link #publish published} by the planner as soon as the count changes (a plan begins, a batch switched), so
 * another node's status shows a plan under way until the leader counted its end (with the epoch of the map it
 * counted from, so a node that has not seen that map yet does not show the plan settled either). {@link #tick}
 * runs on the node's lease thread, {@link #publish} on its planner thread, {@link #resign} on either or on the
 * thread that stops the node; a lock orders them.
 */
final class Leadership {

  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  private final ClusterKv kv;
  private final Membership membership;
  private final String self;
  private final Supplier<Planner.Progress> progress;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile boolean leading;
  private long revision;

  /** @param progress the leader's plan's progress now, read under this class's lock for each write */
  Leadership(ClusterKv kv, Membership membership, String self, Supplier<Planner.Progress> progress) {
    this.kv = kv;
    this.membership = membership;
    this.self = self;
    this.progress = progress;
  }

  /**
   * Renews leadership, or tries to take it.
   *
   * @param incarnation this node's incarnation (in the value, for the status, with the plan's progress)
   * @param mayLead whether this node may lead now (its own lease is fresh and it is not leaving)
   */
  void tick(String incarnation, boolean mayLead) {
    lock.lock();
    try {
      if (!mayLead) {
        resign();
        return;
      }
      if (!leading && !vacant()) {
        return; // a live leader holds the key: keep watching it
      }
      write(incarnation);
    } catch (StoreUnavailableException e) {
      LOG.debug("cluster: leadership tick of {}: {}", self, e.getMessage());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes the plan's progress into the leader's value at once, if this node leads (a refused compare-and-set ends
   * its leadership, as in a tick; one that cannot be sent is left to the next tick).
   */
  void publish(String incarnation) {
    lock.lock();
    try {
      if (leading) {
        write(incarnation);
      }
    } catch (StoreUnavailableException e) {
      LOG.debug("cluster: cannot publish the pending moves of {}: {}", self, e.getMessage());
    } finally {
      lock.unlock();
    }
  }

  private void write(String incarnation) {
    Planner.Progress now = progress.get();
    byte[] value = ControlJson.write(new LeaderLease(self, incarnation, now.pendingMoves(), now.epoch()));
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
  }

  /**
   * Whether a candidate may try to take the key: nobody holds it (as the watch shows), or its holder is dead or
   * this node itself (which does not lead), in which case the key is deleted first, by compare-and-set at the
   * revision seen (a leader that renewed meanwhile keeps it).
   */
  private boolean vacant() {
    LeaderLease held = membership.leader().orElse(null);
    if (held == null) {
      return true;
    }
    // a key naming this node, which does not lead: left behind when its renewal of it or its resignation's delete
    // was refused (both held up by a frozen server); the others never take a live node's key, so it removes it
    boolean own = held.node().equals(self);
    if (!own && !membership.leaderDead(held)) {
      return false;
    }
    long seen = membership.leaderRevision();
    if (kv.deleteLeaseIf(ClusterNames.LEADER_KEY, seen)) {
      if (own) {
        LOG.info("cluster: node {} removed the leader key it no longer leads by (revision {})", self, seen);
      } else {
        LOG.info("cluster: node {} removed the leader key of dead node {} (revision {})", self, held.node(), seen);
      }
    }
    return true;
  }

  /** Hands leadership back at once (a leaving or closing node) by deleting the key at its revision. */
  void resign() {
    lock.lock();
    try {
      if (leading) {
        leading = false;
        kv.deleteLease(ClusterNames.LEADER_KEY, revision);
      }
    } catch (StoreUnavailableException e) {
      LOG.debug("cluster: cannot resign, the key expires by itself: {}", e.getMessage());
    } finally {
      lock.unlock();
    }
  }

  boolean leading() {
    return leading;
  }
}
