package dev.aether.model.exec;

import dev.aether.model.expr.Bindings;
import dev.aether.model.expr.CompiledExpression;
import java.util.Map;

/**
 * How one target field gets its value: a compiled expression, or a copy of a source field (absent when the
 * source is absent): the same-named one, or the one a bare reference names ({@code note: cmd.remark}). Immutable.
 *
 * @param field the target field
 * @param expression the expression, or {@code null} for a copy
 * @param from the source field a copy reads, for a copy
 */
record Mapping(String field, CompiledExpression expression, String from) {

  /** Puts the field's value into {@code out}, reading copies from {@code sourceValues}. */
  void apply(Bindings bindings, Map<String, ?> sourceValues, Map<String, Object> out) {
    Object value = expression != null ? expression.evaluate(bindings) : sourceValues.get(from);
    if (value != null) {
      out.put(field, value);
    }
  }
}
