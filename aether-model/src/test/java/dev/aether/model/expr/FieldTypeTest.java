package dev.aether.model.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FieldTypeTest {

  @ParameterizedTest
  @CsvSource({
      "string, string", "int, int", "double, double", "bool, bool", "timestamp, timestamp",
      "integer, int", "number, double", "boolean, bool"})
  void parse_scalar_givesCanonicalType(String text, String canonical) {
    assertThat(FieldType.parse(text).typeName()).isEqualTo(canonical);
  }

  @Test
  void parse_containers_nestAndIgnoreBlanks() {
    assertThat(FieldType.parse("list<int>")).isEqualTo(FieldType.listOf(FieldType.INT));
    assertThat(FieldType.parse(" map < string , double > ")).isEqualTo(FieldType.mapOf(FieldType.DOUBLE));
    assertThat(FieldType.parse("list<map<string,list<timestamp>>>"))
        .isEqualTo(FieldType.listOf(FieldType.mapOf(FieldType.listOf(FieldType.TIMESTAMP))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"string", "int", "list<bool>", "map<string,list<double>>", "list<map<string,timestamp>>"})
  void typeName_roundTripsThroughParse(String text) {
    FieldType type = FieldType.parse(text);
    assertThat(type.typeName()).isEqualTo(text);
    assertThat(type).hasToString(text);
    assertThat(FieldType.parse(type.typeName())).isEqualTo(type);
  }

  @Test
  void parse_unknownType_namesItAndListsTheTypes() {
    assertThatThrownBy(() -> FieldType.parse("money"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("unknown type 'money'")
        .hasMessageContaining("expected string, int, double, bool, timestamp, list<T> or map<string,T>")
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("type");
  }

  @Test
  void parse_unknownElementType_namesTheElement() {
    assertThatThrownBy(() -> FieldType.parse("list<money>"))
        .hasMessageContaining("unknown type 'list<money>'")
        .hasMessageContaining("'money' is not a type");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "list | list needs an element type",
      "object | an object type needs a value type",
      "map | map needs key and value types",
      "map<int,string> | map keys must be string, found 'int'",
      "list<int | list<...> is not closed",
      "map<string> | map needs a value type after the key",
      "int int | unexpected 'int' after int",
      "Int | expected string, int",
      "'' | expected string, int"})
  void parse_malformed_saysWhatIsWrong(String text, String problem) {
    assertThatThrownBy(() -> FieldType.parse(text))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(problem);
  }

  @Test
  void parse_null_isRefused() {
    assertThatThrownBy(() -> FieldType.parse(null)).isInstanceOf(InvalidInputException.class);
  }
}
