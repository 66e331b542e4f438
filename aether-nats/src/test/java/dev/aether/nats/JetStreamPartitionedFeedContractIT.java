package dev.aether.nats;

import dev.aether.testkit.nats.NatsTest;
import dev.aether.testkit.store.EventFeedContractTest;

/**
 * Runs the {@link EventFeedContractTest} against a {@link JetStreamEventStore} whose namespace is spread over
 * three partition streams: every reader and shared group then reads three consumers at once.
 */
@NatsTest
class JetStreamPartitionedFeedContractIT extends JetStreamEventFeedContractIT {

  @Override
  protected int partitions() {
    return 3;
  }
}
