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

  /** The store behind; a test may replace it (a store that lost events, rebuilt elsewhere). */
  volatile InMemoryEventStore inner;
  /** Versions of stored events that read back as undecodable records (skipped by getEvents, as JetStream does). */
  final java.util.Set<Long> undecodable = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Called with each batch before it is appended; may throw to refuse it. */
  volatile Consumer<List<Event>> beforeAppendEvents = events -> {};
  final AtomicInteger appendCalls = new AtomicInteger();
  final AtomicInteger latestVersionCalls = new AtomicInteger();
  final AtomicInteger commits = new AtomicInteger();
  final List<Integer> commitSizes = new CopyOnWriteArrayList<>();
  final List<Long> readsFrom = new CopyOnWriteArrayList<>();
  /** The {from, to} of each read of a version range. */
  final List<List<Long>> rangeReads = new CopyOnWriteArrayList<>();
  /** The last version a range read reaches, as a replica that is behind answers; {@code Long.MAX_VALUE}: all. */
  volatile long rangeReadsEndAt = Long.MAX_VALUE;
  final List<ActorSnapshot> savedSnapshots = new CopyOnWriteArrayList<>();
  final AtomicInteger concurrentReads = new AtomicInteger();
  final AtomicInteger maxConcurrentReads = new AtomicInteger();
  volatile Consumer<String> beforeAppend = id -> {};
  volatile Consumer<String> beforeRead = id -> {};
  /** Called before each read of an actor's latest version; may throw to fail it. */
  volatile Consumer<String> beforeLatestVersion = id -> {};
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
    beforeAppendEvents.accept(events);
    long version = inner.append(actorId, expectedVersion, events);
    commits.incrementAndGet();
    commitSizes.add(events.size());
    return version;
  }

  @Override
  public List<Event> getEvents(String actorId, long fromVersion) {
    return inner.getEvents(actorId, fromVersion).stream().filter(e -> !undecodable.contains(e.version())).toList();
  }

  @Override
  public ReplayResult getEventsWithErrors(String actorId, long fromVersion) {
    int now = concurrentReads.incrementAndGet();
    maxConcurrentReads.accumulateAndGet(now, Math::max);
    try {
      readsFrom.add(fromVersion);
      beforeRead.accept(actorId);
      ReplayResult result = inner.getEventsWithErrors(actorId, fromVersion);
      if (undecodable.isEmpty()) {
        return result;
      }
      List<dev.aether.store.ReplayError> errors = result.events().stream()
          .filter(e -> undecodable.contains(e.version()))
          .map(e -> new dev.aether.store.ReplayError(1000 + e.version(), new byte[] {'{'},
              new dev.aether.event.EventDecodingException("truncated record", null)))
          .toList();
      return new ReplayResult(getEvents(actorId, fromVersion), errors);
    } finally {
      concurrentReads.decrementAndGet();
    }
  }

  @Override
  public ReplayResult getEventsWithErrors(String actorId, long fromVersion, long toVersion) {
    rangeReads.add(List.of(fromVersion, toVersion));
    ReplayResult read = EventStore.super.getEventsWithErrors(actorId, fromVersion, toVersion);
    long endAt = rangeReadsEndAt;
    return endAt == Long.MAX_VALUE ? read
        : new ReplayResult(read.events().stream().filter(e -> e.version() <= endAt).toList(), read.errors());
  }

  @Override
  public long maxCommitBytes() {
    return inner.maxCommitBytes();
  }

  @Override
  public long getLatestVersion(String actorId) {
    latestVersionCalls.incrementAndGet();
    beforeLatestVersion.accept(actorId);
    return inner.getLatestVersion(actorId);
  }

  @Override
  public void saveSnapshot(ActorSnapshot snapshot) {
    beforeSnapshot.accept(snapshot.streamId());
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
        List.of(Event.builder().eventType(eventType).streamId(actorId).version(version).data(data).build()));
  }

  List<Event> events(String actorId) {
    return inner.getEvents(actorId, 0);
  }
}
