package dev.aether.store;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import java.util.List;

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
 * acknowledgement was lost an {@link OutcomeUnknownException} (retrying the same write is then safe).
 *
 * <p>Implementations are thread-safe. Returned events and lists are immutable.
 */
public interface EventStore extends AutoCloseable {

  /**
   * Stores one event if its version is above the actor's latest version.
   *
   * @param event the event; its {@code actorId} names the actor
   * @throws VersionConflictException when the actor already has this or a later version
   */
  void saveEvent(Event event);

  /**
   * Stores a batch of events of one actor atomically: all of them or none, and only if the actor's latest
   * version is exactly {@code expectedVersion}.
   *
   * @param actorId the actor
   * @param expectedVersion the version the caller last saw; 0 for an actor without events
   * @param events one or more events of {@code actorId}, with strictly increasing versions above
   *     {@code expectedVersion}
   * @return the actor's new latest version (the last event's version)
   * @throws VersionConflictException when the actor's latest version is not {@code expectedVersion}
   * @throws InvalidInputException when the list is empty, an event belongs to another actor or the versions
   *     do not increase
   */
  long append(String actorId, long expectedVersion, List<Event> events);

  /**
   * Reads an actor's events from a version on.
   *
   * @param actorId the actor
   * @param fromVersion the first version wanted (inclusive); 0 or 1 reads everything
   * @return the events in version order; empty for an unknown actor
   */
  List<Event> getEvents(String actorId, long fromVersion);

  /**
   * Reads an actor's events from a version on, reporting stored records that cannot be decoded instead of
   * skipping them.
   *
   * @param actorId the actor
   * @param fromVersion the first version wanted (inclusive)
   * @return the decodable events and one error per undecodable record
   */
  ReplayResult getEventsWithErrors(String actorId, long fromVersion);

  /**
   * Reads an actor's latest version.
   *
   * @param actorId the actor
   * @return the latest stored version; 0 for an actor without events
   */
  long getLatestVersion(String actorId);

  /** Releases the store's resources. The default does nothing. */
  @Override
  default void close() {}
}
