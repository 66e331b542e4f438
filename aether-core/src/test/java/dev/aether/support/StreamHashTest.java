package dev.aether.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import org.junit.jupiter.api.Test;

/**
 * Test vectors of the stream hash. Another language's client checks itself against this table: the hash of
 * the stream id's UTF-8 bytes (32-bit FNV-1a, unsigned), its shard among 1024 and its partition among 4.
 */
class StreamHashTest {

  /** stream id, FNV-1a 32 of its UTF-8 bytes, bucket of 1024, bucket of 4. */
  private static final Object[][] VECTORS = {
      {"", 0x811c9dc5, 453, 1},
      {"a", 0xe40c292c, 300, 0},
      {"foobar", 0xbf9cf968, 360, 0},
      {"Account/acc-42", 0x6e415037, 55, 3},
      {"order.1", 0xa37cb8be, 190, 2},
      {"Konto/M\u00fcller", 0xb0baefd6, 982, 2},
      {"\u6ce8\u6587/42", 0x124569ae, 430, 2},
      {"emoji/\uD83D\uDE00", 0x74cc21c7, 455, 3},
  };

  @Test
  void fnv1a32_matchesTheTestVectors() {
    for (Object[] vector : VECTORS) {
      assertThat(StreamHash.fnv1a32((String) vector[0])).as("%s", vector[0]).isEqualTo(vector[1]);
    }
  }

  @Test
  void bucket_isTheUnsignedHashModuloTheCount() {
    for (Object[] vector : VECTORS) {
      assertThat(StreamHash.bucket((String) vector[0], 1024)).as("%s", vector[0]).isEqualTo(vector[2]);
      assertThat(StreamHash.bucket((String) vector[0], 4)).as("%s", vector[0]).isEqualTo(vector[3]);
    }
  }

  @Test
  void bucket_ofOne_isZero() {
    assertThat(StreamHash.bucket("anything", 1)).isZero();
  }

  @Test
  void unpairedSurrogate_hashesAsAQuestionMark() {
    assertThat(StreamHash.fnv1a32("x\uD83Dy")).isEqualTo(StreamHash.fnv1a32("x?y"));
    assertThat(StreamHash.fnv1a32("x\uDE00")).isEqualTo(StreamHash.fnv1a32("x?"));
  }

  @Test
  void bucket_refusesACountBelowOne() {
    assertThatThrownBy(() -> StreamHash.bucket("a", 0)).isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("count");
  }

  @Test
  void fnv1a32_refusesNull() {
    assertThatThrownBy(() -> StreamHash.fnv1a32(null)).isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("streamId");
  }
}
