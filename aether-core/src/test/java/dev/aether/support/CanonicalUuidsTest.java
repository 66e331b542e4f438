package dev.aether.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Only the canonical lower-case form is a UUID, and it parses back to the very string. */
class CanonicalUuidsTest {

  @Test
  void canonicalUuids_parseToTheValueTheyFormat() {
    for (int i = 0; i < 10_000; i++) {
      UUID uuid = new UUID(Double.doubleToLongBits(Math.random()) * 31 + i, i * 0x9E3779B97F4A7C15L);
      assertThat(CanonicalUuids.parse(uuid.toString())).isEqualTo(uuid);
      assertThat(CanonicalUuids.parse(uuid.toString()).toString()).isEqualTo(uuid.toString());
    }
  }

  @Test
  void anyOtherString_isNone() {
    String uuid = "0193a1c4-5b2e-7c3d-9f00-1a2b3c4d5e6f";
    assertThat(CanonicalUuids.parse(uuid)).isNotNull();
    assertThat(CanonicalUuids.parse(uuid.toUpperCase())).isNull();
    assertThat(CanonicalUuids.parse(uuid.substring(1))).isNull();
    assertThat(CanonicalUuids.parse(uuid + "0")).isNull();
    assertThat(CanonicalUuids.parse("")).isNull();
    for (int i = 0; i < uuid.length(); i++) {
      for (char c : new char[] {'-', 'g', 'G', 'A', ' ', '\u00e9', '\uff10'}) {
        String changed = uuid.substring(0, i) + c + uuid.substring(i + 1);
        if (!changed.equals(uuid)) {
          assertThat(CanonicalUuids.parse(changed)).as(changed).isNull();
        }
      }
    }
  }
}
