package dev.aether.runtime;

import dev.aether.TransientAetherException;
import dev.aether.event.ActorSnapshot;
import dev.aether.event.Event;
import dev.aether.store.EventStore;
import dev.aether.store.ReplayResult;
import dev.aether.store.SnapshotTooLargeException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The state of one actor and how it moves: activation (snapshot + replay), catch-up from the store, applying
 * events, and snapshots.
 *
 * <p>Only the VM's mailbox owner calls the mutating methods (one thread at a time, with happens-before
 * between owners through the mailbox counter). {@code state}, {@code version} and {@code active} are
 * volatile so that the VM's getters can read them from any thread.
 *
 * @param <S> the behaviour's state type
 */
final class ActorState<S> {

  private static final Logger LOG = LoggerFactory.getLogger(ActorState.class);
  /** Shared by every idle actor (complete, never changed), so an actor without writes in flight adds no future. */
  private static final CompletableFuture<Void> NO_WRITE = CompletableFuture.completedFuture(null);

  final AggregateContext<S> ctx;
  final String streamId;
  volatile S state;
  volatile long version;
  /** The version of the last snapshot captured (for the interval); only the mailbox owner touches it. */
  long snapshotVersion;
  /** The version of the last snapshot the store accepted; written by the snapshot writes. */
  private volatile long savedVersion;
  /** The snapshot writes in flight, chained in version order; only the mailbox owner replaces it. */
  private CompletableFuture<Void> saving = NO_WRITE;
  volatile boolean active;
  /** Set when the store may hold events this actor has not applied (a failed write): catch up first. */
  boolean stale;
  /**
   * Whether this VM wrote or fenced the actor's history since it last read it: then a write another process
   * decided on an older read fails the store's check, and an outcome that stores nothing needs no fence
   * ({@link ActorPlacement#fencesOutcomes()}). Only the mailbox owner touches it.
   */
  boolean fenced;
  /** The id of the event at {@code version} (null when unknown or none), recorded in snapshots. */
  private String lastEventId;
  private CommandWindow window;
  /**
   * Whether this is the state of a VM, which writes after what it reads: only then is a read of the history the
   * writer's own ({@link EventStore#getEventsForWriter}), after which its commits may follow another node's fence.
   */
  private final boolean writer;

  /** The state of a VM of the actor. */
  ActorState(AggregateContext<S> ctx, String streamId) {
    this(ctx, streamId, true);
  }

  private ActorState(AggregateContext<S> ctx, String streamId, boolean writer) {
    this.ctx = ctx;
    this.streamId = streamId;
    this.state = ctx.behavior.initialState();
    this.writer = writer;
  }

  /**
   * A state that no VM holds, folded for a read ({@link RuntimeManagement#readState}) and written after by
   * nobody: its reads of the history are not a writer's, so they let no commit of this process pass a fence.
   */
  static <S> ActorState<S> detached(AggregateContext<S> ctx, String streamId) {
    return new ActorState<>(ctx, streamId, false);
  }

  /**
   * Loads the latest compatible snapshot and replays the events after it, within the activation limit.
   *
   * @throws ActorFailure when the store fails, a stored record cannot be decoded or the behaviour cannot
   *     apply an event; the actor then stays inactive
   */
  void activate() {
    acquireActivation();
    long started = ctx.meters.activationStarted();
    try {
      loadLogged();
      active = true;
    } finally {
      ctx.meters.activated(started, active);
      ctx.rt.activations.release();
    }
  }

  /** {@link #load()}, telling the runtime's {@link ReplayFailureLog} whether the history replayed. */
  private void loadLogged() {
    try {
      load();
    } catch (ActorFailure f) {
      ctx.rt.replayFailures.failed(streamId, f);
      throw f;
    }
    ctx.rt.replayFailures.replayed(streamId, version);
  }

  /**
   * Loads a {@link #detached} state as {@link #activate()} does, for a read of it ({@link
   * RuntimeManagement#readState}): within the activation limit, but neither counted as an activation nor marking
   * this state active.
   *
   * @throws ActorFailure as {@link #activate()}
   */
  void fold() {
    acquireActivation();
    try {
      loadLogged();
    } finally {
      ctx.rt.activations.release();
    }
  }

