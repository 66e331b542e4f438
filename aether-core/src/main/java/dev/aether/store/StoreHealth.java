package dev.aether.store;

import dev.aether.support.Checks;
import java.util.Optional;

/**
 * The connection health of a store at one moment, as {@link HealthReporting#health()} reports it: for a
 * node's health endpoint and for logs.
 *
 * @param status the connection's status
 * @param server where the store is connected (a URL; {@code in-memory} for the in-memory store), or the
 *     configured servers while not connected
 * @param lastError the last error the connection reported (a server error or a failed reconnect), if any;
 *     it may be older than the current status
 */
public record StoreHealth(Status status, String server, Optional<String> lastError) {

  /** Where a store's connection stands. */
  public enum Status {
    /** Connected: reads and writes reach the server. */
    CONNECTED,
    /**
     * Not connected now, and trying again: writes are refused as unavailable (transient) until it is back.
     * Also the state before the first connection is made.
     */
    RECONNECTING,
    /** Closed for good (the store or its connection was closed): nothing reaches the server any more. */
    CLOSED
  }

  /**
   * Checks the values.
   *
   * @throws dev.aether.InvalidInputException naming {@code status}, {@code server} or {@code lastError} when
   *     null or blank
   */
  public StoreHealth {
    Checks.notNull(status, "status");
    Checks.notBlank(server, "server");
    Checks.notNull(lastError, "lastError");
  }

  /** @return whether the store is {@link Status#CONNECTED} */
  public boolean isHealthy() {
    return status == Status.CONNECTED;
  }
}
