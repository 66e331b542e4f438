package dev.aether.model.expr;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelErrorCode;
import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelEvaluationException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns CEL evaluation failures into {@link ExpressionEvaluationException}s that read well in a model. */
final class EvaluationErrors {

  /** CEL prefixes runtime messages with {@code evaluation error at <description>:<offset>: }. */
  private static final Pattern LOCATED = Pattern.compile("evaluation error at .*?:(\\d+): (.*)", Pattern.DOTALL);
  private static final Pattern NO_VARIABLE = Pattern.compile("No such attribute\\(s\\): (.*)", Pattern.DOTALL);

  private EvaluationErrors() {}

  static ExpressionEvaluationException translate(CelEvaluationException e, CelAbstractSyntaxTree ast, String path) {
    String message = String.valueOf(e.getMessage());
    int offset = -1;
    Matcher located = LOCATED.matcher(message);
    if (located.matches()) {
      offset = Integer.parseInt(located.group(1));
      message = located.group(2);
    }
    int column = offset < 0 ? 0 : CelMessages.position(ast, offset)[1];
    return new ExpressionEvaluationException(path, problem(e.getErrorCode(), message, ast, offset), column, e);
  }

  private static String problem(CelErrorCode code, String message, CelAbstractSyntaxTree ast, int offset) {
    return switch (code == null ? CelErrorCode.INTERNAL_ERROR : code) {
      case DIVIDE_BY_ZERO -> "division by zero";
      case NUMERIC_OVERFLOW -> "numeric overflow (" + message + ")";
      case ATTRIBUTE_NOT_FOUND -> missing(ast, offset, message);
      case BAD_FORMAT -> "conversion failed: " + message;
      default -> lowerFirst(CelMessages.types(message));
    };
  }

  /**
   * Names what has no value: a record field by its full reference ({@code no value for 'cmd.note'}), a map
   * key, or a variable that was not bound.
   */
  private static String missing(CelAbstractSyntaxTree ast, int offset, String message) {
    Matcher variable = NO_VARIABLE.matcher(message);
    if (variable.matches()) {
      return "no value for variable '" + variable.group(1) + "'";
    }
    Optional<CelExpr> expr = CelMessages.exprAt(ast, offset);
    if (expr.isPresent() && isRecordField(expr.get())) {
      String reference = expr.get().select().operand().ident().name() + "." + expr.get().select().field();
      return "no value for '" + reference + "' (test it with has(" + reference + "))";
    }
    if (expr.isPresent() && expr.get().getKind() == CelExpr.ExprKind.Kind.CALL
        && expr.get().call().function().equals("_[_]")) {
      return "no key '" + message + "' in the map";
    }
    return "no value: " + message;
  }

  private static boolean isRecordField(CelExpr e) {
    return e.getKind() == CelExpr.ExprKind.Kind.SELECT
        && e.select().operand().getKind() == CelExpr.ExprKind.Kind.IDENT;
  }

  private static String lowerFirst(String text) {
    return text.isEmpty() ? text : Character.toLowerCase(text.charAt(0)) + text.substring(1);
  }
}