  private void acquireActivation() {
    try {
      ctx.rt.activations.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ActorFailure(RejectionReason.NOT_RUNNING, "interrupted while waiting to activate", e);
    }
  }

  private void load() {
    reset();
    fenced = false;
    if (loadSnapshot()) {
      replayAfterSnapshot();
    } else {
      replayFrom(1);
    }
  }

  /**
   * Applies the events stored after this actor's version.
   *
   * @throws ActorFailure as {@link #activate()}
   */
  void catchUp() {
    replayFrom(version + 1);
    stale = false;
    fenced = false;
  }

  /**
   * Discards the state (and the snapshot it may come from) and rebuilds it from the store's events alone:
   * for a VM found ahead of its store (the store's latest version below the VM's), which is never trusted.
   * Logs a WARN naming the actor and both versions.
   *
   * @param storeVersion the store's latest version, as last seen
   * @throws ActorFailure as {@link #activate()}; the actor is then inactive (the next message activates it)
   */
  void rebuildFromStore(long storeVersion) {
    LOG.warn("actor {}: the VM is at v{} but the store's latest version is v{}; the VM's state (and the snapshot"
        + " it may come from) is not trusted: rebuilding it from the store's events", streamId, version,
        storeVersion);
    active = false;
    reset();
    replayFrom(0);
    stale = false;
    fenced = false;
    active = true;
  }

  /**
   * Applies one stored event: evolves the state, remembers the event's command id and moves the version.
   *
   * @param event an event of this actor above its version
   */
  void apply(Event event) {
    state = ctx.behavior.evolve(state, event);
    event.commandId().ifPresent(id -> window().record(id, event.version(), event.version(), windowCapacity()));
    version = event.version();
    lastEventId = event.id();
  }

  /**
   * Moves to a decided state after its events were stored.
   *
   * @param newState the state after the events
   * @param newVersion the version of the last stored event
   * @param newLastEventId the id of the last stored event
   */
  void commit(S newState, long newVersion, String newLastEventId) {
    fenced = true; // the commit's own sequence is the check every older decision now fails
    state = newState;
    version = newVersion;
    lastEventId = newLastEventId;
  }

  /**
   * Remembers a command's outcome for idempotency.
   *
   * @param commandId the id
   * @param first its first event's version
   * @param last its last event's version ({@code first - 1} for none)
   */
  void remember(String commandId, long first, long last) {
    window().record(commandId, first, last, windowCapacity());
  }

  /**
   * Looks up a remembered command.
   *
   * @param commandId the id
   * @return its entry, or {@code null}
   */
  CommandWindow.Entry recall(String commandId) {
    return window == null ? null : window.find(commandId);
  }

  /** @return whether the snapshot interval has passed since the last snapshot */
  boolean snapshotDue() {
    int interval = ctx.rt.config.snapshotInterval();
    return interval > 0 && version - snapshotVersion >= interval;
  }

  /**
   * Writes a snapshot when the version moved by at least the snapshot interval. The state is captured now; the
   * write runs on the executor after the previous one (in version order), so the actor's next batch does not
   * wait for the snapshot store (two round trips on JetStream, which halved a hot actor's throughput).
   */
  void snapshotIfDue() {
    if (snapshotDue()) {
      ActorSnapshot snapshot = capture();
      if (snapshot != null) {
        saving = saving.exceptionally(e -> null).thenRunAsync(() -> save(snapshot), ctx.rt.executor);
      }
    }
  }

  /**
   * Writes a snapshot when the version moved since the last one saved, after any write still running; a
   * failure is logged, not thrown. Used when the actor stops.
   */
  void snapshot() {
    try {
      saving.join();
    } catch (RuntimeException e) {
      LOG.debug("an earlier snapshot write of {} did not run", streamId, e);
    }
    if (version != savedVersion) {
      snapshotVersion = savedVersion;
      ActorSnapshot snapshot = capture();
      if (snapshot != null) {
        save(snapshot);
      }
    }
  }

