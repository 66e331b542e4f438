package dev.aether.runtime;

/**
 * The meters of one aggregate type, as hooks called by its VMs where things happen (see
 * {@link RuntimeMetrics} for the meters). Every method has a no-op default, and {@link #NONE} is the
 * implementation used without a registry: a call then costs nothing once inlined.
 *
 * <p>Implementations are thread-safe: the VMs of one aggregate type call them concurrently.
 */
interface AggregateMetrics {

  /** Measures nothing. */
  AggregateMetrics NONE = new AggregateMetrics() {};

  /**
   * Marks the start of an activation.
   *
   * @return the start time to pass to {@link #activated}, in {@link System#nanoTime()} units (0 when not
   *     measured)
   */
  default long activationStarted() {
    return 0;
  }

  /**
   * Records an activation (snapshot load and replay) that ended.
   *
   * @param started what {@link #activationStarted()} returned
   * @param succeeded whether the actor is active now
   */
  default void activated(long started, boolean succeeded) {}

  /**
   * Records a batch of commands taken from a mailbox for one group commit.
   *
   * @param commands the commands in the batch
   * @param depth the mailbox depth when it was taken: the batch plus everything queued behind it
   */
  default void batchTaken(int commands, int depth) {}

  /** Records a version conflict reported by the store on an append. */
  default void conflict() {}

  /** Records a snapshot the snapshot store accepted. */
  default void snapshotWritten() {}

  /**
   * Records a VM passivated (counted once per VM, at its first stop request).
   *
   * @param cause why
   */
  default void passivated(Passivation cause) {}
}
