package dev.aether.model.expr;

import static dev.aether.model.expr.Account.COMPILER;
import static dev.aether.model.expr.Account.GUARD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ExpressionCompilerTest {

  private static List<ExpressionError> errors(String source, FieldType type) {
    Compilation compilation = COMPILER.compile(source, type, GUARD);
    assertThat(compilation).isInstanceOf(Compilation.Failure.class);
    assertThat(compilation.compiled()).isEmpty();
    return compilation.errors();
  }

  private static ExpressionError onlyError(String source, FieldType type) {
    List<ExpressionError> errors = errors(source, type);
    assertThat(errors).hasSize(1);
    return errors.get(0);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "state.balance >= cmd.amount && !state.frozen | bool",
      "state.balance - cmd.amount | int",
      "state.rate * 1.5 | double",
      "state.owner + '/' + actorId | string",
      "cmd.at | timestamp",
      "now + duration('24h') | timestamp",
      "state.tags + ['new'] | list<string>",
      "state.tags.map(t, t + '!') | list<string>",
      "state.history.filter(h, h > 1.0) | list<double>",
      "{'daily': cmd.amount, 'weekly': cmd.amount * 7} | map<string,int>",
      "[cmd.at, now] | list<timestamp>",
      "{'owners': [state.owner]} | map<string,list<string>>",
      "state.limits['daily'] > cmd.amount | bool",
      "has(cmd.note) ? cmd.note : 'none' | string",
      "size(state.tags) | int",
      "state.tags.exists(t, t == 'gold') | bool",
      "cmd.amount > 0.5 | bool",
      "now - cmd.at >= duration('1h') | bool"})
  void compile_validExpression_succeedsWithItsType(String source, String type) {
    Compilation compilation = COMPILER.compile(source, FieldType.parse(type), GUARD);

    assertThat(compilation.errors()).isEmpty();
    CompiledExpression expression = compilation.orElseThrow();
    assertThat(expression.source()).isEqualTo(source);
    assertThat(expression.resultType()).isEqualTo(FieldType.parse(type));
    assertThat(expression.path()).isEqualTo(GUARD);
    assertThat(expression.scope()).isSameAs(Account.SCOPE);
  }

  @Test
  void compile_unknownRecordField_isUndeclaredReferenceWithFullNameAndColumn() {
    ExpressionError error = onlyError("state.balance >= cmd.amout", FieldType.BOOL);

    assertThat(error.id()).isEqualTo(ExpressionError.UNKNOWN_REFERENCE);
    assertThat(error.path()).isEqualTo(GUARD);
    assertThat(error.message()).startsWith("undeclared reference 'cmd.amout'")
        .contains("cmd has amount, owner, note, at");
    assertThat(error.line()).isEqualTo(1);
    assertThat(error.column()).isEqualTo(18);
    assertThat(error).hasToString(GUARD + ": undeclared reference 'cmd.amout' (cmd has amount, owner, note, at)"
        + " at column 18 [unknown-reference]");
  }

  @Test
  void compile_unknownVariable_isUndeclaredReferenceListingTheVariables() {
    ExpressionError error = onlyError("comand.amount > 0", FieldType.BOOL);

    assertThat(error.id()).isEqualTo(ExpressionError.UNKNOWN_REFERENCE);
    assertThat(error.message()).isEqualTo("undeclared reference 'comand' (variables: state, cmd, now, actorId)");
    assertThat(error.column()).isEqualTo(1);
  }

  @Test
  void compile_unknownFunction_isUndeclaredReference() {
    ExpressionError error = onlyError("frobnicate(cmd.amount)", FieldType.INT);

    assertThat(error.id()).isEqualTo(ExpressionError.UNKNOWN_REFERENCE);
    assertThat(error.message()).contains("'frobnicate'");
  }

  @Test
  void compile_everyUnknownReference_isReported() {
    List<ExpressionError> errors = errors("cmd.amout > state.balanse", FieldType.BOOL);

    assertThat(errors).extracting(ExpressionError::message)
        .anySatisfy(m -> assertThat(m).startsWith("undeclared reference 'cmd.amout'"))
        .anySatisfy(m -> assertThat(m).startsWith("undeclared reference 'state.balanse'"));
    assertThat(errors).extracting(ExpressionError::column).containsExactly(1, 13);
  }

  @Test
  void compile_typeMismatch_namesOperatorAndTypes() {
    ExpressionError error = onlyError("state.balance + cmd.owner", FieldType.INT);

    assertThat(error.id()).isEqualTo(ExpressionError.TYPE);
    assertThat(error.message()).isEqualTo("no matching overload for '+' applied to (int, string)");
    assertThat(error.column()).isEqualTo(15);
  }

  @Test
  void compile_mixedIntAndDoubleArithmetic_isATypeError() {
    ExpressionError error = onlyError("state.balance * state.rate", FieldType.DOUBLE);

    assertThat(error.message()).isEqualTo("no matching overload for '*' applied to (int, double)");
  }

  @Test
  void compile_typeNames_areSpelledAsInTheModel() {
    ExpressionError error = onlyError("cmd.at + state.tags", FieldType.TIMESTAMP);

    assertThat(error.message()).isEqualTo("no matching overload for '+' applied to (timestamp, list<string>)");
  }

  @Test
  void compile_fieldSelectionOnScalar_isATypeError() {
    ExpressionError error = onlyError("state.balance.value > 0", FieldType.BOOL);

    assertThat(error.id()).isEqualTo(ExpressionError.TYPE);
    assertThat(error.message()).contains("does not support field selection");
  }

  @Test
  void compile_syntaxError_givesColumn() {
    ExpressionError error = onlyError("state.balance >= ", FieldType.BOOL);

    assertThat(error.id()).isEqualTo(ExpressionError.SYNTAX);
    assertThat(error.message()).isEqualTo("syntax error: unexpected end of expression");
    assertThat(error.column()).isEqualTo(18);
  }

  @Test
  void compile_syntaxErrorOnLaterLine_givesLineAndColumn() {
    ExpressionError error = errors("state.balance > 0 &&\n  cmd.amount ) 1", FieldType.BOOL).get(0);

    assertThat(error.id()).isEqualTo(ExpressionError.SYNTAX);
    assertThat(error.line()).isEqualTo(2);
    assertThat(error.column()).isEqualTo(14);
    assertThat(error.messageWithPosition()).endsWith("at line 2, column 14");
  }

  @Test
  void compile_blankSource_isASyntaxError() {
    ExpressionError error = onlyError("  ", FieldType.BOOL);

    assertThat(error.id()).isEqualTo(ExpressionError.SYNTAX);
    assertThat(error.message()).isEqualTo("expression is empty");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "cmd.amount | bool | the result must be bool, but the expression is int",
      "state.rate | int | the result must be int, but the expression is double",
      "state.tags | list<int> | the result must be list<int>, but the expression is list<string>",
      "cmd.at | string | the result must be string, but the expression is timestamp",
      "state.limits | map<string,string> | the result must be map<string,string>,"
          + " but the expression is map<string,int>",
      "null | string | the result must be string, but the expression is null",
      "{1: 'a'} | map<string,string> | the result must be map<string,string>, but the expression is map<int,string>",
      "state | string | the result must be string, but the expression is state"})
  void compile_wrongResultType_isRefused(String source, String type, String message) {
    ExpressionError error = onlyError(source, FieldType.parse(type));

    assertThat(error.id()).isEqualTo(ExpressionError.RESULT_TYPE);
    assertThat(error.message()).isEqualTo(message);
  }

  @Test
  void compile_intForDouble_isAcceptedAndWidened() {
    CompiledExpression expression = Account.compile("cmd.amount * 2", FieldType.DOUBLE);

    assertThat(expression.evaluate(Account.variables())).isEqualTo(60.0);
  }

  @Test
  void compile_structLiteralOfARecord_isRefused() {
    List<ExpressionError> errors = errors("cmd{amount: 1}.amount", FieldType.INT);

    assertThat(errors).extracting(ExpressionError::message).anySatisfy(m -> assertThat(m).contains("not a type"));
  }

  @Test
  void compile_failure_orElseThrowListsEveryError() {
    Compilation compilation = COMPILER.compile("cmd.amout + state.nope", FieldType.INT, GUARD);

    assertThatThrownBy(compilation::orElseThrow)
        .isInstanceOf(InvalidExpressionException.class)
        .hasMessageContaining("2 problems")
        .hasMessageContaining(GUARD + ": undeclared reference 'cmd.amout'")
        .hasMessageContaining(GUARD + ": undeclared reference 'state.nope'")
        .satisfies(e -> assertThat(((InvalidExpressionException) e).errors()).hasSize(2));
  }

  @Test
  void compile_recordWithoutFields_saysSo() {
    ExpressionCompiler compiler = ExpressionCompiler.create(
        ExpressionScope.builder().record("event", Account.fields()).build());

    ExpressionError error = compiler.compile("event.x", FieldType.INT, "p").errors().get(0);

    assertThat(error.message()).isEqualTo("undeclared reference 'event.x' (event has no fields)");
  }

  @Test
  void compile_nullArgumentsOrBlankPath_areRefused() {
    assertThatThrownBy(() -> COMPILER.compile(null, FieldType.INT, GUARD)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> COMPILER.compile("1", null, GUARD)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> COMPILER.compile("1", FieldType.INT, " ")).isInstanceOf(InvalidInputException.class);
  }
}
