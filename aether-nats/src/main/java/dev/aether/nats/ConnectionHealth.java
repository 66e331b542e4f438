package dev.aether.nats;

import dev.aether.store.StoreHealth;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * The health of a store's NATS connection, read from the client's local state (no request): its status, the
 * URL it is connected to, and the last error; and the {@code aether.store.*} meters that publish it.
 *
 * <p>Status: {@code CONNECTED} as is; {@code CONNECTING}, {@code DISCONNECTED} and {@code RECONNECTING} are
 * {@link StoreHealth.Status#RECONNECTING} (the store's own connection reconnects forever); {@code CLOSED}, or
 * a closed store on an open connection, is {@link StoreHealth.Status#CLOSED}. The last error is the one the
 * store's own error listener saw last (a server error or a failed reconnect), else the last server error the
 * connection kept. Stateless and thread-safe.
 */
final class ConnectionHealth {

  /** Gauge: 1 for the connection's current state, 0 for the others (tag {@code state}). */
  static final String CONNECTION_STATE = "aether.store.connection.state";
  /** Function counter: reconnects of the connection since it was opened. */
  static final String RECONNECTS = "aether.store.reconnects";

  private ConnectionHealth() {}

  /**
   * Reads the health of a connection.
   *
   * @param connection the connection
   * @param storeClosed whether the store using it is closed
   * @param servers the configured servers, reported while not connected
   * @return the health
   */
  static StoreHealth of(Connection connection, boolean storeClosed, Collection<String> servers) {
    StoreHealth.Status status = storeClosed ? StoreHealth.Status.CLOSED : switch (connection.getStatus()) {
      case CONNECTED -> StoreHealth.Status.CONNECTED;
      case CLOSED -> StoreHealth.Status.CLOSED;
      default -> StoreHealth.Status.RECONNECTING;
    };
    String url = connection.getConnectedUrl();
    String server = JetStreamConfig.redacted(url != null && !url.isBlank() ? url : String.join(",", servers));
    return new StoreHealth(status, server, lastError(connection));
  }

  private static Optional<String> lastError(Connection connection) {
    ErrorListener listener = connection.getOptions().getErrorListener();
    Optional<String> seen = listener instanceof Slf4jErrorListener own ? own.lastError() : Optional.empty();
    return seen.or(() -> Optional.ofNullable(connection.getLastError()).filter(e -> !e.isBlank()));
  }

  /**
   * Registers a store's connection meters, tagged {@code store=jetstream} and {@code namespace}.
   *
   * @param registry the registry
   * @param store the store (held weakly by the gauges, as Micrometer does)
   * @param connection its connection
   * @param namespace the store's namespace
   */
  static void bind(MeterRegistry registry, JetStreamEventStore store, Connection connection, String namespace) {
    for (StoreHealth.Status state : StoreHealth.Status.values()) {
      Gauge.builder(CONNECTION_STATE, store, s -> s.health().status() == state ? 1 : 0)
          .description("1 for the store connection's current state, 0 for the others")
          .tags("store", "jetstream", "namespace", namespace, "state", state.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
    FunctionCounter.builder(RECONNECTS, connection, c -> c.getStatistics().getReconnects())
        .description("reconnects of the store's NATS connection")
        .tags("store", "jetstream", "namespace", namespace)
        .register(registry);
  }
}
