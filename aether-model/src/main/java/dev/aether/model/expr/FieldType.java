package dev.aether.model.expr;

import dev.aether.support.Checks;

/**
 * The type of a model field and of an expression's result: one of the scalars {@code string}, {@code int},
 * {@code double}, {@code bool}, {@code timestamp}, or {@code list<T>} / {@code map<string,T>} of any field
 * type.
 *
 * <p>{@link #parse(String)} reads the model's type strings; {@link #typeName()} (and {@code toString()})
 * gives them back in canonical form. Values of each type follow Aether's JSON data conventions: see the
 * module README ({@code int} is a {@code Long}, {@code double} a {@code Double}, {@code timestamp} an
 * ISO-8601 string in data). Immutable and thread-safe.
 */
public sealed interface FieldType permits FieldType.Scalar, FieldType.ListOf, FieldType.MapOf {

  /** A Unicode string. */
  FieldType STRING = Scalar.STRING;
  /** A 64-bit signed integer. */
  FieldType INT = Scalar.INT;
  /** A finite IEEE 754 double. */
  FieldType DOUBLE = Scalar.DOUBLE;
  /** A boolean. */
  FieldType BOOL = Scalar.BOOL;
  /** An instant in UTC (an ISO-8601 string in data, a CEL {@code timestamp} in expressions). */
  FieldType TIMESTAMP = Scalar.TIMESTAMP;

  /**
   * The canonical spelling of this type, as the model writes it.
   *
   * @return for example {@code int}, {@code list<string>} or {@code map<string,double>}
   */
  String typeName();

  /**
   * Reads a type string of the model. Accepts {@code string}, {@code int}, {@code double}, {@code bool},
   * {@code timestamp}, {@code list<T>} and {@code map<string,T>} (nesting allowed, blanks around tokens
   * ignored), and the aliases {@code integer}, {@code number} and {@code boolean}.
   *
   * @param text the type string
   * @return the type
   * @throws dev.aether.InvalidInputException naming {@code type} when the text is not a known type; the
   *     message says what was expected
   */
  static FieldType parse(String text) {
    return TypeParser.parse(Checks.notNull(text, "type"));
  }

  /**
   * The list type with the given element type.
   *
   * @param element the element type
   * @return {@code list<element>}
   */
  static FieldType listOf(FieldType element) {
    return new ListOf(element);
  }

  /**
   * The map type with string keys and the given value type.
   *
   * @param value the value type
   * @return {@code map<string,value>}
   */
  static FieldType mapOf(FieldType value) {
    return new MapOf(value);
  }

  /** The scalar types. */
  enum Scalar implements FieldType {
    /** {@code string}. */
    STRING("string"),
    /** {@code int}: 64-bit signed. */
    INT("int"),
    /** {@code double}. */
    DOUBLE("double"),
    /** {@code bool}. */
    BOOL("bool"),
    /** {@code timestamp}. */
    TIMESTAMP("timestamp");

    private final String typeName;

    Scalar(String typeName) {
      this.typeName = typeName;
    }

    @Override
    public String typeName() {
      return typeName;
    }

    @Override
    public String toString() {
      return typeName;
    }
  }

  /**
   * A list of values of one type.
   *
   * @param element the element type
   */
  record ListOf(FieldType element) implements FieldType {

    /** Refuses a null element type. */
    public ListOf {
      Checks.notNull(element, "element");
    }

    @Override
    public String typeName() {
      return "list<" + element.typeName() + ">";
    }

    @Override
    public String toString() {
      return typeName();
    }
  }

  /**
   * A map from strings to values of one type (a JSON object).
   *
   * @param value the value type
   */
  record MapOf(FieldType value) implements FieldType {

    /** Refuses a null value type. */
    public MapOf {
      Checks.notNull(value, "value");
    }

    @Override
    public String typeName() {
      return "map<string," + value.typeName() + ">";
    }

    @Override
    public String toString() {
      return typeName();
    }
  }
}
