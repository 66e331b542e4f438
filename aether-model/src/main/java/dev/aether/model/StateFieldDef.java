package dev.aether.model;

/**
 * A typed field of an aggregate's state (or of a read model's row), with the value it holds before any
 * event.
 *
 * @param name the field name
 * @param type the type, as for {@link FieldDef}
 * @param initial the initial JSON value; when absent, the type's zero value ({@code ""}, {@code 0},
 *     {@code 0.0}, {@code false}, an empty list or map); {@code null} for a timestamp (absent until set) or
 *     an unknown type
 */
public record StateFieldDef(String name, String type, Object initial) {

  /** Replaces an absent initial value with the type's zero value. */
  public StateFieldDef {
    if (initial == null && type != null) {
      try {
        initial = ModelTypes.zero(ModelTypes.canonical(type));
      } catch (IllegalArgumentException e) {
        initial = null; // reported by Model.validate()
      }
    }
  }

  /**
   * Creates a field with the type's zero value.
   *
   * @param name the name
   * @param type the type
   * @return the field
   */
  public static StateFieldDef of(String name, String type) {
    return new StateFieldDef(name, type, null);
  }
}
