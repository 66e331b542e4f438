package dev.aether.model;

import java.util.Set;

/**
 * A typed field of a command, an event or a read model.
 *
 * @param name the field name
 * @param type one of {@link #TYPES}
 * @param optional whether the field may be absent (default {@code false}: required)
 */
public record FieldDef(String name, String type, boolean optional) {

  /** The field types a model may use. */
  public static final Set<String> TYPES =
      Set.of("string", "integer", "number", "boolean", "timestamp", "object", "list");

  /**
   * Creates a required field.
   *
   * @param name the name
   * @param type the type
   * @return the field
   */
  public static FieldDef of(String name, String type) {
    return new FieldDef(name, type, false);
  }
}
