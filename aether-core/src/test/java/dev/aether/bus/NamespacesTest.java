package dev.aether.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NamespacesTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "tenant-a", "prod.orders", "prod.orders.eu-west_1", "A.b.C", "_", "-", "0.1.2"})
  void validateNamespace_acceptsTokensOfLettersDigitsUnderscoreAndDash(String namespace) {
    assertThat(Namespaces.validateNamespace(namespace)).isEqualTo(namespace);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "prod.orders", "*", ">", "prod.*", "prod.>", "*.orders", "*.*.>", "a.*.b.>"})
  void validatePattern_acceptsNamespacesAndWholeTokenWildcards(String pattern) {
    assertThat(Namespaces.validatePattern(pattern)).isEqualTo(pattern);
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
  @CsvSource(delimiter = '|', value = {
      "''          | must not be blank",
      "'   '       | must not be blank",
      "a..b        | must not contain an empty token",
      ".a          | must not start with '.'",
      "a.          | must not end with '.'",
      ".           | must not start with '.'",
      "'a b'       | must not contain whitespace",
      "'a\tb'      | must not contain whitespace",
      "'a.b '      | must not contain whitespace",
      "a*          | must not contain the wildcard '*'",
      "prod.*      | must not contain the wildcard '*'",
      "prod.>      | must not contain the wildcard '>'",
      "a#b         | illegal character '#'",
      "a/b         | illegal character '/'",
      "caf\u00e9   | illegal character U+00E9",
  })
  void validateNamespace_refusesWithFieldAndProblem(String namespace, String problem) {
    assertThatThrownBy(() -> Namespaces.validateNamespace(namespace))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("namespace"))
        .hasMessageStartingWith("namespace: ")
        .hasMessageContaining(problem);
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
  @CsvSource(delimiter = '|', value = {
      "''          | must not be blank",
      "a..b        | must not contain an empty token",
      "a..>        | must not contain an empty token",
      ".*          | must not start with '.'",
      "a.*.        | must not end with '.'",
      "a.>.        | the wildcard '>' must be the last token",
      "a.>.b       | the wildcard '>' must be the last token",
      ">.a         | the wildcard '>' must be the last token",
      "a.>.>       | the wildcard '>' must be the last token",
      "a*          | the wildcard '*' must be a whole token, found in token 'a*'",
      "prod.*x     | the wildcard '*' must be a whole token",
      "**          | the wildcard '*' must be a whole token",
      "a>          | the wildcard '>' must be a whole token",
      "'a .>'      | must not contain whitespace",
      "'prod.* '   | must not contain whitespace",
      "a.#         | illegal character '#'",
  })
  void validatePattern_refusesWithFieldAndProblem(String pattern, String problem) {
    assertThatThrownBy(() -> Namespaces.validatePattern(pattern))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("pattern"))
        .hasMessageStartingWith("pattern: ")
        .hasMessageContaining(problem);
  }

  @Test
  void null_isRefusedNamingTheField() {
    assertThatThrownBy(() -> Namespaces.validateNamespace(null))
        .isInstanceOf(InvalidInputException.class).hasMessage("namespace: must not be null");
    assertThatThrownBy(() -> Namespaces.validatePattern(null))
        .isInstanceOf(InvalidInputException.class).hasMessage("pattern: must not be null");
  }

  @Test
  void controlCharacters_areRefusedAndEscapedInTheMessage() {
    assertThatThrownBy(() -> Namespaces.validateNamespace("a\u0000b"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("must not contain control characters (at index 1)")
        .hasMessageContaining("\"a\\u0000b\"");
  }

  @Test
  void noBreakSpace_countsAsWhitespace() {
    assertThatThrownBy(() -> Namespaces.validateNamespace("a\u00a0b"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("must not contain whitespace");
  }

  @Test
  void refusal_quotesTheValueAndCutsLongOnes() {
    String longName = "a".repeat(200) + "..b";
    assertThatThrownBy(() -> Namespaces.validateNamespace(longName))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"" + "a".repeat(80) + "...\"");
  }

  @Test
  void firstProblem_fromTheLeft_isReported() {
    assertThatThrownBy(() -> Namespaces.validatePattern("a..b c"))
        .hasMessageContaining("must not contain an empty token ('..' at index 1)");
    assertThatThrownBy(() -> Namespaces.validatePattern("a b..c"))
        .hasMessageContaining("must not contain whitespace (at index 1)");
  }
}
