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
}
