package dev.aether.runtime;

/**
 * Where the reactions that must run once per cluster run: asked, by name, whether this process should run
 * one now. A model's read model on a <em>shared</em> read-model store (one that every node reads, such as
 * aether-nats' {@code JetStreamReadModelStore}) runs only where this says so, and stands by elsewhere (its
 * rows stay readable there); asked again while running, so a reaction moves when the answer changes (a node
 * joins or leaves). Read models on a node-local store run on every node (each node's own copy), and policies
 * share their events through the feed's shared groups instead, so neither asks.
 *
 * <p>The default, {@link #EVERYWHERE}, runs every reaction here (one process); a cluster sets one that runs
 * each reaction on the owner of the reaction's shard, and starts it on a new owner a grace time after the move
 * while the previous one stops before its next event, so the two do not run at once. Should they (a process
 * stalled longer than the grace), nothing is lost or doubled: an event both handle is applied once (per-stream
 * checkpoints), and rows are written by compare-and-set on the row the handler read
 * ({@code ReadModelStore.putIfUnchanged}), so neither overwrites the other's update. Implementations are
 * thread-safe, quick and non-blocking.
 */
@FunctionalInterface
public interface ReactionPlacement {

  /** Runs every reaction here. */
  ReactionPlacement EVERYWHERE = reaction -> true;

  /**
   * Tells whether this process should run a reaction now.
   *
   * @param reaction the reaction's name ({@code readModel/<name>} for a model's read model)
   * @return {@code true} to run it here
   */
  boolean runsHere(String reaction);
}