  /** @return the snapshot of the current state, or {@code null} when there is nothing (new) to write */
  private ActorSnapshot capture() {
    if (!active || version == snapshotVersion || ctx.rt.snapshots.isEmpty()) {
      return null;
    }
    try {
      Map<String, Object> envelope = SnapshotCodec.encode(ctx.behavior.stateToJson(state), window, lastEventId);
      ActorSnapshot snapshot = new ActorSnapshot(streamId, version, envelope, ctx.rt.clock.instant(),
          ctx.snapshotSchema);
      snapshotVersion = version;
      return snapshot;
    } catch (RuntimeException e) {
      LOG.warn("snapshot of {} at v{} failed; the actor will replay more events on activation", streamId,
          version, e);
      return null;
    }
  }

  private void save(ActorSnapshot snapshot) {
    if (!ctx.rt.writes.enter()) {
      LOG.debug("snapshot of {} at v{} not written: the runtime is closed", streamId, snapshot.version());
      return;
    }
    try {
      ctx.rt.snapshots.orElseThrow().saveSnapshot(snapshot);
      savedVersion = snapshot.version();
      ctx.meters.snapshotWritten();
      ctx.rt.snapshotSizes.saved(streamId, snapshot.version());
    } catch (SnapshotTooLargeException e) {
      ctx.rt.snapshotSizes.refused(streamId, e);
    } catch (RuntimeException e) {
      if (ctx.rt.lastSnapshots.taken(streamId, snapshot.version(), e)) {
        return; // the runtime closes: said once for all actors
      }
      if (e instanceof TransientAetherException) { // the store is away for a moment (it says so): no stack trace
        LOG.warn("snapshot of {} at v{} failed ({}); the actor will replay more events on activation", streamId,
            snapshot.version(), e.getMessage());
      } else {
        LOG.warn("snapshot of {} at v{} failed; the actor will replay more events on activation", streamId,
            snapshot.version(), e);
      }
    } finally {
      ctx.rt.writes.exit();
    }
  }

  private void reset() {
    state = ctx.behavior.initialState();
    version = 0;
    snapshotVersion = 0;
    savedVersion = 0;
    lastEventId = null;
    if (window != null) {
      window.clear();
    }
  }

  /** @return whether a snapshot was loaded (then {@code lastEventId} is the id it claims, or null) */
  private boolean loadSnapshot() {
    Optional<ActorSnapshot> found = ctx.rt.snapshots.flatMap(s -> read(s::getLatestSnapshot));
    if (found.isEmpty()) {
      return false;
    }
    ActorSnapshot snapshot = found.get();
    if (!ctx.readsSnapshotOf(snapshot.schema())) {
      // said once by the writer's activation (its next snapshot fits); a read of the state would say it each time
      LOG.atLevel(writer ? Level.INFO : Level.DEBUG).log("ignoring snapshot of {} at v{}: schema \"{}\" is not"
          + " \"{}\"; replaying all events", streamId, snapshot.version(), snapshot.schema(), ctx.snapshotSchema);
      return false;
    }
    try {
      S loaded = ctx.behavior.stateFromJson(SnapshotCodec.state(snapshot.state()));
      List<CommandWindow.Entry> commands = SnapshotCodec.commands(snapshot.state());
      commands.forEach(e -> remember(e.commandId(), e.firstVersion(), e.lastVersion()));
      state = loaded;
      version = snapshot.version();
      snapshotVersion = snapshot.version();
      savedVersion = snapshot.version();
      lastEventId = SnapshotCodec.lastEventId(snapshot.state());
      return snapshot.version() > 0;
    } catch (RuntimeException e) {
      LOG.atLevel(writer ? Level.WARN : Level.DEBUG).log("ignoring snapshot of {} at v{}: it does not fit the"
          + " state ({}); replaying all events", streamId, snapshot.version(), e.toString());
      reset();
      return false;
    }
  }

