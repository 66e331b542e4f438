package dev.aether.model;

import java.util.List;
import java.util.Map;

/**
 * An event an aggregate produces.
 *
 * @param name the event name, unique within its aggregate
 * @param fields the event's data fields
 * @param apply how the event changes the state: state field name to expression (CEL, evaluated by
 *     {@code aether-model})
 */
public record EventDef(String name, List<FieldDef> fields, Map<String, String> apply) {

  /** Replaces absent values with empty ones and copies them. */
  public EventDef {
    fields = Lists.copy(fields);
    apply = apply == null ? Map.of() : Lists.copy(apply);
  }
}
