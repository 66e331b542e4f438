package dev.aether.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A typed field of a command or an event, with optional constraints.
 *
 * <p>Types: {@code string}, {@code int}, {@code double}, {@code bool}, {@code timestamp} (an ISO-8601 string
 * in data), {@code list<T>} and {@code map<string,T>} of those (nesting allowed); {@code integer},
 * {@code number} and {@code boolean} are accepted as aliases. Constraints are checked on command payloads
 * before a command reaches its actor: {@code min}/{@code max} bound a number's value, or a string's or a
 * list's length (inclusive); {@code pattern} is a regular expression a string must match entirely;
 * {@code enum} lists the allowed values.
 *
 * @param name the field name
 * @param type the type (see above)
 * @param optional whether the field may be absent (default {@code false}: required)
 * @param min the inclusive lower bound, when present
 * @param max the inclusive upper bound, when present
 * @param pattern the regular expression a string must match, when present
 * @param allowed the allowed values ({@code enum} in JSON/YAML); empty = any (unmodifiable)
 */
public record FieldDef(String name, String type, boolean optional, Number min, Number max, String pattern,
    @JsonProperty("enum") List<Object> allowed) {

  /** Replaces an absent value list with an empty one and copies it. */
  public FieldDef {
    allowed = Lists.copy(allowed);
  }

  /**
   * Creates a required field without constraints.
   *
   * @param name the name
   * @param type the type
   * @return the field
   */
  public static FieldDef of(String name, String type) {
    return new FieldDef(name, type, false, null, null, null, List.of());
  }

  /**
   * Creates an optional field without constraints.
   *
   * @param name the name
   * @param type the type
   * @return the field
   */
  public static FieldDef optional(String name, String type) {
    return new FieldDef(name, type, true, null, null, null, List.of());
  }

  /** @return whether any constraint is declared */
  public boolean constrained() {
    return min != null || max != null || pattern != null || !allowed.isEmpty();
  }
}
