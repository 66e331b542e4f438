package dev.aether.runtime.spi;

import dev.aether.event.Event;
import java.util.Map;
import java.util.Set;

/**
 * The domain logic of one aggregate type in the decider style: an initial state, a decision that turns a
 * command into events or a rejection, and an evolution that folds one event into the state.
 *
 * <p>This is the extension point that Java behaviours ({@link dev.aether.runtime.behavior.JavaBehavior}) and
 * model-driven behaviours implement. Commands and events cross it as JSON objects; the state type {@code S}
 * is opaque to the runtime, which only converts it to JSON for snapshots and {@code getState()}.
 *
 * <h2>Rules for implementations</h2>
 * <ul>
 *   <li>{@link #decide} and {@link #evolve} are pure: no I/O, no shared mutable state, and never change the
 *       state they are given ({@code evolve} returns a new state). The runtime calls them for one actor at a
 *       time, but for many actors in parallel, so one instance must be safe to use from several threads.</li>
 *   <li>An exception thrown by {@code decide} rejects that command as {@code BEHAVIOR_FAILED}; the actor
 *       keeps its state and stays usable. An exception thrown by {@code evolve} for a freshly decided event
 *       does the same; during a replay it fails the activation.</li>
 *   <li>{@link #schema()} must change whenever {@link #stateToJson}'s shape changes incompatibly: snapshots
 *       written under another schema are ignored and the actor is rebuilt from its events. An exception from
 *       {@link #stateFromJson} also makes the runtime ignore the snapshot.</li>
 * </ul>
 *
 * @param <S> the state type; instances must be immutable (or never changed once returned)
 */
public interface Behavior<S> {

  /** @return the aggregate type this behaviour decides for, for example {@code Account} */
  String aggregateType();

  /**
   * @return the state schema tag stored with snapshots, for example {@code account-v2}; not null (checked when
   *     the behaviour is registered)
   */
  String schema();

  /**
   * Whether a snapshot stored under another schema tag may still be read by this behaviour: by default only one
   * stored under {@link #schema()} itself. A behaviour whose tag lists parts that may change on their own (the
   * model's: one hash per event's fold rules) can accept a snapshot whose parts it still has unchanged; a
   * snapshot not accepted is ignored and the actor replays its events.
   *
   * @param storedSchema the tag the snapshot was stored under (without the runtime's format prefix)
   * @return true to read the snapshot's state with {@code stateFromJson}
   */
  default boolean readsSnapshotOf(String storedSchema) {
    return schema().equals(storedSchema);
  }

  /** @return the state of an actor without events; not null (checked when the behaviour is registered) */
  S initialState();

  /**
   * Decides what a command does in a given state.
   *
   * @param state the actor's current state
   * @param command the command
   * @return the events to store (possibly none), or a rejection
   */
  Decision decide(S state, Command command);

  /**
   * Folds one stored event into the state.
   *
   * @param state the state before the event
   * @param event the event
   * @return the state after the event
   */
  S evolve(S state, Event event);

  /**
   * Converts a state to a JSON object, for snapshots and read-only views.
   *
   * @param state the state
   * @return a JSON object (strings, numbers, booleans, nulls, lists and maps)
   */
  Map<String, Object> stateToJson(S state);

  /**
   * Reads a state back from {@link #stateToJson}'s form.
   *
   * @param json the JSON object from a snapshot of the same {@link #schema()}
   * @return the state
   * @throws RuntimeException when the object does not fit; the runtime then ignores the snapshot
   */
  S stateFromJson(Map<String, Object> json);

  /**
   * Lists the commands this behaviour handles, so the runtime can refuse an unknown command without
   * activating the actor, and {@code loadModel} can check a model against it.
   *
   * @return the command names; empty when the behaviour does not declare them (the default); not null
   */
  default Set<String> commandNames() {
    return Set.of();
  }
}
