package dev.aether.store;

import dev.aether.event.ActorSnapshot;
import java.util.Optional;

/**
 * Saved actor states, so that activation replays only the events after the latest snapshot.
 *
 * <p>{@link #getLatestSnapshot} returns the snapshot with the highest version ever saved for the actor:
 * saving an older snapshot after a newer one never hides the newer one. Implementations are thread-safe.
 */
public interface SnapshotStore {

  /**
   * Saves a snapshot.
   *
   * @param snapshot the snapshot
   * @throws SnapshotTooLargeException when the snapshot is larger than the store accepts in one write (a
   *     store with such a limit; non-transient)
   */
  void saveSnapshot(ActorSnapshot snapshot);

  /**
   * Reads the snapshot with the highest version.
   *
   * @param streamId the stream (one actor's history)
   * @return the snapshot, or empty when the actor has none
   */
  Optional<ActorSnapshot> getLatestSnapshot(String streamId);
}
