package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The KV encoding: every map reads back equal, and damaged bytes are refused with the typed error only. */
class ShardMapCodecProperties {

  @Property(tries = 300)
  void encodeThenDecode_givesTheSameMap(@ForAll("maps") ShardMap map) {
    byte[] encoded = map.encode();
    ShardMap decoded = ShardMap.decode(encoded);
    assertThat(decoded).isEqualTo(map);
    assertThat(decoded.encode()).isEqualTo(encoded);
  }

  @Property(tries = 1000)
  void damagedBytes_areRefusedOrReadAsAValidMap(@ForAll("maps") ShardMap map, @ForAll("damages") Damage damage,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where, @ForAll byte value) {
    byte[] damaged = damage.apply(map.encode(), where, value);
    try {
      ShardMap decoded = ShardMap.decode(damaged);
      // a damage can still be a valid map (a digit changed): then it is a canonical, consistent one
      assertThat(ShardMap.decode(decoded.encode())).isEqualTo(decoded);
      assertThat(decoded.loads().values().stream().mapToInt(Integer::intValue).sum())
          .isLessThanOrEqualTo(decoded.shards().count());
    } catch (ShardMapFormatException refused) {
      assertThat(refused.field()).isNotBlank();
    }
  }

  @Property(tries = 300)
  void randomBytes_areRefused(@ForAll byte[] bytes) {
    assertThatThrownBy(() -> ShardMap.decode(bytes)).isInstanceOf(ShardMapFormatException.class);
  }

  enum Damage {
    TRUNCATE, DROP_BYTE, FLIP_BYTE, INSERT_BYTE;

    byte[] apply(byte[] bytes, int where, byte value) {
      int at = where % bytes.length;
      return switch (this) {
        case TRUNCATE -> Arrays.copyOf(bytes, at);
        case DROP_BYTE -> concat(Arrays.copyOf(bytes, at), Arrays.copyOfRange(bytes, at + 1, bytes.length));
        case FLIP_BYTE -> {
          byte[] copy = bytes.clone();
          copy[at] = copy[at] == value ? (byte) ~value : value;
          yield copy;
        }
        case INSERT_BYTE -> concat(Arrays.copyOf(bytes, at), concat(new byte[] {value},
            Arrays.copyOfRange(bytes, at, bytes.length)));
      };
    }

    private static byte[] concat(byte[] a, byte[] b) {
      byte[] all = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, all, a.length, b.length);
      return all;
    }
  }

  @Provide
  Arbitrary<Damage> damages() {
    return Arbitraries.of(Damage.class);
  }

  /** Maps of 1 to 256 shards after a short history of member sets (small, so damage hits every part). */
  @Provide
  Arbitrary<ShardMap> maps() {
    Arbitrary<Integer> shardCounts = Arbitraries.of(1, 2, 8, 64, 256);
    Arbitrary<PlacementConfig> placements = Arbitraries.integers().between(1, 200).flatMap(v ->
        Arbitraries.integers().between(100, 300).map(cap ->
            PlacementConfig.builder().virtualNodes(v).loadCapPercent(cap).build()));
    Arbitrary<List<List<String>>> histories = Maps.members(0, 12).list().ofMinSize(0).ofMaxSize(4);
    return net.jqwik.api.Combinators.combine(shardCounts, placements, histories).as((count, placement, history) -> {
      ShardMap map = ShardMap.create(new Shards(count), placement);
      for (List<String> members : history) {
        map = map.next(members);
      }
      return map;
    });
  }
}
