package dev.aether.server;

import dev.aether.InvalidInputException;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.NatsConnector;
import dev.aether.store.StoreUnavailableException;
import io.nats.client.Connection;

/**
 * Opens the node's one NATS connection (event store, read-model bucket, cluster) with aether-nats'
 * {@link NatsConnector} (the store's servers, credentials and TLS, reconnecting for ever, the client's events
 * logged once per outage), and turns a failure into the node's start error.
 */
final class NatsConnections {

  private NatsConnections() {}

  static Connection connect(JetStreamConfig config) {
    try {
      return NatsConnector.connect(config, "aether-node");
    } catch (StoreUnavailableException | InvalidInputException | dev.aether.nats.NatsAuthenticationException e) {
      // the connector's messages name the URLs with their passwords redacted; its causes may not
      throw new NodeStartException(JetStreamConfig.redacted(e.getMessage()), null);
    }
  }
}
