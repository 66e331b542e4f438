package dev.aether.model.exec;

import dev.aether.event.Event;
import dev.aether.model.expr.Bindings;
import dev.aether.model.expr.CompiledExpression;
import dev.aether.model.expr.ExpressionScope;
import dev.aether.runtime.RuntimeMessage;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One policy, compiled: when {@code sourceAggregate.event} is stored and {@code condition} holds, send
 * {@code targetAggregate.command} to the actor {@code target} evaluates to, with the mapped data. Scope:
 * {@code event} (the event's fields), {@code actorId} (the source actor), {@code now} (the event's
 * timestamp; a field the event was stored without reads as its {@code default}). {@code startsNow}: a first run
 * starts at the feed's end ({@code start: now}). Immutable.
 */
record PolicyProgram(String name, String sourceAggregate, String event, FieldDefaults eventDefaults,
    ExpressionScope scope, CompiledExpression condition, CompiledExpression target, String targetAggregate,
    String command, List<Mapping> data, boolean startsNow) implements PolicyDefinition {

  @Override
  public boolean reactsTo(Event e) {
    String streamId = e.streamId();
    return streamId.length() > sourceAggregate.length() && streamId.charAt(sourceAggregate.length()) == '/'
        && streamId.startsWith(sourceAggregate) && e.eventType().equals(event);
  }

  @Override
  public RuntimeMessage.Builder command(Event e) {
    String streamId = e.streamId();
    Map<String, Object> eventData = eventDefaults.fill(e.data());
    Map<String, Object> variables = new HashMap<>(4);
    variables.put("event", eventData);
    variables.put("actorId", streamId.substring(streamId.indexOf('/') + 1));
    variables.put("now", e.timestamp());
    Bindings bindings = scope.bind(variables);
    if (condition != null && !(Boolean) condition.evaluate(bindings)) {
      return null;
    }
    String actor = (String) target.evaluate(bindings);
    Map<String, Object> payload = new LinkedHashMap<>();
    data.forEach(m -> m.apply(bindings, eventData, payload));
    return RuntimeMessage.builder(targetAggregate, actor, command).payload(payload);
  }

  @Override
  public String failure(RuntimeException e) {
    return "the policy's expressions failed: " + e.getMessage();
  }
}
