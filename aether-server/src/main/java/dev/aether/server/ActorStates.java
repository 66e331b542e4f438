package dev.aether.server;

import dev.aether.event.Event;
import dev.aether.model.exec.ModelExecution;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.spi.Behavior;
import java.util.Map;

/**
 * An actor's state folded from the store with the model's behaviour, for a clustered node: the actor may live
 * on another node, so the state is read from the store (always current) instead of activating a local VM that
 * the owner's commits would not update.
 */
final class ActorStates {

  record Folded(Map<String, Object> state, long version) {}

  private ActorStates() {}

  static Folded fold(NodeServices node, ActorKey key) {
    Behavior<Map<String, Object>> behavior = ModelExecution.of(node.runtime())
        .flatMap(m -> m.compiled().behavior(key.aggregateType()))
        .orElseThrow(() -> ApiException.notFound("UNKNOWN_AGGREGATE", "no aggregate type " + key.aggregateType()
            + " in the loaded model"));
    Map<String, Object> state = behavior.initialState();
    long version = 0;
    for (Event event : node.store().getEventsWithErrors(key.streamId(), 1).eventsOrThrow(key.streamId())) {
      state = behavior.evolve(state, event);
      version = event.version();
    }
    return new Folded(behavior.stateToJson(state), version);
  }
}
