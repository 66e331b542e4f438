package dev.aether.nats.runtime;

import dev.aether.event.ActorSnapshot;
import dev.aether.event.Event;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.store.EventStore;
import dev.aether.store.ReplayResult;
import dev.aether.store.SnapshotStore;
import dev.aether.store.VersionConflictException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A JetStream store that counts what a runtime does to it (appends, conflicts, freshness checks, snapshot
 * loads, replays) and lets a test act just before an append: a decorator instead of a mock. Thread-safe.
 */
final class CountingStore implements EventStore, SnapshotStore, AutoCloseable {

  final JetStreamEventStore inner;
  final AtomicInteger appends = new AtomicInteger();
  final AtomicInteger conflicts = new AtomicInteger();
  final AtomicInteger latestVersionCalls = new AtomicInteger();
  final AtomicInteger snapshotReads = new AtomicInteger();
  final AtomicInteger snapshotSaves = new AtomicInteger();
  /** The version of every snapshot found by {@link #getLatestSnapshot} (activations that used one). */
  final List<Long> snapshotsLoaded = new CopyOnWriteArrayList<>();
  /** The {@code fromVersion} of every replay. */
  final List<Long> replaysFrom = new CopyOnWriteArrayList<>();
  final AtomicInteger replayedEvents = new AtomicInteger();
  volatile Consumer<String> beforeAppend = actorId -> {};

  CountingStore(JetStreamEventStore inner) {
    this.inner = inner;
  }

  @Override
  public void saveEvent(Event event) {
    inner.saveEvent(event);
  }

  @Override
  public long append(String actorId, long expectedVersion, List<Event> events) {
    appends.incrementAndGet();
    beforeAppend.accept(actorId);
    try {
      return inner.append(actorId, expectedVersion, events);
    } catch (VersionConflictException e) {
      conflicts.incrementAndGet();
      throw e;
    }
  }

  @Override
  public List<Event> getEvents(String actorId, long fromVersion) {
    return inner.getEvents(actorId, fromVersion);
  }

  @Override
  public ReplayResult getEventsWithErrors(String actorId, long fromVersion) {
    replaysFrom.add(fromVersion);
    return counted(inner.getEventsWithErrors(actorId, fromVersion));
  }

  @Override
  public ReplayResult getEventsForWriter(String actorId, long fromVersion) {
    replaysFrom.add(fromVersion);
    return counted(inner.getEventsForWriter(actorId, fromVersion));
  }

  private ReplayResult counted(ReplayResult result) {
    replayedEvents.addAndGet(result.events().size());
    return result;
  }

  final AtomicInteger fences = new AtomicInteger();

  @Override
  public void fence(String actorId, long version) {
    fences.incrementAndGet();
    inner.fence(actorId, version);
  }

  @Override
  public long getLatestVersion(String actorId) {
    latestVersionCalls.incrementAndGet();
    return inner.getLatestVersion(actorId);
  }

  @Override
  public void saveSnapshot(ActorSnapshot snapshot) {
    snapshotSaves.incrementAndGet();
    inner.saveSnapshot(snapshot);
  }

  @Override
  public Optional<ActorSnapshot> getLatestSnapshot(String actorId) {
    snapshotReads.incrementAndGet();
    Optional<ActorSnapshot> found = inner.getLatestSnapshot(actorId);
    found.ifPresent(s -> snapshotsLoaded.add(s.version()));
    return found;
  }

  @Override
  public void close() {
    inner.close();
  }
}
