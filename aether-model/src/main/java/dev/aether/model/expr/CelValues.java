package dev.aether.model.expr;

import com.google.common.primitives.UnsignedLong;
import dev.aether.InvalidInputException;
import dev.cel.common.values.NullValue;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Conversions at the boundary between Aether's JSON data conventions and CEL values.
 *
 * <p>Into CEL ({@link #toCel}): a {@code double} may arrive as a {@code Long} (an integral double read back
 * from JSON) and is widened; a {@code timestamp} arrives as an ISO-8601 string (or an {@link Instant}) and
 * becomes an {@code Instant}; smaller integer boxes become {@code Long}. Lists and maps are copied only when
 * their element type needs such a conversion ({@code double} or {@code timestamp} inside); elements of other
 * types are trusted to follow the conventions already, so the common case costs a few {@code instanceof}
 * checks and no copy.
 *
 * <p>Out of CEL ({@link #toAether}): {@code Long}, finite {@code Double}, {@code String}, {@code Boolean},
 * timestamps as ISO-8601 UTC strings ({@link Instant#toString()}), unmodifiable lists and insertion-ordered
 * maps; an {@code int} result for a {@code double} target is widened.
 */
final class CelValues {

  private CelValues() {}

  /** Converts a caller's value of the given type for CEL; refuses a value of another type. */
  static Object toCel(FieldType type, Object value, String path) {
    return switch (type) {
      case FieldType.Scalar scalar -> scalarToCel(scalar, value, path);
      case FieldType.ListOf list -> listToCel(list, value, path);
      case FieldType.MapOf map -> mapToCel(map, value, path);
    };
  }

  private static Object scalarToCel(FieldType.Scalar type, Object value, String path) {
    Object converted = switch (type) {
      case STRING -> value instanceof String ? value : null;
      case BOOL -> value instanceof Boolean ? value : null;
      case INT -> value instanceof Long ? value : smallInteger(value);
      case DOUBLE -> value instanceof Double ? value : widen(value);
      case TIMESTAMP -> value instanceof Instant ? value : parseInstant(value, path);
    };
    if (converted == null) {
      throw new InvalidInputException(path, "expected " + type.typeName() + ", found " + describe(value));
    }
    return converted;
  }

  private static Object smallInteger(Object value) {
    return value instanceof Integer || value instanceof Short || value instanceof Byte
        ? ((Number) value).longValue() : null;
  }

  private static Object widen(Object value) {
    return value instanceof Long || value instanceof Integer || value instanceof Float
        ? ((Number) value).doubleValue() : null;
  }

  private static Object parseInstant(Object value, String path) {
    if (!(value instanceof String text)) {
      return null;
    }
    try {
      return Timestamps.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(path, "expected an ISO-8601 timestamp, found '" + text + "'", e);
    }
  }

  private static Object listToCel(FieldType.ListOf type, Object value, String path) {
    if (!(value instanceof List<?> list)) {
      throw new InvalidInputException(path, "expected " + type.typeName() + ", found " + describe(value));
    }
    if (!needsConversion(type.element())) {
      return list;
    }
    List<Object> copy = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      copy.add(toCel(type.element(), list.get(i), path + "[" + i + "]"));
    }
    return copy;
  }

  private static Object mapToCel(FieldType.MapOf type, Object value, String path) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new InvalidInputException(path, "expected " + type.typeName() + ", found " + describe(value));
    }
    if (!needsConversion(type.value())) {
      return map;
    }
    Map<Object, Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(k, toCel(type.value(), v, path + "." + k)));
    return copy;
  }

  /** Tells whether values of this type may need converting for CEL (so lists and maps must be walked). */
  static boolean needsConversion(FieldType type) {
    return switch (type) {
      case FieldType.Scalar scalar -> scalar == FieldType.DOUBLE || scalar == FieldType.TIMESTAMP;
      case FieldType.ListOf list -> needsConversion(list.element());
      case FieldType.MapOf map -> needsConversion(map.value());
    };
  }

  /**
   * Converts a CEL result to Aether's data conventions for the given type.
   *
   * @return the value, or {@code null} when the value does not fit the type
   */
  static Object toAether(FieldType type, Object value) {
    return switch (type) {
      case FieldType.Scalar scalar -> scalarToAether(scalar, value);
      case FieldType.ListOf list -> listToAether(list, value);
      case FieldType.MapOf map -> mapToAether(map, value);
    };
  }

  private static Object scalarToAether(FieldType.Scalar type, Object value) {
    return switch (type) {
      case STRING -> value instanceof String ? value : null;
      case BOOL -> value instanceof Boolean ? value : null;
      case INT -> value instanceof Long ? value : null;
      case DOUBLE -> value instanceof Double d ? finite(d) : value instanceof Long l ? (Object) l.doubleValue() : null;
      case TIMESTAMP -> value instanceof Instant instant ? instant.toString() : null;
    };
  }

  private static Object finite(Double d) {
    return Double.isNaN(d) || Double.isInfinite(d) ? null : d;
  }

  private static Object listToAether(FieldType.ListOf type, Object value) {
    if (!(value instanceof List<?> list)) {
      return null;
    }
    List<Object> copy = new ArrayList<>(list.size());
    for (Object element : list) {
      Object converted = toAether(type.element(), element);
      if (converted == null) {
        return null;
      }
      copy.add(converted);
    }
    return Collections.unmodifiableList(copy);
  }

  private static Object mapToAether(FieldType.MapOf type, Object value) {
    if (!(value instanceof Map<?, ?> map)) {
      return null;
    }
    Map<String, Object> copy = new LinkedHashMap<>(Math.max(4, (int) (map.size() / 0.75f) + 1));
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      Object converted = toAether(type.value(), entry.getValue());
      if (!(entry.getKey() instanceof String key) || converted == null) {
        return null;
      }
      copy.put(key, converted);
    }
    return Collections.unmodifiableMap(copy);
  }

  /** Describes a value for an error message: its CEL-ish type and a short rendering. */
  static String describe(Object value) {
    String kind = switch (value) {
      case null -> "null";
      case String s -> "string";
      case Long l -> "int";
      case Integer i -> "int";
      case Double d -> "double";
      case Boolean b -> "bool";
      case Instant i -> "timestamp";
      case List<?> l -> "list";
      case Map<?, ?> m -> "map";
      case UnsignedLong u -> "uint";
      case Duration d -> "duration";
      case NullValue n -> "null";
      default -> value.getClass().getSimpleName();
    };
    if (value == null || value instanceof NullValue || value instanceof List<?> || value instanceof Map<?, ?>) {
      return kind;
    }
    String text = value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    return kind + " " + (text.length() > 40 ? text.substring(0, 37) + "..." : text);
  }
}
