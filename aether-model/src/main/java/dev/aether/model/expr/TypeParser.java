package dev.aether.model.expr;

import dev.aether.InvalidInputException;
import java.util.Map;

/**
 * Recursive-descent reader of type strings ({@code list<map<string,int>>}). One instance per parse; not
 * thread-safe, never shared.
 */
final class TypeParser {

  static final String EXPECTED =
      "expected string, int, double, bool, timestamp, list<T> or map<string,T>";

  private static final Map<String, FieldType> SCALARS = Map.of(
      "string", FieldType.STRING,
      "int", FieldType.INT, "integer", FieldType.INT,
      "double", FieldType.DOUBLE, "number", FieldType.DOUBLE,
      "bool", FieldType.BOOL, "boolean", FieldType.BOOL,
      "timestamp", FieldType.TIMESTAMP);

  private final String text;
  private int pos;

  private TypeParser(String text) {
    this.text = text;
  }

  static FieldType parse(String text) {
    TypeParser parser = new TypeParser(text);
    FieldType type = parser.type();
    parser.skipBlanks();
    if (parser.pos < text.length()) {
      throw parser.error("unexpected '" + text.substring(parser.pos).strip() + "' after " + type.typeName());
    }
    return type;
  }

  private FieldType type() {
    String word = word();
    return switch (word) {
      case "list" -> {
        expect('<', "list needs an element type, e.g. list<string>");
        FieldType element = type();
        expect('>', "list<...> is not closed with '>'");
        yield FieldType.listOf(element);
      }
      case "map" -> map();
      case "object" -> throw error("an object type needs a value type, e.g. map<string,int>");
      default -> scalar(word);
    };
  }

  private FieldType map() {
    expect('<', "map needs key and value types, e.g. map<string,int>");
    String key = word();
    if (!key.equals("string")) {
      throw error("map keys must be string, found '" + key + "'");
    }
    expect(',', "map needs a value type after the key, e.g. map<string,int>");
    FieldType value = type();
    expect('>', "map<...> is not closed with '>'");
    return FieldType.mapOf(value);
  }

  private FieldType scalar(String word) {
    FieldType type = SCALARS.get(word);
    if (type == null) {
      throw error(word.isEmpty() || word.equals(text.strip()) ? EXPECTED : "'" + word + "' is not a type; " + EXPECTED);
    }
    return type;
  }

  private String word() {
    skipBlanks();
    int start = pos;
    while (pos < text.length() && Character.isLetterOrDigit(text.charAt(pos))) {
      pos++;
    }
    return text.substring(start, pos);
  }

  private void expect(char c, String problem) {
    skipBlanks();
    if (pos >= text.length() || text.charAt(pos) != c) {
      throw error(problem);
    }
    pos++;
  }

  private void skipBlanks() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private InvalidInputException error(String problem) {
    return new InvalidInputException("type", "unknown type '" + text + "': " + problem);
  }
}
