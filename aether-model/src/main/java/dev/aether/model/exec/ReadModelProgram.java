package dev.aether.model.exec;

import dev.aether.model.expr.CompiledExpression;
import dev.aether.model.expr.ExpressionScope;
import java.util.Map;
import java.util.Set;

/**
 * One read model, compiled: its row's initial values, a schema tag (hash of the row fields), and one handler
 * per source event ({@code Aggregate.Event}). Immutable.
 */
record ReadModelProgram(String name, String schema, Map<String, Object> initialRow,
    Map<String, Handler> handlers, Set<String> aggregates) {

  /**
   * How one event updates a row. Scope: {@code row}, {@code event}, {@code actorId}, {@code now}.
   *
   * @param scope the scope
   * @param key the row key expression
   * @param set row field to expression, evaluated against the row before the event
   * @param eventDefaults what the fields the event was stored without read as
   */
  record Handler(ExpressionScope scope, CompiledExpression key, Map<String, CompiledExpression> set,
      FieldDefaults eventDefaults) {}
}
