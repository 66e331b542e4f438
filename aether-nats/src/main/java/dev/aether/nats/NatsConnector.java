package dev.aether.nats;

import dev.aether.InvalidInputException;
import dev.aether.store.StoreUnavailableException;
import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Opens the NATS connection a {@link JetStreamEventStore} owns, and turns connect failures into Aether's
 * errors: an unreachable server into a {@link StoreUnavailableException} naming the URLs, refused
 * credentials into a {@link NatsAuthenticationException}. Stateless and thread-safe.
 *
 * <p>The connection reconnects forever, waiting {@link #RECONNECT_WAIT} between attempts; while it is
 * disconnected the store refuses writes with a {@link StoreUnavailableException} instead of buffering them.
 */
final class NatsConnector {

  /** The connection name the server shows for the store's connections. */
  static final String CONNECTION_NAME = "aether-event-store";
  /** The pause between reconnect attempts. */
  static final Duration RECONNECT_WAIT = Duration.ofMillis(500);

  private NatsConnector() {}

  /** Connects as configured. */
  static Connection connect(JetStreamConfig config) {
    if (config.credentials() instanceof NatsCredentials.CredsFile file) {
      checkCredsFile(file.file());
    }
    Options options = options(config);
    try {
      return Nats.connect(options);
    } catch (AuthenticationException e) {
      throw new NatsAuthenticationException("NATS server " + config.servers() + " refused the store's "
          + describe(config.credentials()) + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new StoreUnavailableException("cannot connect to NATS server " + config.servers() + " within "
          + config.connectTimeout().toMillis() + " ms: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted while connecting to " + config.servers(), e);
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new StoreUnavailableException("cannot connect to NATS server " + config.servers() + ": "
          + e.getMessage(), e);
    }
  }

  /** The client options of a configuration. */
  static Options options(JetStreamConfig config) {
    Slf4jErrorListener listener = new Slf4jErrorListener();
    Options.Builder builder = new Options.Builder()
        .servers(config.servers().toArray(String[]::new))
        .connectionName(CONNECTION_NAME)
        .connectionTimeout(config.connectTimeout())
        .maxReconnects(-1)
        .reconnectWait(RECONNECT_WAIT)
        .errorListener(listener)
        .connectionListener(listener);
    credentials(builder, config.credentials());
    if (config.tls()) {
      builder.sslContext(config.sslContext().orElseGet(NatsConnector::defaultSslContext));
    }
    return builder.build();
  }

  private static void credentials(Options.Builder builder, NatsCredentials credentials) {
    switch (credentials) {
      case NatsCredentials.None none -> { }
      case NatsCredentials.UserPassword up -> builder.userInfo(up.user(), up.password());
      case NatsCredentials.Token token -> builder.token(token.token().toCharArray());
      case NatsCredentials.CredsFile file -> builder.authHandler(Nats.credentials(file.file().toString()));
    }
  }

  /** Refuses a credentials file that cannot be read or holds no NKey seed, before connecting. */
  private static void checkCredsFile(Path file) {
    if (!Files.isReadable(file)) {
      throw new InvalidInputException("credentials.file", "is not a readable file: " + file);
    }
    try {
      Nats.credentials(file.toString()).getID();
    } catch (IllegalStateException e) {
      throw new InvalidInputException("credentials.file", "holds no valid NKey seed: " + file, e);
    }
  }

  private static String describe(NatsCredentials credentials) {
    return switch (credentials) {
      case NatsCredentials.None none -> "connection without credentials";
      case NatsCredentials.UserPassword up -> "user/password credentials for user \"" + up.user() + "\"";
      case NatsCredentials.Token token -> "token";
      case NatsCredentials.CredsFile file -> "credentials file " + file.file();
    };
  }

  private static SSLContext defaultSslContext() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new StoreUnavailableException("the JVM has no default TLS context", e);
    }
  }
}
