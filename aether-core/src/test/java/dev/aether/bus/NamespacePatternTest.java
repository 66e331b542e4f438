package dev.aether.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamespacePatternTest {

  @ParameterizedTest(name = "[{index}] {0} ~ {1} = {2}")
  @CsvSource({
      "prod.orders,   prod.orders,     true",
      "prod.orders,   prod.orders.eu,  false",
      "prod.orders,   prod,            false",
      "prod.orders,   prod.order,      false",
      "prod,          production,      false",
      "prod.*,        prod.orders,     true",
      "prod.*,        prod,            false",
      "prod.*,        prod.orders.eu,  false",
      "prod.*,        dev.orders,      false",
      "prod.>,        prod.orders,     true",
      "prod.>,        prod.orders.eu,  true",
      "prod.>,        prod,            false",
      "prod.>,        production.x,    false",
      "*,             tenant-a,        true",
      "*,             prod.orders,     false",
      ">,             tenant-a,        true",
      ">,             a.b.c.d,         true",
      "*.orders,      prod.orders,     true",
      "*.orders,      prod.invoices,   false",
      "*.*,           a.b,             true",
      "*.*,           a,               false",
      "*.>,           a,               false",
      "*.>,           a.b,             true",
      "a.*.c.>,       a.b.c.d.e,       true",
      "a.*.c.>,       a.b.c,           false",
      "Prod.*,        prod.x,          false",
  })
  void matches_followsNatsSubjectSemantics(String pattern, String namespace, boolean expected) {
    assertThat(NamespacePattern.parse(pattern).matches(namespace)).isEqualTo(expected);
  }

  @Test
  void isWildcard_isTrueOnlyWithAWildcardToken() {
    assertThat(NamespacePattern.parse("prod.orders").isWildcard()).isFalse();
    assertThat(NamespacePattern.parse("prod.*").isWildcard()).isTrue();
    assertThat(NamespacePattern.parse("prod.>").isWildcard()).isTrue();
    assertThat(NamespacePattern.parse(">").isWildcard()).isTrue();
  }

  @Test
  void parse_refusesBadPatternsNamingThePatternField() {
    assertThatThrownBy(() -> NamespacePattern.parse("a.>.b"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("pattern"));
  }

  @Test
  void patternsWithEqualText_areEqual() {
    assertThat(NamespacePattern.parse("a.*")).isEqualTo(NamespacePattern.parse("a.*"))
        .hasSameHashCodeAs(NamespacePattern.parse("a.*"))
        .isNotEqualTo(NamespacePattern.parse("a.>"))
        .hasToString("a.*");
    assertThat(NamespacePattern.parse("a.*").value()).isEqualTo("a.*");
  }

  @Test
  void matches_refusesNull() {
    assertThatThrownBy(() -> NamespacePattern.parse("a").matches(null))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("name"));
  }

  @ParameterizedTest(name = "[{index}] {0} ~ {1} = {2}")
  @CsvSource({
      "order.*,        order.42,            true",
      "order.*,        order.42.line-1,     false",
      "order.>,        order.42.line-1,     true",
      "order.>,        order,               false",
      "*,              order-42,            true",
      "*,              order.42,            false",
      ">,              anything.at.all,     true",
      "order-42,       order-42,            true",
      "order-42,       order-43,            false",
      "tenant@x.*,     tenant@x.user/7,     true",
      "*.*,            a..b,                false",
      "*.*.*,          a..b,                true",
      "a.>,            a.,                  true",
      "a.*,            a.*,                 true",
      "a.*,            a.b,                 true",
  })
  void actorPatterns_matchStreamIdsSplitOnDots(String pattern, String streamId, boolean expected) {
    assertThat(NamespacePattern.parseActorPattern(pattern).matches(streamId)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
  @CsvSource(delimiter = '|', value = {
      "order-*     | the wildcard '*' must be a whole token",
      "order.>.x   | the wildcard '>' must be the last token",
      "order..x    | must not contain an empty token",
      ".order      | must not start with '.'",
      "'order 42'  | must not contain whitespace",
      "'   '       | must not be blank",
  })
  void parseActorPattern_refusesNamingTheActorPatternField(String pattern, String problem) {
    assertThatThrownBy(() -> NamespacePattern.parseActorPattern(pattern))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("actorPattern"))
        .hasMessageContaining(problem);
  }

  @Test
  void parseActorPattern_acceptsCharactersThatNamespacesRefuse() {
    assertThat(NamespacePattern.parseActorPattern("tenant@x.user/7#\u00e9").matches("tenant@x.user/7#\u00e9"))
        .isTrue();
  }
}
