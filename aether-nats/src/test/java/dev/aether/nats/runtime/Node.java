package dev.aether.nats.runtime;

import dev.aether.bus.EventStoredFeed;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.nats.bus.NatsEventBus;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeConfig;
import dev.aether.store.EventStoredListener;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;

/**
 * One node of a test: its own NATS connection, event bus, JetStream store and runtime, as a separate process
 * would have. With the feed on, its store publishes {@code EventStored} notices on its bus and its runtime
 * listens to everyone's. Closed in reverse order.
 */
final class Node implements AutoCloseable {

  final Connection connection;
  final NatsEventBus bus;
  final CountingStore store;
  final Runtime runtime;

  private Node(Connection connection, NatsEventBus bus, CountingStore store, Runtime runtime) {
    this.connection = connection;
    this.bus = bus;
    this.store = store;
    this.runtime = runtime;
  }

  /** Starts a node on the store namespace of {@code config}, with or without the EventStored feed. */
  static Node start(String url, JetStreamConfig config, RuntimeConfig runtimeConfig, boolean feed) {
    Connection connection = connect(url);
    NatsEventBus bus = NatsEventBus.create(connection);
    String namespace = config.namespace();
    EventStoredListener listener = feed ? EventStoredFeed.publisher(bus, namespace) : EventStoredListener.NONE;
    CountingStore store = new CountingStore(JetStreamEventStore.create(connection, config, listener));
    Runtime.Builder builder = Runtime.builder().eventStore(store).behavior(Bank.behavior()).config(runtimeConfig);
    Runtime runtime = (feed ? builder.eventStoredFeed(bus, namespace) : builder).build();
    runtime.start();
    return new Node(connection, bus, store, runtime);
  }

  /** The bus namespace the notices travel on. */
  static String feedOf(JetStreamConfig config) {
    return EventStoredFeed.namespaceOf(config.namespace());
  }

  private static Connection connect(String url) {
    try {
      return Nats.connect(new Options.Builder().server(url).connectionTimeout(Duration.ofSeconds(5))
          .maxReconnects(-1).reconnectWait(Duration.ofMillis(50)).build());
    } catch (IOException e) {
      throw new IllegalStateException("cannot connect to " + url, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    runtime.close();
    store.close();
    bus.close();
    connection.close();
  }
}
