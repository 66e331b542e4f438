package dev.aether.model.expr;

import dev.aether.support.Checks;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.compiler.CelCompiler;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.Program;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Compiles CEL expressions against one {@link ExpressionScope}: parses, type-checks against the declared
 * variables and record fields, checks the result type against the type the expression's place in the
 * model needs, and plans the program once. Every problem is reported as an {@link ExpressionError} with the
 * expression's path and the position in its source.
 *
 * <p>Result types: the checked type must equal the expected one, with two allowances. An {@code int}
 * result fits a {@code double} target (also as list element or map value) and is widened, because CEL has
 * no implicit numeric conversion and a literal {@code 0} for a {@code double} field is common. A
 * {@code dyn} result (mixed literals such as {@code [1, 2.5]}, the empty list {@code []}, {@code dyn(x)})
 * is accepted at compile time and its value checked at each evaluation.
 *
 * <p>Create with {@link #create(ExpressionScope)} (this builds the type environment once); thread-safe.
 */
public final class ExpressionCompiler {

  private final ExpressionScope scope;
  private final CelCompiler compiler;

  private ExpressionCompiler(ExpressionScope scope) {
    this.scope = scope;
    this.compiler = CelSetup.compiler(scope);
  }

  /**
   * Creates a compiler for the given scope.
   *
   * @param scope the variables expressions may read
   * @return a compiler
   */
  public static ExpressionCompiler create(ExpressionScope scope) {
    return new ExpressionCompiler(Checks.notNull(scope, "scope"));
  }

  /**
   * The scope expressions are checked against.
   *
   * @return the scope
   */
  public ExpressionScope scope() {
    return scope;
  }

  /**
   * Compiles one expression.
   *
   * @param source the CEL source
   * @param expectedResultType the type the result must have
   * @param path where the expression is in the model, used in every error
   * @return the compiled expression, or every problem found (syntax, unknown references, types, result type)
   * @throws dev.aether.InvalidInputException when an argument is null or the path is blank
   */
  public Compilation compile(String source, FieldType expectedResultType, String path) {
    Checks.notNull(source, "source");
    Checks.notNull(expectedResultType, "expectedResultType");
    Checks.notBlank(path, "path");
    if (source.isBlank()) {
      return failure(new ExpressionError(ExpressionError.SYNTAX, path, "expression is empty", 0, 0));
    }
    CelValidationResult parsed = compiler.parse(source, path);
    if (parsed.hasError()) {
      return new Compilation.Failure(syntaxErrors(parsed.getErrors(), path));
    }
    CelAbstractSyntaxTree parsedAst = ast(parsed);
    CelValidationResult checked = compiler.check(parsedAst);
    if (checked.hasError()) {
      return new Compilation.Failure(checkErrors(checked.getErrors(), parsedAst, path));
    }
    CelAbstractSyntaxTree ast = ast(checked);
    if (!CelTypes.assignable(expectedResultType, ast.getResultType())) {
      return failure(new ExpressionError(ExpressionError.RESULT_TYPE, path, "the result must be "
          + expectedResultType.typeName() + ", but the expression is " + CelTypes.display(ast.getResultType()),
          0, 0));
    }
    return plan(ast, source, expectedResultType, path);
  }

  private Compilation plan(CelAbstractSyntaxTree ast, String source, FieldType type, String path) {
    try {
      Program program = CelSetup.RUNTIME.createProgram(ast);
      return new Compilation.Success(new CompiledExpression(scope, source, type, path, program, ast));
    } catch (CelEvaluationException e) {
      return failure(new ExpressionError(ExpressionError.TYPE, path,
          CelMessages.types(String.valueOf(e.getMessage())), 0, 0));
    }
  }

  private static List<ExpressionError> syntaxErrors(List<CelIssue> issues, String path) {
    Set<ExpressionError> errors = new LinkedHashSet<>();
    for (CelIssue issue : issues) {
      int[] at = CelMessages.position(issue.getSourceLocation());
      errors.add(new ExpressionError(ExpressionError.SYNTAX, path, CelMessages.syntaxMessage(issue.getMessage()),
          at[0], at[1]));
    }
    return new ArrayList<>(errors);
  }

  private List<ExpressionError> checkErrors(List<CelIssue> issues, CelAbstractSyntaxTree parsed, String path) {
    Set<ExpressionError> errors = new LinkedHashSet<>();
    for (CelIssue issue : issues) {
      errors.add(checkError(issue, parsed, path));
    }
    return new ArrayList<>(errors);
  }

  private ExpressionError checkError(CelIssue issue, CelAbstractSyntaxTree parsed, String path) {
    String message = issue.getMessage();
    if (message.startsWith("undefined field '")) {
      Optional<ExpressionError> field = unknownField(parsed, issue.getExprId(), path);
      if (field.isPresent()) {
        return field.get();
      }
    }
    int[] at = CelMessages.position(issue.getSourceLocation());
    String text = CelMessages.checkMessage(message);
    if (message.startsWith("undeclared reference to ")) {
      return new ExpressionError(ExpressionError.UNKNOWN_REFERENCE, path,
          text + " (variables: " + String.join(", ", scope.names()) + ")", at[0], at[1]);
    }
    String id = message.startsWith("undefined field") ? ExpressionError.UNKNOWN_REFERENCE : ExpressionError.TYPE;
    return new ExpressionError(id, path, text, at[0], at[1]);
  }

  /** Reports {@code cmd.amout} by its full name, at the start of {@code cmd}, with the fields {@code cmd} has. */
  private Optional<ExpressionError> unknownField(CelAbstractSyntaxTree parsed, long exprId, String path) {
    return CelMessages.identSelect(parsed, exprId).flatMap(select -> {
      CelExpr operand = select.select().operand();
      String record = operand.ident().name();
      return scope.recordFields(record).map(fields -> {
        int[] at = CelMessages.position(parsed, operand.id());
        String known = record + (fields.isEmpty() ? " has no fields" : " has " + String.join(", ", fields.keySet()));
        return new ExpressionError(ExpressionError.UNKNOWN_REFERENCE, path,
            "undeclared reference '" + record + "." + select.select().field() + "' (" + known + ")", at[0], at[1]);
      });
    });
  }

  private static CelAbstractSyntaxTree ast(CelValidationResult result) {
    try {
      return result.getAst();
    } catch (CelValidationException e) {
      throw new IllegalStateException("CEL reported no error but gave no AST", e);
    }
  }

  private static Compilation failure(ExpressionError error) {
    return new Compilation.Failure(List.of(error));
  }
}
