package dev.aether.runtime;

import dev.aether.event.ActorSnapshot;
import dev.aether.event.Event;
import dev.aether.store.ReplayResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private CommandWindow window;

  ActorState(AggregateContext<S> ctx, String streamId) {
    this.ctx = ctx;
    this.streamId = streamId;
    this.state = ctx.behavior.initialState();
  }

  /**
   * Loads the latest compatible snapshot and replays the events after it, within the activation limit.
   *
   * @throws ActorFailure when the store fails, a stored record cannot be decoded or the behaviour cannot
   *     apply an event; the actor then stays inactive
   */
  void activate() {
    try {
      ctx.rt.activations.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ActorFailure(RejectionReason.NOT_RUNNING, "interrupted while waiting to activate", e);
    }
    try {
      reset();
      loadSnapshot();
      replayFrom(version + 1);
      active = true;
    } finally {
      ctx.rt.activations.release();
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
  }

  /**
   * Moves to a decided state after its events were stored.
   *
   * @param newState the state after the events
   * @param newVersion the version of the last stored event
   */
  void commit(S newState, long newVersion) {
    state = newState;
    version = newVersion;
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

  /**
   * Writes a snapshot when the version moved by at least the snapshot interval. The state is captured now; the
   * write runs on the executor after the previous one (in version order), so the actor's next batch does not
   * wait for the snapshot store (two round trips on JetStream, which halved a hot actor's throughput).
   */
  void snapshotIfDue() {
    int interval = ctx.rt.config.snapshotInterval();
    if (interval > 0 && version - snapshotVersion >= interval) {
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
      Map<String, Object> envelope = SnapshotCodec.encode(ctx.behavior.stateToJson(state),
          window == null ? List.of() : window.entries());
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
    try {
      ctx.rt.snapshots.orElseThrow().saveSnapshot(snapshot);
      savedVersion = snapshot.version();
    } catch (RuntimeException e) {
      LOG.warn("snapshot of {} at v{} failed; the actor will replay more events on activation", streamId,
          snapshot.version(), e);
    }
  }

  private void reset() {
    state = ctx.behavior.initialState();
    version = 0;
    snapshotVersion = 0;
    savedVersion = 0;
    if (window != null) {
      window.clear();
    }
  }

  private void loadSnapshot() {
    Optional<ActorSnapshot> found = ctx.rt.snapshots.flatMap(s -> read(s::getLatestSnapshot));
    if (found.isEmpty()) {
      return;
    }
    ActorSnapshot snapshot = found.get();
    if (!snapshot.schema().equals(ctx.snapshotSchema)) {
      LOG.info("ignoring snapshot of {} at v{}: schema \"{}\" is not \"{}\"; replaying all events", streamId,
          snapshot.version(), snapshot.schema(), ctx.snapshotSchema);
      return;
    }
    try {
      S loaded = ctx.behavior.stateFromJson(SnapshotCodec.state(snapshot.state()));
      List<CommandWindow.Entry> commands = SnapshotCodec.commands(snapshot.state());
      commands.forEach(e -> remember(e.commandId(), e.firstVersion(), e.lastVersion()));
      state = loaded;
      version = snapshot.version();
      snapshotVersion = snapshot.version();
      savedVersion = snapshot.version();
    } catch (RuntimeException e) {
      LOG.warn("ignoring snapshot of {} at v{}: it does not fit the state ({}); replaying all events", streamId,
          snapshot.version(), e.toString());
      reset();
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
    ReplayResult replay;
    try {
      replay = ctx.rt.store.getEventsWithErrors(streamId, fromVersion);
    } catch (RuntimeException e) {
      throw new ActorFailure(ActorFailure.reasonOf(e), "cannot read the events of " + streamId + ": "
          + ActorFailure.describe(e), e);
    }
    if (replay.hasErrors()) {
      throw new ActorFailure(RejectionReason.STORE_FAILED, "the events of " + streamId
          + " cannot all be decoded: " + replay.errors().getFirst().message(), null);
    }
    for (Event event : replay.events()) {
      if (event.version() > version) {
        applyReplayed(event);
      }
    }
  }

  private void applyReplayed(Event event) {
    try {
      apply(event);
    } catch (RuntimeException e) {
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
