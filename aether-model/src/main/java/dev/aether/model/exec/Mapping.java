package dev.aether.model.exec;

import dev.aether.model.expr.Bindings;
import dev.aether.model.expr.CompiledExpression;
import java.util.Map;

/**
 * How one target field gets its value: a compiled expression, or a copy of a source field (absent when the
 * source is absent): the same-named one, or the one a bare reference names ({@code note: cmd.remark}); else the
 * target field's {@code default}. Immutable.
 *
 * @param field the target field
 * @param expression the expression, or {@code null} for a copy (or the default alone)
 * @param from the source field a copy reads, or {@code null}
 * @param fallback the target field's default, put when the copy finds nothing; {@code null} for none
 */
record Mapping(String field, CompiledExpression expression, String from, Object fallback) {

  /** Puts the field's value into {@code out}, reading copies from {@code sourceValues}. */
  void apply(Bindings bindings, Map<String, ?> sourceValues, Map<String, Object> out) {
    Object value = expression != null ? expression.evaluate(bindings) : from == null ? null : sourceValues.get(from);
    if (value == null) {
      value = fallback;
    }
    if (value != null) {
      out.put(field, value);
    }
  }
}
