package dev.aether.bus;

import static dev.aether.bus.TestEvents.event;
import static dev.aether.bus.TestEvents.freshNamespace;
import static dev.aether.bus.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Micrometer side of {@link LocalEventBus} metrics: names, tags and agreement with {@link BusMetrics}. */
class LocalEventBusMetricsTest {

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private LocalEventBus bus;
  private String root;

  @BeforeEach
  void openBus() {
    bus = LocalEventBus.builder().meterRegistry(registry).name("b1").build();
    root = freshNamespace();
  }

  @AfterEach
  void closeBus() {
    bus.close();
  }

  @Test
  void publishedReceivedAndErrors_areFunctionCountersTaggedByBusAndNamespace() {
    Subscription exact = bus.subscribe(root + ".orders", e -> {
      if (e.eventType().equals("Boom")) {
        throw new IllegalArgumentException("on purpose");
      }
    });
    Subscription wildcard = bus.subscribe(root + ".>", e -> {});

    bus.publish(root + ".orders", event("A"));
    bus.publish(root + ".orders", event("Boom"));
    bus.publish(root + ".invoices", event("C"));
    eventually().until(() -> exact.deliveredCount() == 2 && wildcard.deliveredCount() == 3);

    assertThat(count(BusMetrics.PUBLISHED, root + ".orders")).isEqualTo(2);
    assertThat(count(BusMetrics.PUBLISHED, root + ".invoices")).isEqualTo(1);
    assertThat(count(BusMetrics.RECEIVED, root + ".orders")).isEqualTo(2);
    assertThat(count(BusMetrics.RECEIVED, root + ".>")).isEqualTo(3);
    assertThat(registry.get(BusMetrics.ERRORS)
        .tags("bus", "b1", "namespace", root + ".orders", "kind", "handler").functionCounter().count())
        .isEqualTo(1);
    assertThat(bus.metrics().errors(root + ".orders", BusMetrics.ErrorKind.HANDLER)).isEqualTo(1);
  }

  @Test
  void activeSubscriptions_isAGaugePerPattern() {
    Subscription first = bus.subscribe(root, e -> {});
    bus.subscribe(root, e -> {});
    bus.subscribe(root + ".*", e -> {});

    assertThat(gauge(root)).isEqualTo(2);
    assertThat(gauge(root + ".*")).isEqualTo(1);

    first.unsubscribe();
    assertThat(gauge(root)).isEqualTo(1);
    assertThat(bus.metrics().activeSubscriptions(root)).isEqualTo(1);

    bus.close();
    assertThat(gauge(root)).isZero();
    assertThat(gauge(root + ".*")).isZero();
  }

  @Test
  void dropped_isACounterTaggedByPattern() {
    LocalEventBusTest.Gate gate = new LocalEventBusTest.Gate();
    try {
      SubscriptionOptions one = SubscriptionOptions.builder().queueCapacity(1).build();
      bus.subscribe(root + ".*", SubscriptionFilter.all(), one, gate);
      bus.publish(root + ".a", event("A"));
      gate.awaitEntered();

      bus.publish(root + ".a", event("B"));
      bus.publish(root + ".b", event("C"));
      bus.publish(root + ".c", event("D"));

      assertThat(count(BusMetrics.DROPPED, root + ".*")).isEqualTo(2);
      assertThat(bus.metrics().dropped(root + ".*")).isEqualTo(2);
    } finally {
      gate.open();
    }
  }

  @Test
  void refusedOperationsOnAClosedBus_areCountedAsErrorsByKind() {
    bus.close();

    try {
      bus.publish(root, event("A"));
    } catch (EventBusClosedException expected) {
      // counted below
    }
    try {
      bus.subscribe(root + ".>", e -> {});
    } catch (EventBusClosedException expected) {
      // counted below
    }

    assertThat(registry.get(BusMetrics.ERRORS).tags("namespace", root, "kind", "publish").functionCounter().count())
        .isEqualTo(1);
    assertThat(registry.get(BusMetrics.ERRORS).tags("namespace", root + ".>", "kind", "subscribe")
        .functionCounter().count()).isEqualTo(1);
  }

  @Test
  void busesSharingARegistry_withDistinctNames_keepSeparateMeters() {
    try (LocalEventBus other = LocalEventBus.builder().meterRegistry(registry).name("b2").build()) {
      bus.publish(root, event("A"));
      other.publish(root, event("A"));
      other.publish(root, event("B"));

      assertThat(count(BusMetrics.PUBLISHED, root)).isEqualTo(1);
      assertThat(registry.get(BusMetrics.PUBLISHED).tags("bus", "b2", "namespace", root).functionCounter().count())
          .isEqualTo(2);
      assertThat(other.metrics().published(root)).isEqualTo(2);
    }
  }

  @Test
  void defaultBus_hasItsOwnRegistry_andStillCounts() {
    try (LocalEventBus plain = LocalEventBus.create()) {
      plain.publish(root, event("A"));

      assertThat(plain.metrics().published(root)).isEqualTo(1);
      assertThat(registry.find(BusMetrics.PUBLISHED).tags("bus", "local").functionCounters()).isEmpty();
    }
  }

  private double count(String name, String namespace) {
    return registry.get(name).tags("bus", "b1", "namespace", namespace).functionCounter().count();
  }

  private double gauge(String pattern) {
    return registry.get(BusMetrics.ACTIVE_SUBSCRIPTIONS).tags("bus", "b1", "namespace", pattern).gauge().value();
  }
}
