package dev.aether.runtime;

import dev.aether.event.Event;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The in-memory incarnation of one virtual actor: its state and version, rebuilt from its snapshot and
 * events, and its mailbox. A {@link Runtime} creates, routes to and passivates VMs; applications usually only
 * read them ({@link Runtime#getActiveVMs()}).
 *
 * <p>Thread-safe. The getters may be called from any thread and see the state as of the last completed
 * message. {@link #start()}, {@link #processEvent} and {@link #stop()} are queued in the VM's mailbox
 * behind the commands already there, so they never interleave with a decision.
 */
public interface VirtualMachine {

  /** @return this incarnation's id: the stream id and a per-runtime serial number ({@code Account/a-1#17}) */
  String getId();

  /** @return the actor's id within its aggregate type */
  String getActorId();

  /** @return the actor's identity */
  ActorKey getKey();

  /**
   * Returns a read-only JSON view of the actor's state. For typed behaviours it is converted on each call.
   *
   * @return an unmodifiable JSON object; the initial state's view before activation
   */
  Map<String, Object> getState();

  /** @return the version of the last event applied (0 for an actor without events or not yet activated) */
  long getVersion();

  /** @return whether the VM has loaded its snapshot and events and can decide */
  boolean isActive();

  /**
   * Activates the VM if it is not active yet: loads the latest snapshot of a compatible schema and replays
   * the events after it. Idempotent.
   *
   * @return completes when the VM is active; completes exceptionally with the store's or behaviour's failure
   *     when activation fails (the VM stays inactive and retries on the next message), or with an
   *     {@link IllegalStateException} when the VM was already stopped
   */
  CompletableFuture<Void> start();

  /**
   * Applies one event that <em>is stored</em>, for example one written by another writer and delivered by an
   * event bus: a way to bring an active VM forward without waiting for its next command. It is not a way to
   * write: an event the store does not hold is refused, so the VM never claims a version the store does not
   * have (before this check, such an event left the actor answering {@code CONFLICT} for ever, and its stop
   * snapshot carried the wrong version across restarts).
   *
   * <p>The event must be the store's first event after the VM's version, with the same id; the VM checks this
   * with one read of the store (from its version on) and applies the stored event.
   *
   * @param event an event of this actor
   * @return completes with {@code true} when applied, {@code false} when its version is not above the VM's
   *     (already reflected: a redelivery); exceptionally with an {@link UnexpectedEventException} (an
   *     {@link dev.aether.InvalidInputException} naming {@code event.version} or {@code event.id}, with the
   *     VM's, the given and the expected version) when the store holds no event at its version, its version
   *     skips the store's next event, or the store holds another event there; with an
   *     {@link dev.aether.InvalidInputException} naming {@code event.actorId} when the event belongs to another
   *     actor; with an {@link ActorFailedException} when the store's events cannot be decoded or the
   *     behaviour cannot apply the event, or a {@link dev.aether.TransientAetherException} when the
   *     store cannot be read. Nothing is applied in these cases.
   */
  CompletableFuture<Boolean> processEvent(Event event);

  /**
   * Reads the actor's state in its own turn, behind the commands queued before it: activates the VM if it is
   * not active, else asks the store whether it holds events the VM has not applied (one read when it holds
   * none) and applies them. So the state and its version belong together, and include every event stored
   * before the read by any writer (another node, a migration), not only this VM's commits; unlike
   * {@link #getState()}, which is the VM's view as of its last completed message.
   *
   * @return completes with the state and its version; exceptionally with the activation's or the read's failure
   *     as {@link #start()}'s (a {@link dev.aether.TransientAetherException} when the store is unavailable, an
   *     {@link ActorFailedException} when a stored record cannot be decoded or applied), or with an
   *     {@link IllegalStateException} when the VM was already stopped
   */
  CompletableFuture<StoredState> readState();

  /**
   * Stops the VM once its mailbox is empty: writes a snapshot when the version moved since the last one,
   * then removes the VM from its runtime. Messages that arrive later activate a new VM. Idempotent.
   *
   * @return completes when the VM is stopped (a failed snapshot write is logged, not reported)
   */
  CompletableFuture<Void> stop();
}
