package dev.aether.nats.bus;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Opens NATS connections and buses ("nodes") on one server for a test and closes them all at the end.
 * Connections reconnect forever, every 50 ms, as a node's connection should. Not thread-safe.
 */
final class BusNodes implements AutoCloseable {

  private final String url;
  private final List<NatsEventBus> buses = new ArrayList<>();
  private final List<Connection> connections = new ArrayList<>();

  BusNodes(String url) {
    this.url = url;
  }

  /** Opens a connection that reconnects forever; closed by {@link #close()}. */
  Connection connect() {
    try {
      Connection connection = Nats.connect(options(url));
      connections.add(connection);
      return connection;
    } catch (IOException e) {
      throw new IllegalStateException("cannot connect to " + url, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A bus on a connection of its own, with every default; closed by {@link #close()}. */
  NatsEventBus node() {
    return node(b -> b);
  }

  /** A bus with every default on a given connection; closed by {@link #close()}. */
  NatsEventBus node(Connection connection) {
    NatsEventBus bus = NatsEventBus.create(connection);
    buses.add(bus);
    return bus;
  }

  /** A bus on a connection of its own, configured further; closed by {@link #close()}. */
  NatsEventBus node(UnaryOperator<NatsEventBus.Builder> config) {
    NatsEventBus bus = config.apply(NatsEventBus.builder().connection(connect())).build();
    buses.add(bus);
    return bus;
  }

  /** The options of a node's connection. */
  static Options options(String url) {
    return new Options.Builder()
        .server(url)
        .connectionTimeout(Duration.ofSeconds(5))
        .maxReconnects(-1)
        .reconnectWait(Duration.ofMillis(50))
        .build();
  }

  @Override
  public void close() {
    buses.forEach(NatsEventBus::close);
    for (Connection connection : connections) {
      try {
        connection.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
