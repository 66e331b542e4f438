package dev.aether.store;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where read models keep their rows and checkpoints. A checkpoint is per read model and per source stream
 * ({@code <aggregateType>/<actorId>}): the version of the last event of that stream the read model has applied.
 * {@link #put} stores a row and advances the checkpoint together, so a projection that restarts resumes
 * exactly after the last event it applied. A read model fed by an {@link EventFeed} also keeps its
 * {@linkplain #feedPosition feed position}, saved after the rows it covers: after a crash between the two the
 * reader starts a little early, and the per-stream checkpoints make the repeated events no-ops (updates are
 * idempotent by position, not written in one transaction with the position).
 *
 * <p>Implementations: {@link InMemoryReadModelStore}; a JetStream KV one belongs next to the NATS stores.
 * Each read model is written by one projector thread at a time; implementations must be safe for concurrent
 * readers.
 */
public interface ReadModelStore {

  /**
   * Reads a row.
   *
   * @param readModel the read model name
   * @param key the row key
   * @return the row, when present
   */
  Optional<Map<String, Object>> get(String readModel, String key);

  /**
   * Lists the rows of a read model.
   *
   * @param readModel the read model name
   * @return key to row (a snapshot; unmodifiable)
   */
  Map<String, Map<String, Object>> rows(String readModel);

  /**
   * The checkpoint of one source stream.
   *
   * @param readModel the read model name
   * @param streamId the source stream
   * @return the version of the last applied event of the stream, 0 when none
   */
  long checkpoint(String readModel, String streamId);

  /**
   * The source streams the read model has checkpoints for.
   *
   * @param readModel the read model name
   * @return the stream ids (a snapshot)
   */
  Set<String> streams(String readModel);

  /**
   * Stores a row and advances the checkpoint of the stream whose event produced it.
   *
   * @param readModel the read model name
   * @param key the row key
   * @param row the new row
   * @param streamId the source stream of the applied event
   * @param version the applied event's version
   */
  void put(String readModel, String key, Map<String, Object> row, String streamId, long version);

  /**
   * Stores a row as {@link #put} does, but only while the stored row is still {@code base}, the row the caller
   * computed it from: a compare-and-set on the row, so two writers of one read model (a projection moving
   * between the nodes of a cluster) never lose each other's updates of a row that folds several streams.
   *
   * <p>The default writes unconditionally with {@link #put}: right for a store only one process writes, with
   * one writer per read model. A store other processes write ({@link #isShared()}) overrides it.
   *
   * @param readModel the read model name
   * @param key the row key
   * @param base the row as {@link #get} returned it when the new row was computed, or {@code null} for none
   * @param row the new row
   * @param streamId the source stream of the applied event
   * @param version the applied event's version
   * @return {@code false} when the stored row is no longer {@code base} (nothing written: read it again and
   *     compute again); {@code true} when written, or when the stream's event was applied already
   */
  default boolean putIfUnchanged(String readModel, String key, Map<String, Object> base, Map<String, Object> row,
      String streamId, long version) {
    put(readModel, key, row, streamId, version);
    return true;
  }

  /**
   * Removes a row as {@link #remove} does, but only while it is still {@code base} (see
   * {@link #putIfUnchanged}); the default removes unconditionally.
   *
   * @param readModel the read model name
   * @param key the row key
   * @param base the row as {@link #get} returned it, or {@code null} for none
   * @return {@code false} when the stored row is no longer {@code base} (nothing removed)
   */
  default boolean removeIfUnchanged(String readModel, String key, Map<String, Object> base) {
    remove(readModel, key);
    return true;
  }

  /**
   * Advances a stream's checkpoint without changing a row (an event the read model does not use, or one that
   * could not be applied); with version 0, registers the stream.
   *
   * @param readModel the read model name
   * @param streamId the source stream
   * @param version the handled event's version
   */
  void advance(String readModel, String streamId, long version);

  /**
   * The schema tag the rows were written under.
   *
   * @param readModel the read model name
   * @return the tag, when rows were written
   */
  Optional<String> schema(String readModel);

  /**
   * Tells whether other processes read and write the same rows (a store on a server, such as aether-nats'
   * {@code JetStreamReadModelStore}), rather than this process alone. A read model on a shared store runs in one
   * process of a cluster at a time; one on a process-local store runs in every process (each its own copy).
   *
   * @return {@code false} by default (process-local)
   */
  default boolean isShared() {
    return false;
  }

  /**
   * Removes every row and checkpoint of a read model (keeping the list of known streams, so a rebuild can
   * replay them), forgets its feed position, and records the schema tag new rows are written under.
   *
   * @param readModel the read model name
   * @param schema the new schema tag
   */
  void reset(String readModel, String schema);

  /**
   * Writes a row that no event's checkpoint guards (records kept next to read models, such as the dead
   * letters of policies), replacing any row under the key.
   *
   * @param readModel the read model name
   * @param key the row key
   * @param row the row
   */
  void write(String readModel, String key, Map<String, Object> row);

  /**
   * Removes a row; nothing happens when there is none. Checkpoints are not touched.
   *
   * @param readModel the read model name
   * @param key the row key
   */
  void remove(String readModel, String key);

  /**
   * Where the read model's feed reader stands: every event up to it has been applied (or skipped).
   *
   * @param readModel the read model name
   * @return the saved position; empty before the first save and after {@link #reset}
   */
  Optional<FeedPosition> feedPosition(String readModel);

  /**
   * Saves the read model's feed position, after the rows of the events up to it are written. A position that
   * does not {@linkplain FeedPosition#covers cover} the saved one is ignored, so the position never moves back
   * (a late writer cannot undo a newer one).
   *
   * @param readModel the read model name
   * @param position the position after the last applied event
   */
  void saveFeedPosition(String readModel, FeedPosition position);
}
