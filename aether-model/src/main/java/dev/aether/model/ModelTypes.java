package dev.aether.model;

import java.util.List;
import java.util.Map;

/**
 * The field type language of the model, structurally: {@code string}, {@code int}, {@code double},
 * {@code bool}, {@code timestamp}, {@code list<T>}, {@code map<string,T>} (aliases {@code integer},
 * {@code number}, {@code boolean}). {@code aether-model}'s {@code FieldType} reads the same grammar (a test
 * there keeps the two in step); this copy lets core validate a model without the CEL layer. Stateless.
 */
final class ModelTypes {

  static final String EXPECTED = "use string, int, double, bool, timestamp, list<T> or map<string,T>";

  private ModelTypes() {}

  /**
   * Reads a type string.
   *
   * @return the canonical spelling ({@code list<map<string,int>>})
   * @throws IllegalArgumentException saying what is wrong
   */
  static String canonical(String text) {
    int[] pos = {0};
    String type = type(text, pos);
    skip(text, pos);
    if (pos[0] != text.length()) {
      throw new IllegalArgumentException("unexpected '" + text.substring(pos[0]).strip() + "' after " + type);
    }
    return type;
  }

  private static String type(String text, int[] pos) {
    String word = word(text, pos);
    switch (word) {
      case "string", "timestamp", "int", "double", "bool" -> {
        return word;
      }
      case "integer" -> {
        return "int";
      }
      case "number" -> {
        return "double";
      }
      case "boolean" -> {
        return "bool";
      }
      case "list" -> {
        expect(text, pos, '<', "list needs an element type, e.g. list<string>");
        String element = type(text, pos);
        expect(text, pos, '>', "list<...> is not closed with '>'");
        return "list<" + element + ">";
      }
      case "map" -> {
        expect(text, pos, '<', "map needs key and value types, e.g. map<string,int>");
        if (!word(text, pos).equals("string")) {
          throw new IllegalArgumentException("map keys must be string");
        }
        expect(text, pos, ',', "map needs a value type, e.g. map<string,int>");
        String value = type(text, pos);
        expect(text, pos, '>', "map<...> is not closed with '>'");
        return "map<string," + value + ">";
      }
      default -> throw new IllegalArgumentException((word.isEmpty() ? "" : "'" + word + "' is not a type; ")
          + EXPECTED);
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

  /** Tells whether a JSON value fits a canonical type ({@code null} fits only timestamps). */
  static boolean fits(String canonical, Object value) {
    return switch (canonical) {
      case "string" -> value instanceof String;
      case "int" -> value instanceof Long || value instanceof Integer || value instanceof Short
          || value instanceof Byte;
      case "double" -> value instanceof Number;
      case "bool" -> value instanceof Boolean;
      case "timestamp" -> value == null || value instanceof String;
      default -> canonical.startsWith("list<")
          ? value instanceof List<?> list && list.stream().allMatch(v -> fits(inner(canonical, 5), v))
          : value instanceof Map<?, ?> map && map.values().stream().allMatch(v -> fits(inner(canonical, 11), v));
    };
  }

  private static String inner(String canonical, int start) {
    return canonical.substring(start, canonical.length() - 1);
  }

  private static String word(String text, int[] pos) {
    skip(text, pos);
    int start = pos[0];
    while (pos[0] < text.length() && Character.isLetterOrDigit(text.charAt(pos[0]))) {
      pos[0]++;
    }
    return text.substring(start, pos[0]);
  }

  private static void expect(String text, int[] pos, char c, String problem) {
    skip(text, pos);
    if (pos[0] >= text.length() || text.charAt(pos[0]) != c) {
      throw new IllegalArgumentException(problem);
    }
    pos[0]++;
  }

  private static void skip(String text, int[] pos) {
    while (pos[0] < text.length() && Character.isWhitespace(text.charAt(pos[0]))) {
      pos[0]++;
    }
  }
}
