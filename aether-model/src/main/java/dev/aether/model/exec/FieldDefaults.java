package dev.aether.model.exec;

import dev.aether.InvalidInputException;
import dev.aether.model.FieldDef;
import dev.aether.model.expr.FieldType;
import dev.aether.support.JsonValues;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code default}s of a command's or an event's fields: what an absent field reads as, in a command's
 * payload (the sender left it out) or in a stored event's data (stored before the field existed). Immutable
 * and thread-safe.
 *
 * @param values the default of each field that has one, as JSON values of the field's type
 */
record FieldDefaults(Map<String, Object> values) {

  static final FieldDefaults NONE = new FieldDefaults(Map.of());

  FieldDefaults {
    values = Map.copyOf(values);
  }

  /**
   * The defaults of fields whose type is known (a default that does not fit its type is reported by the
   * structural check, which refuses the model).
   *
   * @param fields the declared fields
   * @param types the known types by field name
   */
  static FieldDefaults of(List<FieldDef> fields, Map<String, FieldType> types) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (FieldDef field : fields) {
      Object value = field == null || !types.containsKey(field.name()) ? null : value(field, types.get(field.name()));
      if (value != null) {
        values.put(field.name(), value);
      }
    }
    return values.isEmpty() ? NONE : new FieldDefaults(values);
  }

  /**
   * The default as the field's type holds it: an integral default of a {@code double} field as a double.
   *
   * @return the value; {@code null} when there is none, or it is no JSON value (an infinite number: reported by
   *     the structural check, which refuses the model)
   */
  static Object value(FieldDef field, FieldType type) {
    Object value;
    try {
      value = field.defaultValue() == null ? null : JsonValues.copyValue(field.defaultValue(), field.name());
    } catch (InvalidInputException e) {
      return null;
    }
    return type == FieldType.DOUBLE && value instanceof Number n && !(value instanceof Double)
        ? (Object) n.doubleValue() : value;
  }

  /**
   * @param data a payload or an event's data
   * @return {@code data} itself when no field with a default is absent (or null), else a copy with the defaults
   */
  Map<String, Object> fill(Map<String, Object> data) {
    Map<String, Object> filled = data;
    for (Map.Entry<String, Object> value : values.entrySet()) {
      if (data.get(value.getKey()) == null) { // absent, or null (which a payload check counts as absent)
        if (filled == data) {
          filled = new LinkedHashMap<>(data);
        }
        filled.put(value.getKey(), value.getValue());
      }
    }
    return filled;
  }
}
