package dev.aether.nats.bus;

import dev.aether.bus.EventBus;
import dev.aether.testkit.bus.EventBusContractTest;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import org.junit.jupiter.api.BeforeAll;

/**
 * Runs the {@link EventBusContractTest} across two nodes: the suite subscribes on one {@link NatsEventBus}
 * and publishes its delivery tests on another, with its own connection and node id. So routing, wildcards,
 * filters, order, handler failures, unsubscribing and the exact JSON round trip of an event are checked
 * across NATS, including that overlapping patterns on one node each get an event once.
 */
@NatsTest
class NatsEventBusRemoteContractIT extends EventBusContractTest {

  private static String url;

  @BeforeAll
  static void server(NatsServer server) {
    url = server.url();
  }

  @Override
  protected EventBus newBus() {
    return NatsEventBusContractIT.ownedBus(url);
  }

  @Override
  protected EventBus newPublisher(EventBus bus) {
    return NatsEventBusContractIT.ownedBus(url);
  }
}
