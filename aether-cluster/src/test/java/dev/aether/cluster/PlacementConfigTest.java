package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import org.junit.jupiter.api.Test;

class PlacementConfigTest {

  @Test
  void defaults_are150VirtualNodesAndACapOf110Percent() {
    PlacementConfig config = PlacementConfig.defaults();
    assertThat(config.virtualNodes()).isEqualTo(150);
    assertThat(config.loadCapPercent()).isEqualTo(110);
    assertThat(config).isEqualTo(PlacementConfig.builder().build()).isEqualTo(config.toBuilder().build());
  }

  @Test
  void capacity_isTheCeilingOfTheCappedMean() {
    PlacementConfig config = PlacementConfig.defaults();
    assertThat(config.capacity(1024, 1)).isEqualTo(1127); // 1126.4
    assertThat(config.capacity(1024, 3)).isEqualTo(376); // 375.47
    assertThat(config.capacity(1024, 50)).isEqualTo(23); // 22.53
    assertThat(config.capacity(1024, 2000)).isEqualTo(1);
    assertThat(config.capacity(1000, 11)).isEqualTo(100); // exactly 100
    assertThat(PlacementConfig.builder().loadCapPercent(100).build().capacity(1024, 4)).isEqualTo(256);
  }

  @Test
  void settingsOutOfRange_areRefusedNamingTheField() {
    assertThatThrownBy(() -> PlacementConfig.builder().virtualNodes(0)).isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("virtualNodes");
    assertThatThrownBy(() -> PlacementConfig.builder().virtualNodes(1001)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> PlacementConfig.builder().loadCapPercent(99)).isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("loadCapPercent");
    assertThatThrownBy(() -> PlacementConfig.defaults().capacity(1024, 0)).isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("nodeCount");
  }
}
