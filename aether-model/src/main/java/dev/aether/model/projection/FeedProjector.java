package dev.aether.model.projection;

import dev.aether.InvalidInputException;

import dev.aether.event.Event;
import dev.aether.store.EventFeed;
import dev.aether.store.FeedClosedException;
import dev.aether.store.FeedPosition;
import dev.aether.store.FeedReader;
import dev.aether.store.FeedStart;
import dev.aether.store.ReadModelStore;
import dev.aether.support.Checks;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link Projection} from an {@link EventFeed} on one virtual thread ({@code aether-projection-<name>}).
 *
 * <p>At start: a stored schema tag other than the projection's resets the rows; the reader then resumes
 * after the saved feed position (from the beginning when none). For each event of a handled aggregate type:
 * an event at or below its stream's checkpoint is a repetition and is skipped; otherwise its handler updates
 * the row and the checkpoint advances with it ({@link ReadModelStore#put}). Consecutive events of one stream
 * that update one row (the events of a commit, mostly) are folded: the handlers run one after another on the
 * view in memory and the row is written once, with the checkpoint at the last of them, so a row and its
 * checkpoint still change in one write. After each batch the feed position is saved. Position and rows are
 * not written in one transaction: a crash between them makes the reader start a little early, and the
 * checkpoints turn the repeated events into no-ops (idempotent by position).
 *
 * <p>A failure of the store or the feed (server down) closes the reader and reopens it from the saved position
 * after a pause (1 s doubling to 30 s); nothing is skipped. A handler that throws skips its event (counted,
 * logged). A projection started with a "runs here" condition (a read model on a store shared by a cluster's
 * nodes) reads the feed only while it holds (asked before each event); otherwise it stands by, following the position the running process
 * saves, and checks again every 250 ms (at once on {@link #checkRunsHere()}). Thread-safe: state changes happen on the projector's thread; the rest is volatile or atomic.
 *
 * <p>Longer than our usual limit: the fold, its per-event fallback and the catch-up reporting all work on the
 * state of the one projector thread, which stays in one place rather than being shared between classes.
 */
final class FeedProjector<V> implements RunningProjection<V> {

  private static final Logger LOG = LoggerFactory.getLogger(FeedProjector.class);
  private static final int BATCH = 512;
  private static final Duration POLL_WAIT = Duration.ofMillis(200);
  private static final long REPORT_EVERY_NANOS = Duration.ofSeconds(5).toNanos();
  private static final Duration STANDBY_CHECK = Duration.ofMillis(250);
  /** Attempts to apply one event to a row that another writer keeps changing before the projector gives up. */
  private static final int MAX_ROW_RACES = 20;

  /** A row this projector wrote, with the view it wrote it from. */
  private record Written<V>(Map<String, Object> row, V view) {}

  /** How many written views {@link #views} keeps. */
  private static final int VIEW_CACHE = 16_384;

  /** A caller of {@link #idle()} or {@link #rebuild()} waiting for a position. */
  private record Waiter(FeedPosition target, CompletableFuture<Void> done) {}

  /** A catch-up (after a start, or a rebuild) that is being reported. */
  private record CatchUp(FeedPosition target, long startCommits, long startHandled, long startNanos,
      boolean rebuild) {}

  private final Projection<V> projection;
  private final EventFeed feed;
  private final ReadModelStore store;
  private final ProjectionMeters meters;
  private final BooleanSupplier runsHere;
  private final long standByCheckNanos;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
  /** Views by key, of the rows this projector last wrote; only its own thread uses it. */
  private final Map<String, Written<V>> views = new HashMap<>();
  private final AtomicReference<CompletableFuture<Void>> rebuildRequest = new AtomicReference<>();
  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final Object progressed = new Object();
  private volatile FeedPosition position = FeedPosition.START;
  private volatile boolean closed;
  /**
   * Why the projection stopped on its own: its feed was closed under it (its event store closed first), which
   * no retry can undo. Null while it runs or after {@link #close()}.
   */
  private volatile FeedClosedException stoppedBy;
  /** Set by {@link #checkRunsHere()}: ends the stand-by wait at once. */
  private volatile boolean recheck;
  private volatile CatchUp catchUp;
  private volatile double rate;
  private long lastReport;
  /**
   * The stream of the last event this thread handled in the current batch (the very string), and that
   * stream's checkpoint in the store after it: the events of a commit come one after another and share
   * their stream id, so the next one needs no checkpoint read. Valid because a read model has one writer at
   * a time (its projector, see {@link ReadModelStore}); cleared before each batch, so a failure, reopen or
   * reset never leaves a stale value behind.
   */
  private String lastStream;
  private long lastCheckpoint;
  /**
   * The fold of the current batch (only this thread): consecutive events of one stream that update one row
   * are applied to the view in memory and the row is written once, with the stream's checkpoint at the last
   * of them ({@link #flush}), which keeps a row and its checkpoint in one write. {@code pendingKey} null: no
   * fold. {@code pendingView} null: the row is to be removed. {@code pendingBase}: the row as read at the
   * fold's start, the compare-and-set base. {@code pendingFrom}..{@code pendingTo}: the fold's events in the
   * batch.
   */
  private String pendingKey;
  private Map<String, Object> pendingBase;
  private V pendingView;
  private String pendingStream;
  private long pendingVersion;
  private int pendingFrom;
  private int pendingTo;
  private int pendingApplied;

  private FeedProjector(Projection<V> projection, EventFeed feed, ReadModelStore store, ProjectionMeters meters,
      BooleanSupplier runsHere, Duration standByCheck) {
    this.projection = projection;
    this.feed = feed;
    this.store = store;
    this.meters = meters;
    this.runsHere = runsHere;
    this.standByCheckNanos = standByCheck.toNanos();
    this.thread = Thread.ofVirtual().name("aether-projection-" + projection.name()).unstarted(this::run);
  }

  static <V> FeedProjector<V> start(Projection<V> projection, EventFeed feed, ReadModelStore store,
      ProjectionMeters meters, BooleanSupplier runsHere) {
    return start(projection, feed, store, meters, runsHere, STANDBY_CHECK);
  }

  /** {@link #start} with another stand-by check interval (tests). */
  static <V> FeedProjector<V> start(Projection<V> projection, EventFeed feed, ReadModelStore store,
      ProjectionMeters meters, BooleanSupplier runsHere, Duration standByCheck) {
    FeedProjector<V> projector = new FeedProjector<>(projection, feed, store, meters, runsHere, standByCheck);
    projector.thread.start();
    return projector;
  }

  private void run() {
    FeedReader reader = null;
    long pauseMillis = 1000;
    while (!closed) {
      try {
        if (feed.isClosed()) { // also while standing by, and when the read-model store's calls fail first
          throw new FeedClosedException("its event store is closed");
        }
        if (!runsHere.getAsBoolean()) {
          if (reader != null) {
            LOG.info("projection {}: standing by, it runs elsewhere now", projection.name());
            closeQuietly(reader);
            reader = null;
            views.clear();
          }
          CompletableFuture<Void> elsewhere = rebuildRequest.getAndSet(null);
          if (elsewhere != null) { // not kept for whenever it comes back here: that may be much later
            elsewhere.completeExceptionally(new IllegalStateException("projection " + projection.name()
                + " does not run here now (it runs in another process, or its runtime is not started)"));
          }
          standBy();
          continue;
        }
        if (reader == null) {
          reader = open();
        }
        // asked again: opening took round trips, and a reset here after the projection moved would wipe the rows
        // its new process writes
        CompletableFuture<Void> rebuild = runsHere.getAsBoolean() ? rebuildRequest.getAndSet(null) : null;
        if (rebuild != null) {
          try {
            reader.close();
            reader = null;
            store.reset(projection.name(), projection.schema());
            views.clear();
            position = FeedPosition.START;
            reader = feed.openFeed(FeedStart.beginning());
          } catch (RuntimeException e) {
            requeue(rebuild); // begun again after the pause below, not lost
            throw e;
          }
          beginCatchUp(true, rebuild);
        }
        List<Event> batch = reader.pollEvents(BATCH, POLL_WAIT);
        boolean movedAway = applyBatch(batch);
        if (!batch.isEmpty() && !movedAway) {
          position = reader.position();
          store.saveFeedPosition(projection.name(), position);
        }
        settle();
        pauseMillis = 1000;
      } catch (FeedClosedException e) {
        if (!closed) {
          stoppedBy = e;
          LOG.error("projection {} stopped: {} (close a projection before its event store)", projection.name(),
              e.getMessage());
        }
        break;
      } catch (RuntimeException e) {
        if (closed) {
          break;
        }
        if (feed.isClosed()) {
          continue; // stopped at the loop's top, saying why
        }
        LOG.warn("projection {}: {}; resuming from its saved position in {} ms", projection.name(), e.toString(),
            pauseMillis);
        closeQuietly(reader);
        reader = null;
        sleep(pauseMillis);
        pauseMillis = Math.min(30_000, pauseMillis * 2);
      }
    }
    closeQuietly(reader);
    RuntimeException stopped = closedFailure();
    waiters.forEach(w -> w.done().completeExceptionally(stopped));
    CompletableFuture<Void> rebuild = rebuildRequest.getAndSet(null);
    if (rebuild != null) {
      rebuild.completeExceptionally(stopped);
    }
  }

  /** Resets rows written under another schema, and opens a reader after the saved position. */
  /**
   * While another process runs the projection on the shared store: follows its saved position (so waiters on
   * a position complete here too) and checks again after {@link #STANDBY_CHECK}, or at once on
   * {@link #checkRunsHere()}.
   */
  private void standBy() {
    store.feedPosition(projection.name()).ifPresent(saved -> {
      if (saved.covers(position)) {
        position = saved;
      }
    });
    settle();
    long deadline = System.nanoTime() + standByCheckNanos;
    long left;
    while (!recheck && !closed && (left = deadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(this, left); // checkRunsHere unparks
    }
    recheck = false;
  }

  @Override
  public boolean runsHere() {
    return !ended() && runsHere.getAsBoolean();
  }

  @Override
  public void checkRunsHere() {
    recheck = true;
    LockSupport.unpark(thread);
  }

  private FeedReader open() {
    if (!store.schema(projection.name()).equals(Optional.of(projection.schema()))) {
      store.reset(projection.name(), projection.schema());
      views.clear();
    }
    Optional<FeedPosition> saved = store.feedPosition(projection.name());
    position = saved.orElse(FeedPosition.START);
    FeedReader reader = feed.openFeed(saved.map(FeedStart::after).orElse(FeedStart.beginning()));
    beginCatchUp(false, null);
    return reader;
  }

  private void beginCatchUp(boolean rebuild, CompletableFuture<Void> done) {
    FeedPosition head = feed.head();
    if (done != null) {
      waiters.add(new Waiter(head, done));
    }
    if (position.covers(head)) {
      catchUp = null;
      return;
    }
    catchUp = new CatchUp(head, ProjectionProgress.commits(position), handled.get(), System.nanoTime(), rebuild);
    lastReport = System.nanoTime();
    LOG.info("projection {}: {} from {} to {} ({} commits)", projection.name(),
        rebuild ? "rebuilding" : "catching up", position, head,
        ProjectionProgress.commits(head) - ProjectionProgress.commits(position));
  }

  /**
   * Applies a batch in feed order; the rows of a run of events of one stream that share a key are written
   * once, at the end of the run ({@link #flush}).
   *
   * @return whether the projection moved to another process mid-batch (then it stopped at once)
   */
  private boolean applyBatch(List<Event> batch) {
    lastStream = null;
    int i = 0;
    try {
      for (; i < batch.size(); i++) {
        if (!runsHere.getAsBoolean()) { // moved to another process mid-batch: stop at once, save no position
          flush(batch);
          return true;
        }
        apply(batch, i);
      }
      flush(batch);
      return false;
    } finally {
      pendingKey = null; // after a failure the reader reopens at the saved position: nothing folded is kept
      handled.addAndGet(i);
    }
  }

  private void apply(List<Event> batch, int index) {
    Event event = batch.get(index);
    String streamId = event.streamId();
    Map<String, Projection.Route<V, ?>> routes = projection.routes(streamId);
    if (routes == null) {
      return;
    }
    if (pendingKey != null && streamId != pendingStream) {
      flush(batch); // one stream per fold: its write carries that stream's checkpoint
    }
    String name = projection.name();
    long checkpoint = streamId == lastStream ? lastCheckpoint : store.checkpoint(name, streamId);
    lastStream = null;
    if (event.version() <= checkpoint) {
      meters.repeated();
      lastStream = streamId;
      lastCheckpoint = checkpoint;
      return;
    }
    Event read = read(event, batch); // null: skipped, its checkpoint advanced
    Projection.Route<V, ?> route = read == null ? null : routes.get(read.eventType());
    if (route != null) {
      fold(route, read, batch, index);
    } else if (read != null && pendingKey != null) {
      pendingVersion = event.version(); // the fold's write advances the checkpoint past it
      pendingTo = index;
    } else if (read != null) {
      store.advance(name, streamId, event.version());
    }
    // every way through fold (folded, or the event skipped after a flush) leaves the checkpoint here
    lastStream = streamId;
    lastCheckpoint = event.version();
  }

  /**
   * An event as the projection's upcasts read it, or null when an upcast failed: then the event is skipped as a
   * failing handler's (after the fold in progress is written, when there is a batch).
   */
  private Event read(Event stored, List<Event> batch) {
    try {
      return projection.read(stored);
    } catch (RuntimeException e) {
      if (batch != null) {
        flush(batch);
      }
      skip(stored, e);
      return null;
    }
  }

  /**
   * Applies an event to the fold of its row, flushing first when the fold is another row's.
   *
   * @param event the event as the upcasts read it (the stored one is {@code batch.get(index)})
   */
  private <E> void fold(Projection.Route<V, E> route, Event event, List<Event> batch, int index) {
    Event stored = batch.get(index);
    E data;
    String key;
    try {
      data = route.read(event, stored);
      key = Checks.notBlank(route.key().key(data, event), "key");
    } catch (RuntimeException e) {
      flush(batch);
      skip(stored, e);
      return;
    }
    if (pendingKey != null && !pendingKey.equals(key)) {
      flush(batch);
    }
    boolean fresh = pendingKey == null;
    Map<String, Object> base = fresh ? store.get(projection.name(), key).orElse(null) : pendingBase;
    V view = fresh ? view(key, base) : pendingView == null ? projection.initialView() : pendingView;
    V next;
    try {
      next = route.handler().apply(view, data, event);
    } catch (RuntimeException e) {
      flush(batch);
      skip(stored, e);
      return;
    }
    if (fresh) {
      pendingKey = key;
      pendingBase = base;
      pendingStream = stored.streamId();
      pendingFrom = index;
      pendingApplied = 0;
    }
    pendingView = next;
    pendingVersion = event.version();
    pendingTo = index;
    pendingApplied++;
  }

  /**
   * Writes the folded row with its stream's checkpoint at the fold's last event, in one {@link
   * ReadModelStore#putIfUnchanged} (or removes it and advances the checkpoint, when the last handler returned
   * null), against the row read at the fold's start. When another writer changed that row meanwhile, or the
   * view cannot be written as a row, the fold's events are applied again one at a time ({@link #applyOne}),
   * which reads the row again or skips the event whose view cannot be written. A failure of the store
   * propagates (nothing of the fold is kept; the reader reopens at the saved position).
   */
  private void flush(List<Event> batch) {
    String key = pendingKey;
    if (key == null) {
      return;
    }
    pendingKey = null;
    String name = projection.name();
    Map<String, Object> row;
    try {
      row = pendingView == null ? null : ViewCodec.write(pendingView);
    } catch (RuntimeException e) {
      applyAgain(batch, key);
      return;
    }
    boolean written = row == null ? store.removeIfUnchanged(name, key, pendingBase)
        : store.putIfUnchanged(name, key, pendingBase, row, pendingStream, pendingVersion);
    if (!written) {
      applyAgain(batch, key);
      return;
    }
    if (row == null) {
      store.advance(name, pendingStream, pendingVersion);
      views.remove(key);
    } else {
      remember(key, row, pendingView);
    }
    meters.applied(pendingApplied);
  }

  /** The slow path of a fold that could not be written: its events one at a time, each read and written. */
  private void applyAgain(List<Event> batch, String key) {
    views.remove(key);
    lastStream = null;
    for (int i = pendingFrom; i <= pendingTo; i++) {
      applyOne(batch.get(i));
    }
  }

  /** Applies one event on its own: checkpoint, row and write, with the row's compare-and-set retries. */
  private void applyOne(Event event) {
    String streamId = event.streamId();
    Map<String, Projection.Route<V, ?>> routes = projection.routes(streamId);
    if (routes == null) {
      return;
    }
    String name = projection.name();
    if (event.version() <= store.checkpoint(name, streamId)) {
      meters.repeated();
      return;
    }
    Event read = read(event, null);
    if (read == null) {
      return; // skipped: its checkpoint advanced
    }
    Projection.Route<V, ?> route = routes.get(read.eventType());
    if (route == null) {
      store.advance(name, streamId, event.version());
    } else {
      update(route, read, event);
    }
  }

  /**
   * One event's row update, read and written with compare-and-set, retried while another writer races.
   *
   * @param event the event as the upcasts read it
   * @param stored the event as stored
   */
  private <E> void update(Projection.Route<V, E> route, Event event, Event stored) {
    String name = projection.name();
    String key;
    E data;
    try {
      data = route.read(event, stored);
      key = Checks.notBlank(route.key().key(data, event), "key");
    } catch (RuntimeException e) {
      skip(stored, e);
      return;
    }
    for (int attempt = 1; ; attempt++) {
      Map<String, Object> base = store.get(name, key).orElse(null);
      V view = view(key, base);
      V next;
      Map<String, Object> row;
      try {
        next = route.handler().apply(view, data, event);
        row = next == null ? null : ViewCodec.write(next);
      } catch (RuntimeException e) {
        skip(stored, e);
        return;
      }
      // compare-and-set on the row read: another writer of this read model (a moment of overlap while it moves
      // between processes) cannot have its update of the row overwritten
      boolean written = row == null ? store.removeIfUnchanged(name, key, base)
          : store.putIfUnchanged(name, key, base, row, event.streamId(), event.version());
      if (written) {
        if (row == null) {
          store.advance(name, event.streamId(), event.version());
          views.remove(key);
        } else {
          remember(key, row, next);
        }
        meters.applied();
        return;
      }
      views.remove(key);
      if (event.version() <= store.checkpoint(name, event.streamId())) {
        meters.repeated(); // the other writer applied this very event
        return;
      }
      if (attempt == MAX_ROW_RACES) {
        throw new IllegalStateException("projection " + name + ": row " + key + " kept changing under "
            + attempt + " attempts to apply " + event.streamId() + " v" + event.version());
      }
    }
  }

  /**
   * The view of a row: the one this projector last wrote when the store still holds that very row object (a
   * store that keeps what it is given, such as the in-memory one; rows are immutable), else read from the row.
   */
  private V view(String key, Map<String, Object> row) {
    if (row == null) {
      return projection.initialView();
    }
    Written<V> written = views.get(key);
    return written != null && written.row() == row ? written.view() : ViewCodec.read(row, projection.viewType());
  }

  private void remember(String key, Map<String, Object> row, V view) {
    if (views.size() >= VIEW_CACHE && !views.containsKey(key)) {
      views.clear(); // bounded: a large read model only loses the shortcut
    }
    views.put(key, new Written<>(row, view));
  }

  private void skip(Event event, RuntimeException e) {
    failures.incrementAndGet();
    meters.failed();
    LOG.warn("projection {}: event {} ({} v{}, {}) not applied: {}", projection.name(), event.id(),
        event.streamId(), event.version(), event.eventType(), e.toString());
    store.advance(projection.name(), event.streamId(), event.version());
  }

  /** Reports the catch-up, completes the waiters the position reached, wakes the callers of the awaits. */
  private void settle() {
    FeedPosition now = position;
    CatchUp current = catchUp;
    if (current != null) {
      long elapsed = System.nanoTime() - current.startNanos();
      rate = (handled.get() - current.startHandled()) / Math.max(1e-9, elapsed / 1e9);
      if (now.covers(current.target())) {
        catchUp = null;
        meters.progress(0, 1);
        LOG.info("projection {}: {} done in {} ms, {} events/s", projection.name(),
            current.rebuild() ? "rebuild" : "catch-up", elapsed / 1_000_000, Math.round(rate));
      } else if (System.nanoTime() - lastReport >= REPORT_EVERY_NANOS) {
        lastReport = System.nanoTime();
        ProjectionProgress p = progress();
        long total = ProjectionProgress.commits(current.target()) - current.startCommits();
        long done = ProjectionProgress.commits(now) - current.startCommits();
        meters.progress(p.commitsBehind(), total == 0 ? 1 : (double) done / total);
        LOG.info("projection {}: {} {}/{} commits, {} events/s, ETA {}", projection.name(),
            current.rebuild() ? "rebuilding" : "catching up", done, total, Math.round(rate),
            p.eta().map(Duration::toString).orElse("-"));
      }
    }
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (now.covers(w.target())) {
        it.remove();
        w.done().complete(null);
      }
    }
    synchronized (progressed) {
      progressed.notifyAll();
    }
  }

  @Override
  public String name() {
    return projection.name();
  }

  @Override
  public Optional<V> get(String key) {
    return store.get(projection.name(), Checks.notNull(key, "key"))
        .map(row -> ViewCodec.read(row, projection.viewType()));
  }

  @Override
  public Map<String, V> rows() {
    Map<String, V> views = new LinkedHashMap<>();
    store.rows(projection.name()).forEach((key, row) -> views.put(key, ViewCodec.read(row, projection.viewType())));
    return views;
  }

  @Override
  public boolean awaitCaughtUp(String streamId, long version, Duration timeout) {
    Checks.notBlank(streamId, "streamId");
    checkTimeout(timeout);
    if (projection.routes(streamId) == null) {
      return true;
    }
    return awaitTrue(() -> store.checkpoint(projection.name(), streamId) >= version, timeout);
  }

  @Override
  public boolean awaitPosition(FeedPosition target, Duration timeout) {
    Checks.notNull(target, "position");
    checkTimeout(timeout);
    return awaitTrue(() -> position.covers(target), timeout);
  }

  private static void checkTimeout(Duration timeout) {
    if (Checks.notNull(timeout, "timeout").isNegative()) {
      throw new InvalidInputException("timeout", "must not be negative, was " + timeout);
    }
  }

  private boolean awaitTrue(java.util.function.BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || ended()) {
        return condition.getAsBoolean();
      }
      synchronized (progressed) {
        try {
          progressed.wait(Math.max(1, Math.min(left / 1_000_000, 100)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public CompletableFuture<Void> idle() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    FeedPosition head = feed.head();
    if (position.covers(head)) {
      done.complete(null);
    } else if (ended()) {
      done.completeExceptionally(closedFailure());
    } else {
      Waiter waiter = new Waiter(head, done);
      waiters.add(waiter);
      if (ended() && waiters.remove(waiter)) { // closed meanwhile, its thread's last sweep may have passed
        done.completeExceptionally(closedFailure());
      }
    }
    return done;
  }

  /** Whether the projection ended: closed, or stopped because its feed was closed under it. */
  private boolean ended() {
    return closed || stoppedBy != null;
  }

  private IllegalStateException closedFailure() {
    FeedClosedException cause = stoppedBy;
    return cause == null ? new IllegalStateException("projection " + projection.name() + " is closed")
        : new IllegalStateException("projection " + projection.name() + " stopped: " + cause.getMessage(), cause);
  }

  @Override
  public CompletableFuture<Void> rebuild() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (ended()) {
      done.completeExceptionally(closedFailure());
      return done;
    }
    CompletableFuture<Void> earlier = rebuildRequest.getAndSet(done);
    if (earlier != null) {
      completeWith(done, earlier); // one rebuild serves both callers
    }
    if (ended() && rebuildRequest.compareAndSet(done, null)) { // closed meanwhile: its thread may have ended
      done.completeExceptionally(closedFailure());
      return done;
    }
    checkRunsHere(); // a projection standing by answers at once that it runs elsewhere
    return done;
  }

  /** Puts a rebuild that could not begin back, or has it served by one requested meanwhile. */
  private void requeue(CompletableFuture<Void> rebuild) {
    CompletableFuture<Void> newer = rebuildRequest.getAndUpdate(current -> current == null ? rebuild : current);
    if (newer != null) {
      completeWith(newer, rebuild);
    }
  }

  /** Completes {@code follower} as {@code leader} completes. */
  private static void completeWith(CompletableFuture<Void> leader, CompletableFuture<Void> follower) {
    leader.whenComplete((v, e) -> {
      if (e != null) {
        follower.completeExceptionally(e);
      } else {
        follower.complete(null);
      }
    });
  }

  @Override
  public ProjectionProgress progress() {
    FeedPosition now = position;
    long behind = Math.max(0, ProjectionProgress.commits(feed.head()) - ProjectionProgress.commits(now));
    CatchUp current = catchUp;
    Optional<Duration> eta = Optional.empty();
    if (current != null && rate > 0) {
      long doneCommits = ProjectionProgress.commits(now) - current.startCommits();
      long doneEvents = handled.get() - current.startHandled();
      double eventsPerCommit = doneCommits > 0 ? (double) doneEvents / doneCommits : 1;
      eta = Optional.of(Duration.ofMillis(Math.round(behind * eventsPerCommit / rate * 1000)));
    }
    return new ProjectionProgress(now, handled.get(), behind, rate, eta, current != null && current.rebuild());
  }

  @Override
  public long failures() {
    return failures.get();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    LockSupport.unpark(thread);
    try {
      if (!thread.join(Duration.ofSeconds(2))) { // a batch in flight: its writes may wait on a slow store
        thread.interrupt();
        if (!thread.join(Duration.ofSeconds(10))) {
          LOG.warn("projection {}: still writing 12 s after close; a rebuild started now may see its last row",
              projection.name());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      meters.close();
    }
  }

  private static void closeQuietly(FeedReader reader) {
    if (reader != null) {
      try {
        reader.close();
      } catch (RuntimeException e) {
        LOG.debug("closing a feed reader failed", e);
      }
    }
  }

  private void sleep(long millis) {
    long deadline = System.currentTimeMillis() + millis;
    while (!closed && System.currentTimeMillis() < deadline) {
      try {
        Thread.sleep(Math.min(100, millis));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
