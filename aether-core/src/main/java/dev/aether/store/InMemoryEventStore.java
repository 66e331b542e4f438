package dev.aether.store;

import dev.aether.event.ActorSnapshot;
import dev.aether.event.Event;
import dev.aether.event.EventJson;
import dev.aether.support.AppendChecks;
import dev.aether.support.Checks;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EventStore} and {@link SnapshotStore} held in memory: for tests, demos and single-process use.
 * Nothing survives the process.
 *
 * <p>Thread-safe. Each actor's history is guarded by its own lock, so writers of different actors never
 * wait for each other, and the check-and-append of one actor is atomic. {@link EventStored} notices are
 * emitted under that lock, so an actor's notices arrive in version order. Events are immutable, so storing
 * and returning them needs no copies.
 *
 * <p>Commit size: unbounded by default. With {@link Builder#maxCommitBytes(long)} the store behaves like a
 * store on a server with a message size limit: each event of a commit is measured as its JSON encoding
 * ({@link EventJson}, one encoding per event, only when a limit is set) and a commit whose events take more
 * than the limit is refused with a {@link CommitTooLargeException}, so code that must cope with the limit
 * (the runtime's group commit) is tested without NATS.
 *
 * <p>{@link #health()} is always {@link StoreHealth.Status#CONNECTED}: there is nothing to lose touch with.
 *
 * <p><b>Feed</b> ({@link EventFeed}): one partition, 0, holding every commit in the order it was stored
 * (numbered 1, 2, 3, ... as it is stored, under the stream's lock, so a stream's commits keep their version
 * order), hence a global order across streams. Polls wait on a condition, never by polling. Shared groups live
 * as long as the store; their ack timeouts run on {@link System#nanoTime()}.
 */
public final class InMemoryEventStore implements EventStore, SnapshotStore, EventFeed, HealthReporting {

  private static final Logger LOG = LoggerFactory.getLogger(InMemoryEventStore.class);

  private static final StoreHealth HEALTHY =
      new StoreHealth(StoreHealth.Status.CONNECTED, "in-memory", Optional.empty());

  private final ConcurrentMap<String, History> histories = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, ActorSnapshot> snapshots = new ConcurrentHashMap<>();
  private final InMemoryFeed feed = new InMemoryFeed();
  private final CompactEvents compact = new CompactEvents();
  private final EventStoredListener listener;
  private final long maxCommitBytes;

  private InMemoryEventStore(EventStoredListener listener, long maxCommitBytes) {
    this.listener = listener;
    this.maxCommitBytes = maxCommitBytes;
  }

  /**
   * Creates an empty store that emits no notices.
   *
   * @return the store
   */
  public static InMemoryEventStore create() {
    return builder().build();
  }

  /**
   * Creates an empty store that tells {@code listener} about every stored event.
   *
   * @param listener receives one {@link EventStored} per stored event
   * @return the store
   */
  public static InMemoryEventStore withListener(EventStoredListener listener) {
    return builder().listener(listener).build();
  }

  /**
   * Starts a store configuration: no listener, no commit size limit.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@inheritDoc} {@link Long#MAX_VALUE} unless set with {@link Builder#maxCommitBytes(long)}. */
  @Override
  public long maxCommitBytes() {
    return maxCommitBytes;
  }

  @Override
  public void saveEvent(Event event) {
    Checks.notNull(event, "event");
    checkSize(event.streamId(), List.of(event));
    History history = history(event.streamId());
    history.lock.lock();
    try {
      long current = history.latestVersion();
      if (event.version() <= current) {
        if (isLastCommit(history, List.of(event))) {
          return; // a retry of the last write: stored once, as the JetStream store de-duplicates it
        }
        throw new VersionConflictException(event.streamId(), event.version(), current);
      }
      feed.append(history.add(List.of(event), compact));
      notifyStored(event);
    } finally {
      history.lock.unlock();
    }
  }

  @Override
  public long append(String streamId, long expectedVersion, List<Event> events) {
    List<Event> batch = AppendChecks.check(streamId, expectedVersion, events);
    checkSize(streamId, batch);
    History history = history(streamId);
    history.lock.lock();
    try {
      long current = history.latestVersion();
      if (current != expectedVersion) {
        if (isLastCommit(history, batch)) {
          return batch.getLast().version(); // a retry of the last commit: stored once, as on JetStream
        }
        throw new VersionConflictException(streamId, batch.getFirst().version(), expectedVersion, current);
      }
      feed.append(history.add(batch, compact));
      batch.forEach(this::notifyStored);
      return batch.getLast().version();
    } finally {
      history.lock.unlock();
    }
  }

  /**
   * Whether these events are the actor's last commit, at their versions and with their ids: a retried write (the
   * same commit sent again after an unknown outcome), as the JetStream store recognises it (the actor's last
   * message, by its id: stream, event ids, versions). Called holding the history's lock.
   */
  private boolean isLastCommit(History history, List<Event> batch) {
    List<Event> stored = history.lastCommit(compact);
    if (stored.size() != batch.size()) {
      return false;
    }
    for (int i = 0; i < batch.size(); i++) {
      if (!stored.get(i).id().equals(batch.get(i).id()) || stored.get(i).version() != batch.get(i).version()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public List<Event> getEvents(String streamId, long fromVersion) {
    AppendChecks.checkRead(streamId, fromVersion);
    History history = histories.get(streamId);
    if (history == null) {
      return List.of();
    }
    history.lock.lock();
    try {
      return history.from(fromVersion, compact);
    } finally {
      history.lock.unlock();
    }
  }

  /** {@inheritDoc} An in-memory store holds decoded events only, so the result never has errors. */
  @Override
  public ReplayResult getEventsWithErrors(String streamId, long fromVersion) {
    return new ReplayResult(getEvents(streamId, fromVersion), List.of());
  }

  /** {@inheritDoc} Decodes the range's events only; never has errors. */
  @Override
  public ReplayResult getEventsWithErrors(String streamId, long fromVersion, long toVersion) {
    AppendChecks.checkRead(streamId, fromVersion, toVersion);
    History history = histories.get(streamId);
    if (history == null) {
      return new ReplayResult(List.of(), List.of());
    }
    history.lock.lock();
    try {
      return new ReplayResult(history.range(fromVersion, toVersion, compact), List.of());
    } finally {
      history.lock.unlock();
    }
  }

  @Override
  public long getLatestVersion(String streamId) {
    Event.validStreamId(streamId);
    History history = histories.get(streamId);
    if (history == null) {
      return 0;
    }
    history.lock.lock();
    try {
      return history.latestVersion();
    } finally {
      history.lock.unlock();
    }
  }

  /**
   * {@inheritDoc} The in-memory store has one partition, 0; its commits are numbered 1, 2, 3, ... in the order
   * they were stored, so a reader sees every stream's events in one global order.
   */
  @Override
  public FeedReader openFeed(FeedStart start) {
    return feed.open(start);
  }

  /** {@inheritDoc} Partition 0 at the number of commits stored so far. */
  @Override
  public FeedPosition head() {
    return feed.head();
  }

  /**
   * {@inheritDoc} The group lives as long as this store; its ack timeout counts on {@link System#nanoTime()}.
   */
  @Override
  public SharedFeed openShared(String group, FeedStart startIfNew, SharedFeedOptions options) {
    return feed.openShared(group, startIfNew, options);
  }

  @Override
  public void saveSnapshot(ActorSnapshot snapshot) {
    Checks.notNull(snapshot, "snapshot");
    snapshots.merge(snapshot.streamId(), snapshot,
        (existing, candidate) -> candidate.version() >= existing.version() ? candidate : existing);
  }

  @Override
  public Optional<ActorSnapshot> getLatestSnapshot(String streamId) {
    Event.validStreamId(streamId);
    return Optional.ofNullable(snapshots.get(streamId));
  }

  /** Measures each event's JSON encoding when a limit is set, and refuses a commit above it. */
  private void checkSize(String streamId, List<Event> batch) {
    if (maxCommitBytes == Long.MAX_VALUE) {
      return;
    }
    long[] sizes = new long[batch.size()];
    long total = 0;
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = EventJson.toBytes(batch.get(i)).length;
      total += sizes[i];
    }
    if (total > maxCommitBytes) {
      throw new CommitTooLargeException(streamId, sizes, maxCommitBytes, "the in-memory store's maxCommitBytes");
    }
  }

  private History history(String streamId) {
    return histories.computeIfAbsent(streamId, History::new);
  }

  private void notifyStored(Event event) {
    if (listener == EventStoredListener.NONE) {
      return;
    }
    try {
      listener.onEventStored(EventStored.of(event));
    } catch (RuntimeException e) {
      LOG.warn("EventStored listener failed for {} v{}", event.streamId(), event.version(), e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @return always {@link StoreHealth.Status#CONNECTED}, server {@code in-memory}, no error
   */
  @Override
  public StoreHealth health() {
    return HEALTHY;
  }

  /**
   * One stream's events, each kept compactly ({@link CompactEvents}). Appends happen under {@code lock}; the
   * array and the count are published so that a commit's events can be read back without it (the feed reads
   * commits while holding its own lock, which appends take after this one).
   */
  private static final class History {
    final ReentrantLock lock = new ReentrantLock();
    final String streamId;
    private volatile byte[][] events = new byte[4][];
    private volatile int size;
    /** The index of the last commit's first event (written and read under {@code lock}). */
    private int lastCommitFrom;

    History(String streamId) {
      this.streamId = streamId;
    }

    long latestVersion() {
      int n = size;
      return n == 0 ? 0 : CompactEvents.version(events[n - 1]);
    }

    /** Appends a checked batch (under {@code lock}) and returns it as a commit of the feed. */
    InMemoryFeed.StoredCommit add(List<Event> batch, CompactEvents compact) {
      int from = size;
      byte[][] array = events;
      if (from + batch.size() > array.length) {
        array = Arrays.copyOf(array, Math.max(array.length + (array.length >> 1), from + batch.size()));
      }
      for (int i = 0; i < batch.size(); i++) {
        array[from + i] = compact.encode(batch.get(i));
      }
      events = array;
      size = from + batch.size(); // publishes the events written above
      lastCommitFrom = from;
      int count = batch.size();
      return () -> read(from, from + count, compact);
    }

    /** The events of the last commit (under {@code lock}); empty for an actor without events. */
    List<Event> lastCommit(CompactEvents compact) {
      return read(lastCommitFrom, size, compact);
    }

    /** The events at indexes {@code [from, to)}, all of which are published. */
    private List<Event> read(int from, int to, CompactEvents compact) {
      byte[][] array = events;
      Event[] out = new Event[to - from];
      for (int i = from; i < to; i++) {
        out[i - from] = compact.decode(array[i], streamId);
      }
      return Collections.unmodifiableList(Arrays.asList(out));
    }

    List<Event> from(long fromVersion, CompactEvents compact) {
      return read(firstIndexAtOrAbove(fromVersion), size, compact);
    }

    /** The events with versions in [fromVersion, toVersion], decoding no other. */
    List<Event> range(long fromVersion, long toVersion, CompactEvents compact) {
      int end = toVersion == Long.MAX_VALUE ? size : firstIndexAtOrAbove(toVersion + 1);
      return read(firstIndexAtOrAbove(fromVersion), end, compact);
    }

    private int firstIndexAtOrAbove(long version) {
      byte[][] array = events;
      int low = 0;
      int high = size;
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (CompactEvents.version(array[mid]) < version) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      return low;
    }
  }

  /** Configures an {@link InMemoryEventStore}. Not thread-safe; {@link #build()} may be called again. */
  public static final class Builder {
    private EventStoredListener listener = EventStoredListener.NONE;
    private long maxCommitBytes = Long.MAX_VALUE;

    private Builder() {}

    /**
     * Sets the listener told about every stored event.
     *
     * @param listener receives one {@link EventStored} per stored event
     * @return this builder
     * @throws dev.aether.InvalidInputException when {@code listener} is null
     */
    public Builder listener(EventStoredListener listener) {
      this.listener = Checks.notNull(listener, "listener");
      return this;
    }

    /**
     * Limits the JSON bytes of the events of one commit; a larger commit is refused with a
     * {@link CommitTooLargeException}. Default: unlimited ({@link Long#MAX_VALUE}).
     *
     * @param maxCommitBytes the limit, positive
     * @return this builder
     * @throws dev.aether.InvalidInputException when not positive
     */
    public Builder maxCommitBytes(long maxCommitBytes) {
      if (maxCommitBytes <= 0) {
        throw new dev.aether.InvalidInputException("maxCommitBytes", "must be positive, was " + maxCommitBytes);
      }
      this.maxCommitBytes = maxCommitBytes;
      return this;
    }

    /** @return a new empty store */
    public InMemoryEventStore build() {
      return new InMemoryEventStore(listener, maxCommitBytes);
    }
  }
}
