package dev.aether.testkit.bus;

import dev.aether.bus.EventBus;
import dev.aether.bus.LocalEventBus;

/**
 * Runs the {@link EventBusContractTest} against {@link LocalEventBus}. Its specific behaviour (queues,
 * overflow policies, delivery threads, relay, builder) is tested in aether-core's {@code LocalEventBusTest}.
 */
class LocalEventBusContractTest extends EventBusContractTest {

  @Override
  protected EventBus newBus() {
    return LocalEventBus.create();
  }
}
