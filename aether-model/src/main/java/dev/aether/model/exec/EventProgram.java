package dev.aether.model.exec;

import dev.aether.model.expr.CompiledExpression;
import dev.aether.model.expr.ExpressionScope;
import java.util.Map;

/**
 * One event, compiled: its scope ({@code state}, {@code event}, {@code actorId}, {@code now}) and the state
 * updates (state field to expression, all evaluated against the state before the event), and the defaults of
 * fields that events stored before them lack. Immutable.
 */
record EventProgram(String name, ExpressionScope scope, Map<String, CompiledExpression> apply,
    FieldDefaults defaults) {}
