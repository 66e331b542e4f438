package dev.aether.model.exec;

import dev.aether.model.expr.CompiledExpression;
import dev.aether.model.expr.ExpressionScope;
import java.util.List;

/**
 * One policy, compiled: when {@code sourceAggregate.event} is stored and {@code condition} holds, send
 * {@code targetAggregate.command} to the actor {@code target} evaluates to, with the mapped data. Scope:
 * {@code event} (the event's fields), {@code actorId} (the source actor), {@code now} (the event's
 * timestamp). {@code startsNow}: a first run starts at the feed's end ({@code start: now}). Immutable.
 */
record PolicyProgram(String name, String sourceAggregate, String event, ExpressionScope scope,
    CompiledExpression condition, CompiledExpression target, String targetAggregate, String command,
    List<Mapping> data, boolean startsNow) {}
