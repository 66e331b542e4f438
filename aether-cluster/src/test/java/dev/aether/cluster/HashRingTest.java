package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashRingTest {

  @Test
  void nodes_areSortedAndChecked() {
    HashRing ring = HashRing.of(List.of("c", "a", "b"), PlacementConfig.defaults());
    assertThat(ring.nodes()).containsExactly("a", "b", "c");
    assertThatThrownBy(() -> HashRing.of(List.of("a", "a"), PlacementConfig.defaults()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("twice")
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("nodes");
    for (String bad : new String[] {"", "a.b", "a b", "n*", "x".repeat(65), "\u00e9"}) {
      assertThatThrownBy(() -> HashRing.of(List.of(bad), PlacementConfig.defaults()))
          .as(bad).isInstanceOf(InvalidInputException.class);
    }
  }

  @Test
  void anEmptyRing_hasNoFirstChoice() {
    assertThat(HashRing.of(List.of(), PlacementConfig.defaults()).firstChoice(0)).isEmpty();
  }

  @Test
  void points_followThePublishedDefinition() {
    // vectors for another implementation: SplitMix64's finaliser and FNV-1a 64
    // SplitMix64 seeded with 0: its first output is mix(0x9e3779b97f4a7c15) = 0xe220a8397b1dcdaf
    assertThat(HashRing.mix(0x9e3779b97f4a7c15L)).isEqualTo(0xe220a8397b1dcdafL);
    assertThat(HashRing.fnv1a64("a")).isEqualTo(0xaf63dc4c8601ec8cL);
    assertThat(HashRing.fnv1a64("foobar")).isEqualTo(0x85944171f73967e8L);
    assertThat(HashRing.shardPoint(0)).isEqualTo(HashRing.mix(0x5348415244L + 0x9e3779b97f4a7c15L));
  }

  @Test
  void firstChoice_isStableForAGivenRing() {
    // a regression vector: changing the ring's points would move every cluster's shards
    HashRing ring = HashRing.of(List.of("node-a", "node-b", "node-c"), PlacementConfig.defaults());
    StringBuilder choices = new StringBuilder();
    for (int s = 0; s < 12; s++) {
      choices.append(ring.firstChoice(s).orElseThrow().charAt(5));
    }
    assertThat(choices.toString()).isEqualTo(FIRST_CHOICES);
  }

  private static final String FIRST_CHOICES = "aababccaacab";
}
