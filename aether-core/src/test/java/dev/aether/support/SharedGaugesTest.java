package dev.aether.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class SharedGaugesTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private Gauge gauge() {
    return registry.find("x.lag").tags("policy", "p").gauge();
  }

  private SharedGauges.Registration register(double value) {
    return SharedGauges.register(registry, "x.lag", Tags.of("policy", "p"), "lag", null, () -> value);
  }

  @Test
  void aReplacementShowsTheLatestOwner_andTheGaugeGoesWithTheLastOne() {
    SharedGauges.Registration running = register(1);
    SharedGauges.Registration next = register(2); // a model loaded again: its reactions start first
    assertThat(gauge().value()).isEqualTo(2);
    running.close(); // then the old ones stop
    assertThat(gauge().value()).isEqualTo(2);
    next.close();
    next.close();
    assertThat(gauge()).isNull();
  }

  @Test
  void aRefusedOwnerThatClosesAtOnce_leavesTheRunningOnesGauge() {
    SharedGauges.Registration running = register(1);
    register(7).close(); // a refused model's reaction: built, then closed
    assertThat(gauge()).isNotNull();
    assertThat(gauge().value()).isEqualTo(1);
    running.close();
    assertThat(gauge()).isNull();
    register(3);
    assertThat(gauge().value()).as("registered again from scratch").isEqualTo(3);
  }

  @Test
  void aGaugeOfTheSameIdRegisteredElsewhere_isReplaced() {
    Gauge.builder("x.lag", () -> 9).tags("policy", "p").register(registry);
    register(4);
    assertThat(gauge().value()).isEqualTo(4);
  }
}
