package dev.aether.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The allocation-free hash equals FNV-1a over {@code String.getBytes(UTF_8)} for every string. */
class StreamHashProperties {

  @Property(tries = 2000)
  void fnv1a32_equalsTheHashOfTheUtf8Bytes(@ForAll String streamId) {
    assertThat(StreamHash.fnv1a32(streamId)).isEqualTo(reference(streamId));
  }

  @Property(tries = 500)
  void bucket_isInRange(@ForAll String streamId, @ForAll @IntRange(min = 1, max = 100_000) int count) {
    assertThat(StreamHash.bucket(streamId, count))
        .isBetween(0, count - 1)
        .isEqualTo(Integer.remainderUnsigned(reference(streamId), count));
  }

  private static int reference(String s) {
    int hash = 0x811c9dc5;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x01000193;
    }
    return hash;
  }
}
