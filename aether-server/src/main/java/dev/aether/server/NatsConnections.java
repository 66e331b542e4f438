package dev.aether.server;

import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.NatsCredentials;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Opens the node's one NATS connection (event store, read-model bucket, cluster) from the store's
 * configuration: its servers, credentials and TLS, reconnecting for ever.
 */
final class NatsConnections {

  private NatsConnections() {}

  static Connection connect(JetStreamConfig config) {
    Options.Builder builder = new Options.Builder().servers(config.servers().toArray(String[]::new))
        .connectionName("aether-node").connectionTimeout(config.connectTimeout()).maxReconnects(-1)
        .reconnectWait(Duration.ofMillis(250));
    NatsLogListener listener = new NatsLogListener();
    builder.errorListener(listener).connectionListener(listener);
    switch (config.credentials()) {
      case NatsCredentials.None none -> { }
      case NatsCredentials.UserPassword up -> builder.userInfo(up.user(), up.password());
      case NatsCredentials.Token token -> builder.token(token.token().toCharArray());
      case NatsCredentials.CredsFile file -> builder.authHandler(Nats.credentials(file.file().toString()));
    }
    if (config.tls()) {
      builder.sslContext(config.sslContext().orElseGet(NatsConnections::defaultSsl));
    }
    try {
      return Nats.connect(builder.build());
    } catch (IOException e) {
      // no cause: the client's exception names the URLs as given, secrets included
      throw new NodeStartException(JetStreamConfig.redacted("cannot connect to NATS at "
          + String.join(",", config.servers()) + ": " + AetherNode.message(e)), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeStartException("interrupted while connecting to NATS", e);
    }
  }

  private static SSLContext defaultSsl() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new NodeStartException("the JVM has no default TLS context", e);
    }
  }
}
