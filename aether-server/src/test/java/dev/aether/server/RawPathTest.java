package dev.aether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RawPathTest {

  @Test
  void decode_eachSegmentOnItsOwn_plusStaysAPlus() {
    assertThat(RawPath.decode("acc-1")).isEqualTo("acc-1");
    assertThat(RawPath.decode("eu%2F42")).isEqualTo("eu/42");
    assertThat(RawPath.decode("a+b%20c")).isEqualTo("a+b c");
    assertThat(RawPath.decode("caf%C3%A9")).isEqualTo("café");
  }

  @Test
  void decode_malformedEscape_400NamingThePath() {
    for (String bad : new String[] {"a%2", "a%zz", "%"}) {
      assertThatThrownBy(() -> RawPath.decode(bad)).isInstanceOfSatisfying(ApiException.class, e -> {
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.fields()).extracting(ApiException.Field::field).containsExactly("path");
        assertThat(e.fields().get(0).message()).contains(bad);
      });
    }
  }

  @Test
  void decode_bytesThatAreNotUtf8_400NamingThePath_neverAReplacementCharacter() {
    for (String bad : new String[] {"x%E9", "%FF", "a%C3", "%ED%A0%80"}) {
      assertThatThrownBy(() -> RawPath.decode(bad)).as(bad).isInstanceOfSatisfying(ApiException.class, e -> {
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.fields()).extracting(ApiException.Field::field).containsExactly("path");
      });
    }
    assertThat(RawPath.decode("%EF%BF%BD")).as("the replacement character itself, sent as UTF-8").isEqualTo("\uFFFD");
    assertThat(RawPath.decode("%F0%9F%98%80x")).isEqualTo("\uD83D\uDE00x");
  }
}
