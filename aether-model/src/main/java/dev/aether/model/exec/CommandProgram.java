package dev.aether.model.exec;

import dev.aether.model.expr.CompiledExpression;
import dev.aether.model.expr.ExpressionScope;
import java.util.List;

/**
 * One command, compiled: its scope ({@code state}, {@code cmd}, {@code actorId}, {@code now}), payload
 * validator, the defaults of the fields a sender may leave out, guards and emissions. Immutable.
 */
record CommandProgram(String name, ExpressionScope scope, PayloadValidator validator, FieldDefaults defaults,
    List<Guard> guards, List<Emission> emits) {

  /**
   * One emitted event: its optional condition and data mappings.
   *
   * @param event the event type
   * @param when the condition, or {@code null} for always
   * @param data the event's field mappings
   */
  record Emission(String event, CompiledExpression when, List<Mapping> data) {}
}
