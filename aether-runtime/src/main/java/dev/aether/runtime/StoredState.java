package dev.aether.runtime;

import dev.aether.support.Checks;
import java.util.Map;

/**
 * An actor's state as its store holds it, read without activating the actor ({@link
 * RuntimeManagement#readState}): the state in its JSON form ({@link
 * dev.aether.runtime.spi.Behavior#stateToJson}) and the version of the last event folded into it.
 *
 * @param key the actor
 * @param state the state, JSON-ready (maps, lists, strings, numbers, booleans, nulls); an actor without events
 *     has its behaviour's initial state
 * @param version the version of the last event applied; 0 when the actor has none
 */
public record StoredState(ActorKey key, Map<String, Object> state, long version) {

  /** Checks the components. */
  public StoredState {
    Checks.notNull(key, "key");
    Checks.notNull(state, "state");
    Checks.notNegative(version, "version");
  }
}
