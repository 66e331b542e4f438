package dev.aether.cluster;

/**
 * Told the changes of the cluster as one node sees them ({@link ClusterNode#addListener}): membership, leader and
 * shard map ({@link ClusterEvent}).
 *
 * <p>Thread-safety: a node tells its listeners on one thread of its own, one event at a time, in the order it saw
 * the changes; a listener needs no locking of its own for that, but one that blocks delays every later event of
 * that node (hand slow work to an executor). An exception thrown by a listener is logged and the listener keeps
 * its subscription.
 */
@FunctionalInterface
public interface ClusterListener {

  /**
   * Told one change.
   *
   * @param event what changed
   */
  void onEvent(ClusterEvent event);
}
