package dev.aether.store;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.support.AppendChecks;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The append-only history of every actor in one namespace: the event-sourcing storage SPI.
 *
 * <h2>Version rules</h2>
 * Per actor, versions strictly increase; gaps are allowed (1, 3, 5); the first version is at least 1; an
 * actor without events has version 0. A write that would not strictly increase the version fails with a
 * {@link VersionConflictException} and stores nothing. There is no update and no delete: corrections are new
 * events.
 *
 * <h2>Errors</h2>
 * Invalid arguments give an {@link InvalidInputException} naming the field; a stale write a
 * {@link VersionConflictException}; an unreachable store a {@link StoreUnavailableException}; a write whose
 * acknowledgement was lost an {@link OutcomeUnknownException} (retrying the same write is then safe); a
 * history holding a record that cannot be decoded an {@link UnreadableHistoryException} from
 * {@link #getEvents} (never a silently shortened history).
 *
 * <h2>Limits</h2>
 * Every event a store accepts reads back equal from every store: events are checked against the
 * {@link dev.aether.event.PayloadLimits} when they are built, so stores accept and refuse the same stream ids,
 * event types and payloads. A store may still refuse a commit that is too large for its messages (an
 * {@link InvalidInputException} naming the size and the limit).
 *
 * <p>Implementations are thread-safe. Returned events and lists are immutable.
 */
public interface EventStore extends AutoCloseable {

  /**
   * Stores one event if its version is above the actor's latest version.
   *
   * @param event the event; its {@code streamId} names the actor
   * @throws VersionConflictException when the actor already has this or a later version (unless this very event
   *     is the actor's last commit: a retry, as with {@link #append})
   * @throws CommitTooLargeException when the event does not fit in one commit ({@link #maxCommitBytes()})
   */
  void saveEvent(Event event);

  /**
   * Stores a batch of events of one actor atomically: all of them or none, and only if the actor's latest
   * version is exactly {@code expectedVersion}.
   *
   * @param streamId the stream (one actor's history)
   * @param expectedVersion the version the caller last saw; 0 for an actor without events
   * @param events one or more events of {@code streamId}, with strictly increasing versions above
   *     {@code expectedVersion}
   * @return the actor's new latest version (the last event's version)
   * @throws VersionConflictException when the actor's latest version is not {@code expectedVersion}, unless
   *     these very events (their ids at their versions) are the actor's last commit: a retry after an unknown
   *     outcome returns as the first attempt did and stores nothing twice (recognised by stream id, event ids and
   *     versions only: send the same events, not others under their ids); once the actor has a later commit, a
   *     retry may be a conflict
   * @throws InvalidInputException when the list is empty, an event belongs to another actor or the versions
   *     do not increase
   * @throws CommitTooLargeException (an {@link InvalidInputException}) when the events do not fit in one
   *     commit ({@link #maxCommitBytes()}); it carries each event's encoded size, so the caller can split
   */
  long append(String streamId, long expectedVersion, List<Event> events);

  /**
   * Fences an actor's history at a version: afterwards, every write of the actor that was decided on a read of
   * its history made before the fence fails with a {@link VersionConflictException} and stores nothing (the
   * writer reads the history again with {@link #getEventsForWriter}, which makes it aware of the fence, and
   * decides again). For an outcome that stores nothing (a rejection) on a node that has just taken an actor
   * over from another one: once the fence is written, a write the other node decided earlier and sends late (it
   * was paused, or cut off, between its decision and its publish) can no longer land after the outcome was
   * answered. A fence adds no event and no version; readers skip it.
   *
   * <p>The default, for a store with one writer per actor (one process), only checks the version. A store that
   * decorates another (metrics, tracing) must delegate this method, or a cluster on it loses the fence.
   *
   * @param streamId the stream (one actor's history)
   * @param version the version the caller's state rests on; 0 for an actor without events
   * @throws VersionConflictException when the actor's latest version is not {@code version} (catch up and
   *     decide again): nothing was written
   * @throws StoreUnavailableException when the store cannot be reached (then it is not known whether a fence
   *     was written: the outcome must not be answered)
   * @throws InvalidInputException naming the argument when the stream id or the version is invalid
   */
  default void fence(String streamId, long version) {
    AppendChecks.checkFence(streamId, version);
    long latest = getLatestVersion(streamId);
    if (latest != version) {
      throw new VersionConflictException(streamId, version + 1, version, latest);
    }
  }

  /**
   * Stores a batch of events of one actor as {@link #append} does, completing a future instead of returning:
   * the same checks, the same outcome, the same exceptions (as the future's failure, never thrown).
   *
   * <p>For a caller that waits anyway but wants to act as soon as the commit is acknowledged (the runtime
   * answers its commands from the acknowledgement). A store may do part of the work on the calling thread,
   * blocking as {@link #append} does (reading the actor's position, resolving an ambiguous answer), and may
   * complete the future on a thread of its own (a network client's): callbacks on the future must be short and
   * must never block, least of all on this store. The default calls {@link #append} on the calling thread.
   *
   * @param streamId the stream (one actor's history)
   * @param expectedVersion the version the caller last saw; 0 for an actor without events
   * @param events one or more events of {@code streamId}, with strictly increasing versions above
   *     {@code expectedVersion}
   * @return completes with the actor's new latest version, or fails with what {@link #append} would throw
   */
  default CompletableFuture<Long> appendAsync(String streamId, long expectedVersion, List<Event> events) {
    try {
      return CompletableFuture.completedFuture(append(streamId, expectedVersion, events));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Reads an actor's events from a version on: all of them, or an exception.
   *
   * <p>It never skips a stored record: when a record in the range cannot be decoded (written by something
   * other than Aether, damaged, or breaking the version order), it throws an
   * {@link UnreadableHistoryException} naming the actor and the record's position, and returns nothing.
   * Use {@link #getEventsWithErrors} to read what can be read together with the errors. A store that holds
   * decoded events only (in memory) never throws it.
   *
   * @param streamId the stream (one actor's history)
   * @param fromVersion the first version wanted (inclusive); 0 or 1 reads everything
   * @return the events in version order; empty for an unknown actor
   * @throws UnreadableHistoryException (non-transient) when a record in the range cannot be decoded
   */
  List<Event> getEvents(String streamId, long fromVersion);

  /**
   * Reads an actor's events from a version on, reporting stored records that cannot be decoded next to the
   * readable events instead of failing: for a read of an actor's state (which fails loudly on any error; an
   * activation reads the same way through {@link #getEventsForWriter}) and for tools that inspect or repair a
   * history. Nothing is skipped silently: every undecodable record in the range is one {@link ReplayError}.
   *
   * @param streamId the stream (one actor's history)
   * @param fromVersion the first version wanted (inclusive)
   * @return the decodable events and one error per undecodable record
   */
  ReplayResult getEventsWithErrors(String streamId, long fromVersion);

  /**
   * Reads an actor's events from a version on, as {@link #getEventsWithErrors(String, long)} does, for the
   * actor's writer: the caller decides on what it read and appends after it (the runtime's activation and its
   * catch-up after a conflict). A store that {@link #fence fences} lets the writer's next append follow the
   * fences this read passed over, and no other read does (a writer's own fence aside): an append decided on an
   * older read is refused even when something else in the process (a page of the history, a policy's
   * look-back) read the actor since, through {@link #getEvents}, {@link #getEventsWithErrors(String, long)} or
   * the range read.
   *
   * <p>The default calls {@link #getEventsWithErrors(String, long)}: right for a store without fences of its own.
   * A store that decorates another must delegate this method, or its writers, once another node fenced them,
   * are refused for good.
   *
   * @param streamId the stream (one actor's history)
   * @param fromVersion the first version wanted (inclusive)
   * @return the decodable events and one error per undecodable record
   */
  default ReplayResult getEventsForWriter(String streamId, long fromVersion) {
    return getEventsWithErrors(streamId, fromVersion);
  }

  /**
   * Reads the events of a version range of an actor, reporting undecodable records next to the readable
   * events as {@link #getEventsWithErrors(String, long)} does: for a page of a history or one command's events,
   * without reading the history after the range (nor, where the store can avoid it, before it).
   *
   * <p>The default reads from {@code fromVersion} on and keeps the range: right for every store, and all a
   * store that reads from memory needs. A store that reads over the network overrides it.
   *
   * @param streamId the stream (one actor's history)
   * @param fromVersion the first version wanted (inclusive)
   * @param toVersion the last version wanted (inclusive), at least {@code fromVersion}; {@link Long#MAX_VALUE}
   *     for the rest of the history
   * @return the decodable events with versions in the range, in version order (fewer when the history ends
   *     before {@code toVersion}), and one error per undecodable record the read met: at least those between the
   *     commit that holds {@code fromVersion} and the one that holds {@code toVersion}
   * @throws InvalidInputException naming the argument when the stream id or a bound is invalid
   *     ({@code toVersion} below {@code fromVersion} included)
   */
  default ReplayResult getEventsWithErrors(String streamId, long fromVersion, long toVersion) {
    AppendChecks.checkRead(streamId, fromVersion, toVersion);
    ReplayResult all = getEventsWithErrors(streamId, fromVersion);
    if (all.events().isEmpty() || all.events().getLast().version() <= toVersion) {
      return all;
    }
    return new ReplayResult(all.events().stream().filter(e -> e.version() <= toVersion).toList(), all.errors());
  }

  /**
   * Reads an actor's latest version.
   *
   * @param streamId the stream (one actor's history)
   * @return the latest stored version; 0 for an actor without events
   */
  long getLatestVersion(String streamId);

  /**
   * The most bytes of encoded events one commit ({@link #append}, {@link #saveEvent}) may hold, in the unit
   * of {@link CommitTooLargeException#eventSizes()}: a list of events fits iff the sum of their sizes is at
   * most this. A larger commit is refused with a {@link CommitTooLargeException} and stores nothing. The
   * limit may change while the store runs (a server with another max payload after a reconnect): the
   * exception carries the limit that applied.
   *
   * @return the limit; {@link Long#MAX_VALUE} when the store has none (the default)
   */
  default long maxCommitBytes() {
    return Long.MAX_VALUE;
  }

  /**
   * The namespace whose histories this store keeps, so that parts that must work on one namespace can check it (a
   * cluster node refuses a runtime whose store keeps another). The default: none, a store without namespaces
   * (in memory).
   *
   * @return the namespace; empty when the store has none
   */
  default Optional<String> namespace() {
    return Optional.empty();
  }

  /** Releases the store's resources. The default does nothing. */
  @Override
  default void close() {}
}
