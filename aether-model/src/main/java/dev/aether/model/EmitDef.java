package dev.aether.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Map;

/**
 * An event a command emits, with the CEL expressions that compute its data. In JSON/YAML either
 * {@code {"event": "Withdrawn", "data": {"amount": "cmd.amount"}, "when": "..."}} or just the event name.
 * An event field without a mapping takes the command field of the same name (same type), when there is one.
 *
 * @param event the event name (declared by the same aggregate)
 * @param data event field name to CEL expression (unmodifiable, may be empty)
 * @param when an optional CEL condition: the event is emitted only when it holds; empty = always
 */
public record EmitDef(String event, Map<String, String> data, String when) {

  /** Replaces absent values with empty ones and copies the mapping. */
  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  public EmitDef {
    data = data == null ? Map.of() : Lists.copy(data);
    when = when == null ? "" : when;
  }

  /**
   * Reads the short form: the event name alone.
   *
   * @param event the event name
   * @return an emission without mappings or condition
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static EmitDef of(String event) {
    return new EmitDef(event, Map.of(), "");
  }
}
