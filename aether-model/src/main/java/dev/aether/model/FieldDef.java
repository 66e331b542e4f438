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
 * {@code enum} lists the allowed values. A field with a {@code default} may be left out (of a command's
 * payload, or of events stored before the field existed): it then reads as that value, so an expression
 * never finds it absent, and an event whose emission maps nothing to it stores the default.
 *
 * @param name the field name
 * @param type the type (see above)
 * @param optional whether the field may be absent (default {@code false}: required)
 * @param min the inclusive lower bound, when present
 * @param max the inclusive upper bound, when present
 * @param pattern the regular expression a string must match, when present
 * @param allowed the allowed values ({@code enum} in JSON/YAML); empty = any (unmodifiable)
 * @param defaultValue the value of the field when it is absent ({@code default} in JSON/YAML), or {@code null}
 *     for none; it must fit the type and the constraints ({@code invalid-value} otherwise); {@code default: null}
 *     is refused when the model is read (it would leave the field required)
 */
public record FieldDef(String name, String type, boolean optional, Number min, Number max, String pattern,
    @JsonProperty("enum") List<Object> allowed,
    @JsonProperty("default") Object defaultValue) {

  /** Replaces an absent value list with an empty one and copies it. */
  public FieldDef {
    allowed = Lists.copy(allowed);
  }

  /**
   * Creates a field without a default.
   *
   * @param name the field name
   * @param type the type
   * @param optional whether the field may be absent
   * @param min the inclusive lower bound, or {@code null}
   * @param max the inclusive upper bound, or {@code null}
   * @param pattern the regular expression a string must match, or {@code null}
   * @param allowed the allowed values; {@code null} or empty = any
   */
  public FieldDef(String name, String type, boolean optional, Number min, Number max, String pattern,
      List<Object> allowed) {
    this(name, type, optional, min, max, pattern, allowed, null);
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

  /**
   * Creates a field with a default: it may be absent, and then reads as {@code defaultValue}.
   *
   * @param name the name
   * @param type the type
   * @param defaultValue the value when absent (a JSON value of the type)
   * @return the field
   */
  public static FieldDef withDefault(String name, String type, Object defaultValue) {
    return new FieldDef(name, type, false, null, null, null, List.of(), defaultValue);
  }

  /** @return whether a sender or an older event may leave the field out ({@code optional}, or a default) */
  public boolean mayBeAbsent() {
    return optional || defaultValue != null;
  }

  /** @return whether a reader may find the field absent (optional without a default) */
  public boolean mayReadAbsent() {
    return defaultValue == null && optional;
  }

  /** @return whether any constraint is declared */
  public boolean constrained() {
    return min != null || max != null || pattern != null || !allowed.isEmpty();
  }
}
