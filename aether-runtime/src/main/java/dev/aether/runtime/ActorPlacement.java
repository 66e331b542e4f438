package dev.aether.runtime;

/**
 * The placement seam (the Java form of upstream's {@code SetVMProvider}): decides whether an actor may be
 * activated and run on this node. The local runtime asks it before it routes each command to an actor
 * ({@link RuntimeManagement#createVM} is not subject to it: the cluster warms up actors about to move here), and
 * again before an active actor decides a batch of queued commands, or decides one again after a conflict: a
 * refusal is answered with the transient {@link RejectionReason#NOT_OWNER}; nothing is decided or stored and
 * the actor is never activated for it. So a node that loses a shard without draining it (paused past its lease,
 * or cut off from the cluster, while commands waited in the mailbox) does not decide them, when their new
 * owner may have answered them already. The default, {@link #EVERYWHERE}, allows
 * every actor (one node); a cluster sets one that allows the actors of the shards this node owns.
 *
 * <p>Called on the senders' threads for every command and on the actors' threads for every batch:
 * implementations are thread-safe, quick and non-blocking (a lookup in a map the cluster keeps current).
 */
@FunctionalInterface
public interface ActorPlacement {

  /** Allows every actor: the placement of a runtime that is not part of a cluster. */
  ActorPlacement EVERYWHERE = key -> true;

  /**
   * A placement for a process that shares its actors' histories with other processes that may run them (a
   * cluster node): allows what {@code allows} allows, and {@linkplain #fencesOutcomes() fences outcomes}.
   *
   * @param allows which actors may run here
   * @return the placement
   */
  static ActorPlacement fencing(ActorPlacement allows) {
    return new ActorPlacement() {
      @Override
      public boolean allows(ActorKey key) {
        return allows.allows(key);
      }

      @Override
      public boolean fencesOutcomes() {
        return true;
      }
    };
  }

  /**
   * Tells whether an actor may be activated and run here.
   *
   * @param key the actor
   * @return {@code true} to allow it
   */
  boolean allows(ActorKey key);

  /**
   * Tells whether an outcome that stores nothing (a business rejection, an acceptance without events) must
   * first fence the actor's history ({@link dev.aether.store.EventStore#fence}) when the actor has neither
   * written nor fenced since it last read its history: so that a write another process decided on an older
   * state (a previous owner paused or cut off between its decision and its publish) cannot land after the
   * outcome was answered. {@code true} where another process may have run the actor until just before (a
   * cluster); the default, {@code false}, for one process.
   *
   * @return whether such outcomes fence first
   */
  default boolean fencesOutcomes() {
    return false;
  }
}
