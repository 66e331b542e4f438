package dev.aether.model.expr;

import dev.aether.InvalidInputException;
import dev.aether.support.Checks;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.Program;
import java.util.Map;

/**
 * An expression compiled and type-checked once, ready to evaluate any number of times.
 *
 * <p>{@link #evaluate(Bindings)} returns the result in Aether's data conventions for the expected
 * {@link #resultType()}: {@code Long}, finite {@code Double} (an {@code int} result widened for a
 * {@code double} target), {@code String}, {@code Boolean}, a timestamp as an ISO-8601 UTC string, an
 * unmodifiable {@code List} or insertion-ordered {@code Map<String, Object>} of those. Never {@code null}.
 *
 * <p>Immutable; any number of threads may evaluate one instance concurrently. The hot path is one CEL
 * program evaluation plus the result conversion; parsing, checking and planning happened at compile time.
 */
public final class CompiledExpression {

  private final ExpressionScope scope;
  private final String source;
  private final FieldType resultType;
  private final String path;
  private final Program program;
  private final CelAbstractSyntaxTree ast;

  CompiledExpression(ExpressionScope scope, String source, FieldType resultType, String path, Program program,
      CelAbstractSyntaxTree ast) {
    this.scope = scope;
    this.source = source;
    this.resultType = resultType;
    this.path = path;
    this.program = program;
    this.ast = ast;
  }

  /**
   * Evaluates the expression on bound values.
   *
   * @param bindings values bound by this expression's {@link #scope()}
   * @return the result, converted to Aether's data conventions (see the class documentation)
   * @throws ExpressionEvaluationException naming {@link #path()} when evaluation fails (division by zero,
   *     overflow, a missing field or key, a bad index or conversion) or the result does not fit the type
   * @throws InvalidInputException when the bindings were made by another scope
   */
  public Object evaluate(Bindings bindings) {
    Checks.notNull(bindings, "bindings");
    if (bindings.scope() != scope && !bindings.scope().equals(scope)) {
      throw new InvalidInputException("bindings", "were bound for " + bindings.scope() + ", not " + scope);
    }
    Object raw;
    try {
      raw = program.eval(bindings.resolver());
    } catch (CelEvaluationException e) {
      throw EvaluationErrors.translate(e, ast, path);
    }
    Object value = CelValues.toAether(resultType, raw);
    if (value == null) {
      throw new ExpressionEvaluationException(path, badResult(raw), 0, null);
    }
    return value;
  }

  private String badResult(Object raw) {
    if (raw instanceof Double d && resultType == FieldType.DOUBLE) {
      return "the result " + d + " is not a finite number, which JSON cannot hold";
    }
    return "the result " + CelValues.describe(raw) + " does not fit " + resultType.typeName();
  }

  /**
   * Binds the values and evaluates the expression: {@code evaluate(scope().bind(variables))}. When several
   * expressions read the same values, bind once and use {@link #evaluate(Bindings)}.
   *
   * @param variables variable name to value; records as {@code Map<String, ?>}
   * @return the result, converted to Aether's data conventions
   * @throws ExpressionEvaluationException when evaluation fails
   * @throws InvalidInputException naming the variable or field whose value does not fit its declared type
   */
  public Object evaluate(Map<String, ?> variables) {
    return evaluate(scope.bind(variables));
  }

  /**
   * The scope the expression was checked against.
   *
   * @return the scope
   */
  public ExpressionScope scope() {
    return scope;
  }

  /**
   * The CEL source.
   *
   * @return the source as compiled
   */
  public String source() {
    return source;
  }

  /**
   * The type of every result.
   *
   * @return the expected result type given at compile time
   */
  public FieldType resultType() {
    return resultType;
  }

  /**
   * Where the expression is in the model.
   *
   * @return the path given at compile time
   */
  public String path() {
    return path;
  }

  @Override
  public String toString() {
    return path + ": " + source + " -> " + resultType;
  }
}
