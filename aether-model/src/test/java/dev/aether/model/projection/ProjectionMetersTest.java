package dev.aether.model.projection;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** A model loaded again starts a projection of the same name before the old one stops: its gauges must win. */
class ProjectionMetersTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private double lag() {
    return registry.get("aether.projection.lag").tag("projection", "Balances").gauge().value();
  }

  @Test
  void theNewerProjectionsGauges_replaceTheOlders_andCloseRemovesOnlyItsOwn() {
    ProjectionMeters first = new ProjectionMeters(registry, "Balances");
    first.progress(5, 0.5);
    assertThat(lag()).isEqualTo(5);

    ProjectionMeters second = new ProjectionMeters(registry, "Balances");
    second.progress(7, 1);
    assertThat(lag()).as("the running projection's lag").isEqualTo(7);
    first.close();
    assertThat(lag()).as("the older one's close leaves the newer one's gauges").isEqualTo(7);
    assertThat(registry.get("aether.projection.rebuild.progress").tag("projection", "Balances").gauge().value())
        .isEqualTo(1.0);

    second.close();
    assertThat(registry.find("aether.projection.lag").gauge()).isNull();
    ProjectionMeters.NONE.close(); // records nothing, removes nothing
  }
}
