package dev.aether.model.expr;

import dev.aether.InvalidInputException;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of {@link ExpressionCompiler#compile}: a {@link Success} holding the compiled expression, or a
 * {@link Failure} listing every problem found, so that a model loader can collect the errors of all its
 * expressions before refusing the model.
 */
public sealed interface Compilation permits Compilation.Success, Compilation.Failure {

  /**
   * The compiled expression, when compilation succeeded.
   *
   * @return the expression, or empty on failure
   */
  Optional<CompiledExpression> compiled();

  /**
   * The problems found.
   *
   * @return an unmodifiable list, empty on success
   */
  List<ExpressionError> errors();

  /**
   * The compiled expression, or an exception listing the problems.
   *
   * @return the expression
   * @throws InvalidExpressionException on failure
   */
  CompiledExpression orElseThrow();

  /**
   * A successful compilation.
   *
   * @param expression the compiled expression
   */
  record Success(CompiledExpression expression) implements Compilation {

    @Override
    public Optional<CompiledExpression> compiled() {
      return Optional.of(expression);
    }

    @Override
    public List<ExpressionError> errors() {
      return List.of();
    }

    @Override
    public CompiledExpression orElseThrow() {
      return expression;
    }
  }

  /**
   * A failed compilation.
   *
   * @param errors the problems found; at least one
   */
  record Failure(List<ExpressionError> errors) implements Compilation {

    /** Copies the errors and refuses an empty list. */
    public Failure {
      errors = List.copyOf(errors);
      if (errors.isEmpty()) {
        throw new InvalidInputException("errors", "a failure needs at least one error");
      }
    }

    @Override
    public Optional<CompiledExpression> compiled() {
      return Optional.empty();
    }

    @Override
    public CompiledExpression orElseThrow() {
      throw new InvalidExpressionException(errors);
    }
  }
}
