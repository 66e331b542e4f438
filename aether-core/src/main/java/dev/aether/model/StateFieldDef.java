package dev.aether.model;

import java.util.List;
import java.util.Map;

/**
 * A typed field of an aggregate's state, with the value it holds before any event.
 *
 * @param name the field name
 * @param type one of {@link FieldDef#TYPES}
 * @param initial the initial JSON value; when absent, the type's zero value ({@code ""}, {@code 0},
 *     {@code 0.0}, {@code false}, an empty object or list); {@code null} only for a timestamp or an unknown
 *     type
 */
public record StateFieldDef(String name, String type, Object initial) {

  /** Replaces an absent initial value with the type's zero value. */
  public StateFieldDef {
    if (initial == null && type != null) {
      initial = switch (type) {
        case "string" -> "";
        case "integer" -> 0L;
        case "number" -> 0.0;
        case "boolean" -> false;
        case "object" -> Map.of();
        case "list" -> List.of();
        default -> null;
      };
    }
  }
}
