package dev.aether.model.expr;

import dev.aether.InvalidInputException;
import dev.aether.support.Checks;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * The variables an expression may read, with their types: plain variables ({@code now: timestamp},
 * {@code actorId: string}) and records of typed fields ({@code state} with {@code balance: int} and
 * {@code owner: string}). An {@link ExpressionCompiler} type-checks against a scope, so reading an
 * undeclared variable or record field ({@code cmd.amout}) is a compile error, not a runtime surprise.
 *
 * <p>Built with {@link #builder()}; immutable and thread-safe; equal when the declarations are equal.
 * {@link #bind(Map)} prepares the values of one evaluation.
 */
public final class ExpressionScope {

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Words CEL reserves, and type names a variable must not shadow. */
  private static final Set<String> RESERVED = Set.of(
      "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if",
      "import", "let", "loop", "package", "namespace", "return", "var", "void", "while",
      "int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type", "dyn",
      "google", "cel");

  private final Map<String, Declaration> declarations;

  private ExpressionScope(Map<String, Declaration> declarations) {
    this.declarations = Collections.unmodifiableMap(new LinkedHashMap<>(declarations));
  }

  /**
   * Starts an empty scope.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Tells whether a name can be a variable or a record field: a CEL identifier ({@code [A-Za-z_][A-Za-z0-9_]*})
   * that is not a reserved word or a CEL type name ({@code in}, {@code null}, {@code int}, {@code type}, ...).
   *
   * @param name the name to check
   * @return {@code true} when the builder accepts it
   */
  public static boolean isValidName(String name) {
    return name != null && IDENTIFIER.matcher(name).matches() && !RESERVED.contains(name);
  }

  /**
   * The declared variable names, in declaration order.
   *
   * @return an unmodifiable set
   */
  public Set<String> names() {
    return declarations.keySet();
  }

  /**
   * The type of a plain variable.
   *
   * @param name the variable name
   * @return its type, or empty when there is no plain variable of that name (a record, or nothing)
   */
  public Optional<FieldType> variableType(String name) {
    return declarations.get(name) instanceof Declaration.Variable v ? Optional.of(v.type()) : Optional.empty();
  }

  /**
   * The fields of a record variable.
   *
   * @param name the variable name
   * @return its fields in declaration order (unmodifiable), or empty when there is no record of that name
   */
  public Optional<Map<String, FieldType>> recordFields(String name) {
    return declarations.get(name) instanceof Declaration.Record r ? Optional.of(r.fields()) : Optional.empty();
  }

  /**
   * Prepares the values of one evaluation: converts each declared variable found in {@code values} to the
   * form the compiled programs read (timestamps from ISO-8601 strings, integral numbers widened for
   * {@code double} fields; see the module README). Undeclared keys are ignored; a missing variable
   * or record field is an error only if an expression reads it. The result may be reused for any number of
   * expressions of this scope, from any thread; {@code values} must not change while it is in use.
   *
   * @param values variable name to value; records are {@code Map<String, ?>} of field values
   * @return the bound values
   * @throws InvalidInputException naming the variable or field ({@code cmd.amount}) whose value does not fit
   *     its declared type
   */
  public Bindings bind(Map<String, ?> values) {
    Checks.notNull(values, "values");
    Map<String, Object> bound = new HashMap<>(declarations.size() * 2);
    for (Map.Entry<String, Declaration> declaration : declarations.entrySet()) {
      Object value = values.get(declaration.getKey());
      if (value != null) {
        bound.put(declaration.getKey(), declaration.getValue().toCel(value, declaration.getKey()));
      }
    }
    return new Bindings(this, bound);
  }

  Map<String, Declaration> declarations() {
    return declarations;
  }

  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof ExpressionScope other && declarations.equals(other.declarations));
  }

  @Override
  public int hashCode() {
    return declarations.hashCode();
  }

  @Override
  public String toString() {
    StringJoiner joiner = new StringJoiner(", ", "ExpressionScope{", "}");
    declarations.forEach((name, d) -> joiner.add(name + ": "
        + (d instanceof Declaration.Variable v ? v.type() : ((Declaration.Record) d).fields())));
    return joiner.toString();
  }

  /** Collects the declarations of a scope; refuses bad names and types at once. Not thread-safe. */
  public static final class Builder {

    private final Map<String, Declaration> declarations = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Declares a record variable: a map of typed fields such as {@code state} or {@code cmd}.
     *
     * @param name the variable name (see {@link #isValidName(String)})
     * @param fields field name to type, in the order to report them; may be empty
     * @return this builder
     * @throws InvalidInputException when the name is invalid or taken, or a field name is invalid
     */
    public Builder record(String name, Map<String, FieldType> fields) {
      Checks.notNull(fields, name + " fields");
      Map<String, FieldType> copy = new LinkedHashMap<>();
      fields.forEach((field, type) -> copy.put(checkName(field, name + "." + field),
          Checks.notNull(type, name + "." + field)));
      return declare(name, new Declaration.Record(Collections.unmodifiableMap(copy)));
    }

    /**
     * Declares a plain variable such as {@code now} or {@code actorId}.
     *
     * @param name the variable name (see {@link #isValidName(String)})
     * @param type its type
     * @return this builder
     * @throws InvalidInputException when the name is invalid or taken
     */
    public Builder variable(String name, FieldType type) {
      return declare(name, new Declaration.Variable(Checks.notNull(type, name)));
    }

    /**
     * Builds the scope.
     *
     * @return an immutable scope
     */
    public ExpressionScope build() {
      return new ExpressionScope(declarations);
    }

    private Builder declare(String name, Declaration declaration) {
      checkName(name, "variable " + name);
      if (declarations.putIfAbsent(name, declaration) != null) {
        throw new InvalidInputException(name, "is declared twice");
      }
      return this;
    }

    private static String checkName(String name, String field) {
      if (!isValidName(name)) {
        throw new InvalidInputException(field, "'" + name + "' is not a valid expression name: use letters,"
            + " digits and '_', not starting with a digit, and not a CEL reserved word or type name");
      }
      return name;
    }
  }
}
