package dev.aether.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Test helpers: node id sets and maps. */
final class Maps {

  private Maps() {}

  static ShardMap empty() {
    return ShardMap.create(Shards.defaults(), PlacementConfig.defaults());
  }

  static Arbitrary<String> nodeIds() {
    return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        .ofMinLength(1).ofMaxLength(12);
  }

  static Arbitrary<List<String>> members(int min, int max) {
    return nodeIds().list().uniqueElements().ofMinSize(min).ofMaxSize(max);
  }

  static List<String> shuffled(List<String> members, long seed) {
    List<String> copy = new ArrayList<>(members);
    Collections.shuffle(copy, new java.util.Random(seed));
    return copy;
  }

  static int capacity(ShardMap map) {
    return map.placement().capacity(map.shards().count(), map.members().size());
  }
}
