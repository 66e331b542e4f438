package dev.aether.nats.bus;

import dev.aether.bus.EventBus;
import dev.aether.testkit.bus.EventBusContractTest;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.nats.client.Nats;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;

/**
 * Runs the {@link EventBusContractTest} against one {@link NatsEventBus} that publishes and subscribes on one
 * node: local delivery must behave exactly as the local bus, and the echo of each event from the server must
 * be ignored (every exact-count assertion of the suite would see a duplicate otherwise). Each bus owns a fresh
 * connection, so nothing in flight crosses from one test to the next.
 */
@NatsTest
class NatsEventBusContractIT extends EventBusContractTest {

  private static String url;

  @BeforeAll
  static void server(NatsServer server) {
    url = server.url();
  }

  @Override
  protected EventBus newBus() {
    return ownedBus(url);
  }

  /** A bus of its own node, owning its connection. */
  static NatsEventBus ownedBus(String url) {
    try {
      return NatsEventBus.builder().connection(Nats.connect(BusNodes.options(url))).ownsConnection(true).build();
    } catch (IOException e) {
      throw new IllegalStateException("cannot connect to " + url, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
