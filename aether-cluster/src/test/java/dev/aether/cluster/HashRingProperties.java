package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The ring depends on the member set only, and a join moves shards only to the joiner. */
class HashRingProperties {

  @Property(tries = 200)
  void theRing_dependsOnTheSetOfNodes_notTheirOrder(@ForAll("members") List<String> nodes, @ForAll long seed) {
    HashRing one = HashRing.of(nodes, PlacementConfig.defaults());
    HashRing other = HashRing.of(Maps.shuffled(nodes, seed), PlacementConfig.defaults());
    for (int s = 0; s < 1024; s++) {
      assertThat(other.firstChoice(s)).isEqualTo(one.firstChoice(s));
    }
  }

  @Property(tries = 100)
  void aJoiner_takesFirstChoicesOnlyFromOthers_neverShufflesTheRest(@ForAll("members") List<String> nodes,
      @ForAll("joiner") String joiner, @ForAll @IntRange(min = 1, max = 300) int virtualNodes) {
    if (nodes.contains(joiner)) {
      return;
    }
    PlacementConfig config = PlacementConfig.builder().virtualNodes(virtualNodes).build();
    HashRing before = HashRing.of(nodes, config);
    HashRing after = HashRing.of(concat(nodes, joiner), config);
    for (int s = 0; s < 1024; s++) {
      String choice = after.firstChoice(s).orElseThrow();
      assertThat(choice).isIn(joiner, before.firstChoice(s).orElseThrow());
    }
  }

  @Provide
  Arbitrary<List<String>> members() {
    return Maps.members(1, 50);
  }

  @Provide
  Arbitrary<String> joiner() {
    return Maps.nodeIds();
  }

  private static List<String> concat(List<String> nodes, String node) {
    List<String> all = new java.util.ArrayList<>(nodes);
    all.add(node);
    return all;
  }
}
