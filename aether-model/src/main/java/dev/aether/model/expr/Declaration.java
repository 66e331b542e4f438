package dev.aether.model.expr;

import dev.aether.InvalidInputException;
import java.util.HashMap;
import java.util.Map;

/** One variable of an {@link ExpressionScope}: a typed value, or a record of typed fields. */
sealed interface Declaration {

  /** Converts a caller's value of this variable to the form the CEL program reads. */
  Object toCel(Object value, String name);

  /** A variable holding one value. */
  record Variable(FieldType type) implements Declaration {
    @Override
    public Object toCel(Object value, String name) {
      return CelValues.toCel(type, value, name);
    }
  }

  /**
   * A variable holding a record: a map from the declared field names to values. Only declared fields are
   * read; undeclared keys are ignored and absent or null fields stay absent (so {@code has(cmd.note)} is
   * false and reading {@code cmd.note} is an evaluation error).
   */
  record Record(Map<String, FieldType> fields) implements Declaration {

    @Override
    public Object toCel(Object value, String name) {
      if (!(value instanceof Map<?, ?> map)) {
        throw new InvalidInputException(name, "must be a map of fields, found " + CelValues.describe(value));
      }
      Map<Object, Object> copy = null;
      for (Map.Entry<String, FieldType> declared : fields.entrySet()) {
        String field = declared.getKey();
        Object raw = map.get(field);
        Object converted = raw == null ? null : CelValues.toCel(declared.getValue(), raw, name + "." + field);
        if (converted != raw || (raw == null && map.containsKey(field))) {
          copy = copy != null ? copy : new HashMap<>(map);
          copyField(copy, field, converted);
        }
      }
      return copy == null ? map : copy;
    }

    private static void copyField(Map<Object, Object> copy, String field, Object converted) {
      if (converted == null) {
        copy.remove(field);
      } else {
        copy.put(field, converted);
      }
    }
  }
}
