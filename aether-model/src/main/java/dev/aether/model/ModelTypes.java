package dev.aether.model;

import dev.aether.InvalidInputException;
import dev.aether.model.expr.FieldType;
import java.util.List;
import java.util.Map;

/**
 * The model's field types for structural validation: the grammar is {@link FieldType}'s (read once, by
 * {@link FieldType#parse}); this class adds the values a type's fields start with and which JSON values fit
 * a type. Stateless.
 */
final class ModelTypes {

  private ModelTypes() {}

  /**
   * Reads a type string.
   *
   * @return the canonical spelling ({@code list<map<string,int>>})
   * @throws IllegalArgumentException saying what is wrong
   */
  static String canonical(String text) {
    try {
      return FieldType.parse(text).typeName();
    } catch (InvalidInputException e) {
      String prefix = e.field() + ": ";
      String message = e.getMessage();
      throw new IllegalArgumentException(message.startsWith(prefix) ? message.substring(prefix.length()) : message, e);
    }
  }

  /** The value a field of the (canonical) type holds before anything sets it; {@code null} for timestamps. */
  static Object zero(String canonical) {
    return switch (canonical) {
      case "string" -> "";
      case "int" -> 0L;
      case "double" -> 0.0;
      case "bool" -> false;
      case "timestamp" -> null;
      default -> canonical.startsWith("list<") ? List.of() : Map.of();
    };
  }

  /** Tells whether a JSON value fits a canonical type ({@code null} fits only timestamps; no infinity or NaN). */
  static boolean fits(String canonical, Object value) {
    return switch (canonical) {
      case "string" -> value instanceof String;
      case "int" -> value instanceof Long || value instanceof Integer || value instanceof Short
          || value instanceof Byte;
      case "double" -> value instanceof Number n && Double.isFinite(n.doubleValue());
      case "bool" -> value instanceof Boolean;
      case "timestamp" -> value == null || value instanceof String text && isTimestamp(text);
      default -> canonical.startsWith("list<")
          ? value instanceof List<?> list && list.stream().allMatch(v -> fits(inner(canonical, 5), v))
          : value instanceof Map<?, ?> map && map.values().stream().allMatch(v -> fits(inner(canonical, 11), v));
    };
  }

  private static boolean isTimestamp(String text) {
    try {
      dev.aether.support.Timestamps.parse(text);
      return true;
    } catch (java.time.DateTimeException e) {
      return false;
    }
  }

  private static String inner(String canonical, int start) {
    return canonical.substring(start, canonical.length() - 1);
  }
}
