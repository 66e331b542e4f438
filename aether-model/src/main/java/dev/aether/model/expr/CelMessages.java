package dev.aether.model.expr;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites CEL's messages for model authors: operators by their symbol ({@code '+'}, not {@code '_+_'}),
 * types as the model spells them ({@code timestamp}, {@code list<int>}), no candidate lists, and record
 * fields by their full reference ({@code cmd.amout}). Also maps source offsets to 1-based lines and columns.
 */
final class CelMessages {

  private static final Map<String, String> OPERATORS = Map.ofEntries(
      Map.entry("_+_", "+"), Map.entry("_-_", "-"), Map.entry("_*_", "*"), Map.entry("_/_", "/"),
      Map.entry("_%_", "%"), Map.entry("_==_", "=="), Map.entry("_!=_", "!="), Map.entry("_<_", "<"),
      Map.entry("_<=_", "<="), Map.entry("_>_", ">"), Map.entry("_>=_", ">="), Map.entry("_&&_", "&&"),
      Map.entry("_||_", "||"), Map.entry("!_", "!"), Map.entry("-_", "-"), Map.entry("_?_:_", "?:"),
      Map.entry("_[_]", "[]"), Map.entry("@in", "in"));

  private static final Pattern CANDIDATES = Pattern.compile(" \\(candidates: .*\\)$", Pattern.DOTALL);
  private static final Pattern NO_OVERLOAD =
      Pattern.compile("found no matching overload for '([^']*)' applied to '(.*)'", Pattern.DOTALL);
  private static final Pattern CONTAINER = Pattern.compile(" \\(in container '[^']*'\\)");
  private static final Pattern EXPECTING = Pattern.compile(" expecting .*$", Pattern.DOTALL);

  private CelMessages() {}

  /** Rewrites a type-checker message. */
  static String checkMessage(String message) {
    String text = CANDIDATES.matcher(message).replaceFirst("");
    Matcher overload = NO_OVERLOAD.matcher(text);
    if (overload.matches()) {
      String function = overload.group(1);
      text = "no matching overload for '" + OPERATORS.getOrDefault(function, function) + "' applied to "
          + overload.group(2);
    }
    return types(CONTAINER.matcher(text).replaceAll("").replace("undeclared reference to ", "undeclared reference "));
  }

  /** Rewrites a parser message. */
  static String syntaxMessage(String message) {
    String text = EXPECTING.matcher(message).replaceFirst("");
    text = text.replace("mismatched input '<EOF>'", "unexpected end of expression")
        .replace("extraneous input '<EOF>'", "unexpected end of expression")
        .replace("mismatched input ", "unexpected ")
        .replace("extraneous input ", "unexpected ")
        .replace("token recognition error at: ", "unexpected character ");
    return "syntax error: " + text;
  }

  /** Rewrites CEL type names (in checker and runtime messages) the way the model spells types. */
  static String types(String text) {
    String renamed = text.replace("google.protobuf.Timestamp", "timestamp")
        .replace("google.protobuf.Duration", "duration")
        .replace("null_type", "null");
    StringBuilder b = new StringBuilder(renamed.length());
    Deque<Character> closers = new ArrayDeque<>();
    for (int i = 0; i < renamed.length(); i++) {
      char c = renamed.charAt(i);
      if (c == '(') {
        boolean generic = endsWithWord(b, "list") || endsWithWord(b, "map");
        closers.push(generic ? '>' : ')');
        b.append(generic ? '<' : '(');
      } else if (c == ')' && !closers.isEmpty()) {
        b.append(closers.pop());
      } else if (c == ' ' && !closers.isEmpty() && closers.peek() == '>' && b.charAt(b.length() - 1) == ',') {
        continue;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean endsWithWord(StringBuilder b, String word) {
    int start = b.length() - word.length();
    return start >= 0 && b.indexOf(word, start) == start
        && (start == 0 || !Character.isLetterOrDigit(b.charAt(start - 1)));
  }

  /** The select expression with the given id, when its operand is a plain identifier: {@code cmd.amout}. */
  static Optional<CelExpr> identSelect(CelAbstractSyntaxTree ast, long id) {
    return CelNavigableAst.fromAst(ast).getRoot().allNodes()
        .filter(node -> node.id() == id)
        .map(CelNavigableExpr::expr)
        .filter(e -> e.getKind() == CelExpr.ExprKind.Kind.SELECT
            && e.select().operand().getKind() == CelExpr.ExprKind.Kind.IDENT)
        .findFirst();
  }

  /** The expression starting at a source offset (CEL positions a select at its dot, a call at its operator). */
  static Optional<CelExpr> exprAt(CelAbstractSyntaxTree ast, int offset) {
    return ast.getSource().getPositionsMap().entrySet().stream()
        .filter(e -> e.getValue() == offset)
        .flatMap(e -> CelNavigableAst.fromAst(ast).getRoot().allNodes().filter(n -> n.id() == e.getKey()))
        .map(CelNavigableExpr::expr)
        .findFirst();
  }

  /** The 1-based line and column of an expression, {@code {0, 0}} when unknown. */
  static int[] position(CelAbstractSyntaxTree ast, long exprId) {
    Integer offset = ast.getSource().getPositionsMap().get(exprId);
    return offset == null ? new int[] {0, 0} : position(ast, offset.intValue());
  }

  /** The 1-based line and column of a source offset, {@code {0, 0}} when unknown. */
  static int[] position(CelAbstractSyntaxTree ast, int offset) {
    return ast.getSource().getOffsetLocation(offset).map(CelMessages::position).orElse(new int[] {0, 0});
  }

  /** The 1-based line and column of a CEL location (whose column is 0-based), {@code {0, 0}} when unknown. */
  static int[] position(CelSourceLocation location) {
    return location.getLine() < 1 || location.getColumn() < 0
        ? new int[] {0, 0} : new int[] {location.getLine(), location.getColumn() + 1};
  }
}
