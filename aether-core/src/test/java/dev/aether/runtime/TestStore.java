package dev.aether.runtime;

import dev.aether.event.ActorSnapshot;
import dev.aether.event.Event;
import dev.aether.store.EventStore;
import dev.aether.store.InMemoryEventStore;
import dev.aether.store.ReplayResult;
import dev.aether.store.SnapshotStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An in-memory store that counts what the runtime does to it and lets a test hook into appends and reads:
 * a small decorator instead of a mock framework.
 */
final class TestStore implements EventStore, SnapshotStore {

  final InMemoryEventStore inner;
  final AtomicInteger appendCalls = new AtomicInteger();
  final AtomicInteger latestVersionCalls = new AtomicInteger();
  final AtomicInteger commits = new AtomicInteger();
  final List<Integer> commitSizes = new CopyOnWriteArrayList<>();
  final List<Long> readsFrom = new CopyOnWriteArrayList<>();
  final List<ActorSnapshot> savedSnapshots = new CopyOnWriteArrayList<>();
  final AtomicInteger concurrentReads = new AtomicInteger();
  final AtomicInteger maxConcurrentReads = new AtomicInteger();
  volatile Consumer<String> beforeAppend = id -> {};
  volatile Consumer<String> beforeRead = id -> {};
  volatile Consumer<String> beforeSnapshot = id -> {};

  TestStore() {
    this(InMemoryEventStore.create());
  }

  TestStore(InMemoryEventStore inner) {
    this.inner = inner;
  }

  @Override
  public void saveEvent(Event event) {
    inner.saveEvent(event);
  }

  @Override
  public long append(String actorId, long expectedVersion, List<Event> events) {
    appendCalls.incrementAndGet();
    beforeAppend.accept(actorId);
    long version = inner.append(actorId, expectedVersion, events);
    commits.incrementAndGet();
    commitSizes.add(events.size());
    return version;
  }

  @Override
  public List<Event> getEvents(String actorId, long fromVersion) {
    return inner.getEvents(actorId, fromVersion);
  }

  @Override
  public ReplayResult getEventsWithErrors(String actorId, long fromVersion) {
    int now = concurrentReads.incrementAndGet();
    maxConcurrentReads.accumulateAndGet(now, Math::max);
    try {
      readsFrom.add(fromVersion);
      beforeRead.accept(actorId);
      return inner.getEventsWithErrors(actorId, fromVersion);
    } finally {
      concurrentReads.decrementAndGet();
    }
  }

  @Override
  public long getLatestVersion(String actorId) {
    latestVersionCalls.incrementAndGet();
    return inner.getLatestVersion(actorId);
  }

  @Override
  public void saveSnapshot(ActorSnapshot snapshot) {
    beforeSnapshot.accept(snapshot.actorId());
    savedSnapshots.add(snapshot);
    inner.saveSnapshot(snapshot);
  }

  @Override
  public Optional<ActorSnapshot> getLatestSnapshot(String actorId) {
    return inner.getLatestSnapshot(actorId);
  }

  /** Appends events of another writer, as a second process would. */
  long foreignAppend(String actorId, String eventType, java.util.Map<String, ?> data) {
    long version = inner.getLatestVersion(actorId) + 1;
    return inner.append(actorId, version - 1,
        List.of(Event.builder().eventType(eventType).actorId(actorId).version(version).data(data).build()));
  }

  List<Event> events(String actorId) {
    return inner.getEvents(actorId, 0);
  }
}
