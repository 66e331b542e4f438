package dev.aether.model.exec;

import dev.aether.store.ReadModelStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A read model of the loaded model, as projected so far: rows by key, built from stored events (see
 * {@link ReadModelStore} for checkpoints). Projection is asynchronous: a row reflects an accepted command
 * shortly after its reply. Thread-safe.
 */
public interface ReadModel {

  /** @return the read model's name */
  String name();

  /**
   * Reads a row.
   *
   * @param key the row key
   * @return the row, when some event created it
   */
  Optional<Map<String, Object>> get(String key);

  /** @return every row by key (a snapshot) */
  Map<String, Map<String, Object>> rows();

  /**
   * Drops every row and replays the events of every source stream the read model knows from the
   * beginning.
   *
   * @return completes when the rebuild is done
   */
  CompletableFuture<Void> rebuild();

  /** @return events that could not be applied (an expression failed; see the log) */
  long failures();

  /**
   * Waits until every event handed to the projection so far is applied.
   *
   * @return completes when the projection is idle
   */
  CompletableFuture<Void> idle();
}