  /**
   * Replays after a loaded snapshot, which is trusted only when the store holds its event: the read starts
   * at the snapshot's own version, whose event must be there (with the id the snapshot recorded, when it
   * did). Otherwise (a snapshot ahead of the events, its event removed by a stream limit, a store rebuilt
   * since) the snapshot is discarded with a WARN naming the actor and both versions, and every event is
   * replayed.
   */
  private void replayAfterSnapshot() {
    long claimed = version;
    String claimedId = lastEventId;
    List<Event> events = readFrom(claimed);
    Event first = events.isEmpty() ? null : events.getFirst();
    if (first != null && first.version() == claimed && (claimedId == null || claimedId.equals(first.id()))) {
      lastEventId = first.id();
      applyAll(events);
      return;
    }
    String found = first == null ? "the store's latest version is v" + latestVersionForLog()
        : first.version() != claimed ? "the store has no event v" + claimed + " (its events after v" + (claimed - 1)
            + " are v" + first.version() + "..v" + events.getLast().version() + ")"
        : "the store's event v" + claimed + " is " + first.id() + ", not " + claimedId;
    LOG.warn("actor {}: ignoring its snapshot at v{}: {}; the snapshot is not trusted, replaying every event",
        streamId, claimed, found);
    reset();
    replayFrom(0);
  }

  private String latestVersionForLog() {
    try {
      return Long.toString(ctx.rt.store.getLatestVersion(streamId));
    } catch (RuntimeException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  private Optional<ActorSnapshot> read(java.util.function.Function<String, Optional<ActorSnapshot>> reader) {
    try {
      return reader.apply(streamId);
    } catch (RuntimeException e) {
      LOG.warn("cannot read the snapshot of {}; replaying all events", streamId, e);
      return Optional.empty();
    }
  }

  private void replayFrom(long fromVersion) {
    applyAll(readFrom(fromVersion));
  }

  /**
   * Reads the stored events from a version on; an undecodable record is never skipped.
   *
   * @throws ActorFailure when the store fails, or ({@link RejectionReason#STORE_FAILED}, logged) when a stored
   *     record cannot be decoded: the message names the actor and the record's position
   */
  List<Event> readFrom(long fromVersion) {
    ReplayResult replay;
    try {
      replay = writer ? ctx.rt.store.getEventsForWriter(streamId, fromVersion)
          : ctx.rt.store.getEventsWithErrors(streamId, fromVersion);
    } catch (RuntimeException e) {
      throw new ActorFailure(ActorFailure.reasonOf(e), "cannot read the events of " + streamId + ": "
          + ActorFailure.describe(e), e);
    }
    if (replay.hasErrors()) {
      logUndecodable(streamId, replay);
      throw new ActorFailure(RejectionReason.STORE_FAILED, "the events of " + streamId
          + " cannot all be decoded (" + replay.errors().size() + " record(s)): "
          + replay.errors().getFirst().message(), replay.errors().getFirst().cause());
    }
    return replay.events();
  }

  /**
   * Logs every undecodable record of a replay (ERROR): the runtime never skips one silently.
   *
   * @param streamId the actor
   * @param replay a replay with errors
   */
  static void logUndecodable(String streamId, ReplayResult replay) {
    for (var error : replay.errors()) {
      LOG.error("actor {}: the stored record at position {} cannot be decoded ({} bytes): {}; the actor's"
          + " commands are rejected STORE_FAILED until the record is repaired", streamId, error.position(),
          error.rawData().length, error.cause().toString());
    }
  }

  private void applyAll(List<Event> events) {
    for (Event event : events) {
      if (event.version() > version) {
        applyReplayed(event);
      }
    }
  }

  private void applyReplayed(Event event) {
    try {
      apply(event);
    } catch (RuntimeException | StackOverflowError e) {
      throw new ActorFailure(RejectionReason.BEHAVIOR_FAILED, "the behaviour of " + ctx.behavior.aggregateType()
          + " cannot apply " + event.eventType() + " v" + event.version() + " of " + streamId + ": "
          + ActorFailure.describe(e), e);
    }
  }

  private CommandWindow window() {
    if (window == null) {
      window = new CommandWindow();
    }
    return window;
  }

  private int windowCapacity() {
    return ctx.rt.config.idempotencyWindow();
  }
}
