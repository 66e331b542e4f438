package dev.aether.runtime;

import dev.aether.runtime.spi.Behavior;
import dev.aether.runtime.spi.DomainModel;
import dev.aether.runtime.spi.ModelPlan;
import dev.aether.store.EventStored;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;

/**
 * The management face of a local runtime, apart from its {@linkplain CommandGateway data face} (as nats.java
 * separates {@code KeyValueManagement} from {@code KeyValue}): behaviours and models, the active virtual
 * machines, their activation and passivation, and where actors may run. Operators, the node server and the
 * cluster use it; application code sends commands through a {@link CommandGateway}.
 *
 * <p>Thread-safe.
 */
public interface RuntimeManagement {

  /**
   * Registers the behaviour of one aggregate type. Allowed before and after the runtime starts. A Java behaviour
   * replaces a model-driven one of the same type, as {@link #loadModel} replaces a model.
   *
   * @param behavior the behaviour
   * @throws dev.aether.InvalidInputException naming {@code behavior} when its aggregate type already has one;
   *     naming {@code aggregateType} when the type is not valid; naming {@code behavior.schema},
   *     {@code behavior.initialState} or {@code behavior.commandNames} (and the aggregate type) when that
   *     method returns null
   * @throws IllegalStateException when the runtime was closed
   */
  void register(Behavior<?> behavior);

  /**
   * Loads a domain model (an EventStorming model of {@code aether-model}): the model compiles itself for this
   * runtime, every aggregate without a Java behaviour runs as a model-driven behaviour, every command is
   * checked against the model before it reaches an actor, and policies and read models react to accepted
   * commands. Loading another model (a new version) replaces the previous plan; actors of model-driven
   * aggregates are passivated and reactivate under the new behaviour: commands queued before the call returns
   * may still be decided by the previous model, every command sent after it returns is decided by the new one
   * (it waits, if need be, for its actor's previous VM to finish). Register Java behaviours first. It does not
   * compare the model with the one it replaces: aether-model's {@code CompiledModel.loadInto(runtime, force)}
   * refuses a new version that would leave stored events unreadable (an event field's type changed) unless forced,
   * and warns of the rest.
   *
   * @param model the model
   * @throws InvalidModelException listing every problem with its path, for example
   *     {@code aggregates.Account: no behaviour registered}; the previous model stays loaded
   */
  void loadModel(DomainModel model);

  /** @return the last model loaded */
  Optional<DomainModel> model();

  /**
   * The aggregate types this runtime can run now: those of its Java behaviours and of the loaded model's
   * model-driven ones.
   *
   * @return the types, sorted; a copy
   */
  SortedSet<String> aggregateTypes();

  /** @return the plan of the last model loaded */
  Optional<ModelPlan> modelPlan();

  /** @return a copy of the active VMs by actor */
  Map<ActorKey, VirtualMachine> getActiveVMs();

  /** @return the live registry of active VMs */
  VMRegistry registry();

  /**
   * Activates an actor without sending it a command (for example to warm it up before it moves here), or
   * returns its active VM. Not subject to the {@linkplain #setPlacement placement}: the caller decides.
   *
   * @param key the actor
   * @return completes with the active VM; exceptionally with {@link dev.aether.InvalidInputException} for an
   *     unknown aggregate type, or with the activation's failure
   */
  CompletableFuture<VirtualMachine> createVM(ActorKey key);

  /**
   * Reads an actor's current state from the store without activating it here: its latest compatible snapshot
   * and the events after it, folded with its behaviour as an activation does (so the read costs at most the
   * snapshot interval's events, not the whole history), and nothing is kept afterwards. For a node that does
   * not host the actor, as in a cluster, where an activated VM would not see the owner's commits. Counted
   * against the runtime's limit of concurrent activations; not counted as an activation. An active VM of the
   * actor here is neither used nor changed.
   *
   * @param key the actor
   * @return completes with the state and its version; exceptionally with {@link dev.aether.InvalidInputException}
   *     naming {@code key.aggregateType} for an unknown aggregate type, with an {@link IllegalStateException}
   *     once the runtime is closed, or with the read's failure (a {@link dev.aether.TransientAetherException}
   *     when the store is unavailable, an {@link ActorFailedException} with the reason its commands get when
   *     a stored record cannot be decoded or the behaviour cannot apply an event), naming the actor
   */
  CompletableFuture<StoredState> readState(ActorKey key);

  /**
   * Reads an actor's state through its VM here: activates the actor (as {@link #createVM}, not subject to the
   * {@linkplain #setPlacement placement}: the caller decides) and reads its state in its turn, current with
   * the store ({@link VirtualMachine#readState()}). Where this runtime hosts the actor, a read costs one
   * request to the store instead of {@link #readState}'s fold, and the actor stays warm for its next command.
   *
   * @param key the actor
   * @return completes with the state and its version; exceptionally with {@link dev.aether.InvalidInputException}
   *     naming {@code key.aggregateType} for an unknown aggregate type, with an {@link IllegalStateException}
   *     once the runtime is closed, or with the activation's or the read's failure
   */
  CompletableFuture<StoredState> activeState(ActorKey key);

  /**
   * Stops an actor's VM once its mailbox is empty, writing a snapshot when its version moved.
   *
   * @param key the actor
   * @return completes with {@code true} once stopped, or at once with {@code false} when it was not active
   */
  CompletableFuture<Boolean> stopVM(ActorKey key);

  /**
   * Drains actors that move away (a cluster's handoff): each active VM finishes the commit in flight, answers
   * the commands still queued with the transient {@link RejectionReason#NOT_OWNER} (their senders resend to
   * the new owner), writes its snapshot and stops. Set a {@linkplain #setPlacement placement} that refuses
   * these actors first, so that no new command activates them again.
   *
   * @param keys the actors; inactive ones are skipped
   * @return completes once every one of them has stopped and written its snapshot
   */
  CompletableFuture<Void> drain(Collection<ActorKey> keys);

  /**
   * Sets the placement seam: which actors may be activated and run here (default
   * {@link ActorPlacement#EVERYWHERE}). The cluster sets it when this runtime becomes a node.
   *
   * @param placement the placement
   */
  void setPlacement(ActorPlacement placement);

  /**
   * Sets where reactions that run once per cluster run (default {@link ReactionPlacement#EVERYWHERE}): the
   * model's read models on a shared read-model store ask it. The cluster sets it when this runtime becomes a
   * node; it applies at once to the loaded model and to later ones.
   *
   * @param placement the reaction placement
   * @throws dev.aether.InvalidInputException naming {@code placement} when null
   */
  void setReactionPlacement(ReactionPlacement placement);

  /**
   * Tells the runtime that an event was stored, possibly by another writer (another node, a migration). An
   * active actor behind the stored version catches up from the store before its next decision. Cheap and
   * non-blocking. A notice at or below the actor's version changes nothing.
   *
   * @param notice the stored event's notice; its actor id is the {@linkplain ActorKey#streamId() stream id}
   */
  void onEventStored(EventStored notice);

  /** @return the configuration */
  RuntimeConfig config();

  /**
   * The namespace of the runtime's event store ({@link dev.aether.store.EventStore#namespace()}), for a cluster
   * node to check that it serves the namespace it runs in. The default: none.
   *
   * @return the namespace; empty for a store without namespaces
   */
  default Optional<String> storeNamespace() {
    return Optional.empty();
  }
}
