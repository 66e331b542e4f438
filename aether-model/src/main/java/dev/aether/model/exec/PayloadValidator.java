package dev.aether.model.exec;

import dev.aether.model.FieldDef;
import dev.aether.model.expr.FieldType;
import dev.aether.runtime.FieldError;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a command payload against its declared fields: unknown fields, missing required fields, types (deep,
 * for lists and maps), and the constraints {@code min}/{@code max} (value of a number, length of a string or
 * list), {@code pattern} (whole-string match) and {@code enum}. Every problem is one {@link FieldError}
 * whose path starts at {@code payload}. Immutable and thread-safe.
 */
final class PayloadValidator {

  /** One declared field, ready to check. */
  private record Check(String name, FieldType type, boolean optional, Number min, Number max, Pattern pattern,
      List<Object> allowed) {}

  private final Map<String, Check> checks = new LinkedHashMap<>();

  PayloadValidator(List<FieldDef> fields, Map<String, FieldType> types) {
    for (FieldDef f : fields) {
      checks.put(f.name(), new Check(f.name(), types.get(f.name()), f.mayBeAbsent(), f.min(), f.max(),
          f.pattern() == null ? null : Pattern.compile(f.pattern()), f.allowed()));
    }
  }

  List<FieldError> validate(Map<String, Object> payload) {
    List<FieldError> errors = new ArrayList<>(0);
    for (String key : payload.keySet()) {
      if (!checks.containsKey(key)) {
        errors.add(new FieldError("payload." + key, "unknown field (the command has " + checks.keySet() + ")"));
      }
    }
    for (Check check : checks.values()) {
      Object value = payload.get(check.name());
      String path = "payload." + check.name();
      if (value == null) {
        if (!check.optional()) { // a JSON null is not a value either, but it is sent: say which it is
          errors.add(new FieldError(path, payload.containsKey(check.name()) ? "must not be null: the field is required"
              : "required field is missing"));
        }
      } else if (typeOk(check.type(), value, path, errors)) {
        constraints(check, value, path, errors);
      }
    }
    return errors;
  }

  /**
   * Checks one value of a declared field against its constraints (a field's {@code default}).
   *
   * @return the problems, each with the path {@code payload.<name>}; empty when it fits, or when it is not of
   *     the field's type (the structural check reports that)
   */
  List<FieldError> constraintProblems(String name, Object value) {
    Check check = checks.get(name);
    String path = "payload." + name;
    List<FieldError> errors = new ArrayList<>(0);
    if (check != null && typeOk(check.type(), value, path, new ArrayList<>(0))) {
      constraints(check, value, path, errors);
    }
    return errors;
  }

  private static boolean typeOk(FieldType type, Object value, String path, List<FieldError> errors) {
    boolean ok = switch (type) {
      case FieldType.Scalar s -> scalarOk(s, value);
      case FieldType.ListOf l -> value instanceof List<?> list && elementsOk(l.element(), list, path, errors);
      case FieldType.MapOf m -> value instanceof Map<?, ?> map && valuesOk(m.value(), map, path, errors);
    };
    if (!ok && !(type instanceof FieldType.Scalar) && (value instanceof List<?> || value instanceof Map<?, ?>)) {
      return false; // element errors already reported
    }
    if (!ok) {
      errors.add(new FieldError(path, "expected " + type.typeName() + ", found " + describe(value)));
    }
    return ok;
  }

  private static boolean elementsOk(FieldType element, List<?> list, String path, List<FieldError> errors) {
    boolean ok = true;
    for (int i = 0; i < list.size(); i++) {
      Object v = list.get(i);
      if (v == null) {
        errors.add(new FieldError(path + "[" + i + "]", "expected " + element.typeName() + ", found null"));
        ok = false;
      } else {
        ok &= typeOk(element, v, path + "[" + i + "]", errors);
      }
    }
    return ok;
  }

  private static boolean valuesOk(FieldType value, Map<?, ?> map, String path, List<FieldError> errors) {
    boolean ok = true;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String at = path + "." + e.getKey();
      if (e.getValue() == null) {
        errors.add(new FieldError(at, "expected " + value.typeName() + ", found null"));
        ok = false;
      } else {
        ok &= typeOk(value, e.getValue(), at, errors);
      }
    }
    return ok;
  }

  private static boolean scalarOk(FieldType.Scalar type, Object value) {
    return switch (type) {
      case STRING -> value instanceof String;
      case INT -> value instanceof Long || value instanceof Integer;
      case DOUBLE -> value instanceof Double || value instanceof Long || value instanceof Integer;
      case BOOL -> value instanceof Boolean;
      case TIMESTAMP -> value instanceof String s && isTimestamp(s);
    };
  }

  private static boolean isTimestamp(String s) {
    try {
      OffsetDateTime.parse(s);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** A bound as the message says it: {@code 5}, {@code 1 character}, {@code 3 elements}. */
  private static String counted(Number bound, Object value) {
    if (value instanceof Number) {
      return String.valueOf(bound);
    }
    String unit = value instanceof String ? "character" : "element";
    return bound + " " + unit + (bound.doubleValue() == 1 ? "" : "s");
  }

  private static void constraints(Check check, Object value, String path, List<FieldError> errors) {
    double measure = switch (value) {
      case Number n -> n.doubleValue();
      case String s -> s.codePointCount(0, s.length());
      case List<?> l -> l.size();
      default -> Double.NaN;
    };
    String subject = value instanceof Number ? "must be" : value instanceof String ? "must have" : "must hold";
    if (check.min() != null && measure < check.min().doubleValue()) {
      errors.add(new FieldError(path, subject + " at least " + counted(check.min(), value) + ", was "
          + (value instanceof Number ? value : (long) measure)));
    }
    if (check.max() != null && measure > check.max().doubleValue()) {
      errors.add(new FieldError(path, subject + " at most " + counted(check.max(), value) + ", was "
          + (value instanceof Number ? value : (long) measure)));
    }
    if (check.pattern() != null && value instanceof String s && !check.pattern().matcher(s).matches()) {
      errors.add(new FieldError(path, "must match " + check.pattern().pattern()));
    }
    if (!check.allowed().isEmpty() && check.allowed().stream().noneMatch(a -> sameValue(a, value))) {
      errors.add(new FieldError(path, "must be one of " + check.allowed() + ", was " + value));
    }
  }

  private static boolean sameValue(Object allowed, Object value) {
    if (allowed instanceof Number a && value instanceof Number v) {
      return a.doubleValue() == v.doubleValue();
    }
    return allowed.equals(value);
  }

  private static String describe(Object value) {
    String kind = switch (value) {
      case String s -> "string";
      case Long l -> "int";
      case Integer i -> "int";
      case Double d -> "double";
      case Boolean b -> "bool";
      case List<?> l -> "list";
      case Map<?, ?> m -> "map";
      default -> value.getClass().getSimpleName();
    };
    if (value instanceof List<?> || value instanceof Map<?, ?>) {
      return kind;
    }
    String text = value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    return kind + " " + (text.length() > 40 ? text.substring(0, 37) + "..." : text);
  }
}
