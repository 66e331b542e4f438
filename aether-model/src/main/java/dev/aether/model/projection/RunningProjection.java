package dev.aether.model.projection;

import dev.aether.store.FeedPosition;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Projection} at work: its rows, its progress, and the ways to wait for it. Reads go to the
 * read-model store (they see what has been projected so far). Thread-safe.
 *
 * @param <V> the view type
 */
public interface RunningProjection<V> extends AutoCloseable {

  /** @return the projection's name */
  String name();

  /**
   * Reads one row.
   *
   * @param key the row key
   * @return the view, when the row exists
   */
  Optional<V> get(String key);

  /** @return every row, key to view (a snapshot) */
  Map<String, V> rows();

  /**
   * Waits until the projection has handled an actor's event of a given version: "read your writes" after a
   * command, whose result carries the new version ({@code CommandResult.Accepted.newVersion()}).
   *
   * @param streamId the stream ({@code <aggregateType>/<actorId>})
   * @param version the version to wait for
   * @param timeout how long to wait at most; not negative
   * @return {@code true} when handled (at once for a stream of an aggregate type the projection does not
   *     handle), {@code false} when the timeout passed first
   * @throws dev.aether.InvalidInputException naming a bad argument
   */
  boolean awaitCaughtUp(String streamId, long version, Duration timeout);

  /**
   * Waits until the projection's feed position covers a given one.
   *
   * @param position the position to reach (for example the feed's head after a batch of writes)
   * @param timeout how long to wait at most; not negative
   * @return whether it was reached in time
   * @throws dev.aether.InvalidInputException naming a bad argument
   */
  boolean awaitPosition(FeedPosition position, Duration timeout);

  /**
   * Completes once the projection has handled every event stored when this was called.
   *
   * @return the future; it fails when the projection is closed first
   */
  CompletableFuture<Void> idle();

  /**
   * Drops every row, checkpoint and the position, and projects again from the first event; progress is
   * logged every 5 s and published as meters.
   *
   * @return completes once the rebuild has caught up with the events stored when it began; fails when the
   *     projection is closed first, or when it does not run here now (a projection on a shared store standing
   *     by while another process runs it: rebuild it there)
   */
  CompletableFuture<Void> rebuild();

  /** @return where the projection stands, how far behind it is, and its rate */
  ProjectionProgress progress();

  /** @return events whose handler threw (skipped, logged) since the start */
  long failures();

  /**
   * Asks the projection's runs-here condition again now, rather than at its next stand-by check (every 250 ms):
   * call it when the condition may just have turned true (a runtime that starts, a placement that moved the
   * projection here). Does nothing for a projection that runs, or one started without a condition. Thread-safe
   * and non-blocking. The default does nothing (a projection that never stands by).
   */
  default void checkRunsHere() {}

  /**
   * Whether this process projects now, or stands by while another does (a read model on a shared store in a
   * cluster: it runs on one node; the others follow its saved position, so {@link #progress()} is close to the
   * running one's there too). Thread-safe; asks the runs-here condition. The default: it always runs here.
   *
   * @return {@code true} when it projects here
   */
  default boolean runsHere() {
    return true;
  }

  /**
   * Stops projecting (the rows stay); waits for the batch in hand: up to 2 s, then interrupts it and waits up to
   * 10 s more (a WARN says when it is still writing after that). Idempotent.
   */
  @Override
  void close();
}
