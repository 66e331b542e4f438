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
 * Opens the NATS connections of Aether (the one a {@link JetStreamEventStore} owns, a node's), and turns
 * connect failures into Aether's errors: an unreachable server into a {@link StoreUnavailableException} naming
 * the URLs (passwords redacted), refused credentials into a {@link NatsAuthenticationException}, an unreadable
 * credentials file into an {@link InvalidInputException}. The client's events go to SLF4J through one
 * listener (an outage is one WARN and one INFO). Stateless and thread-safe.
 *
 * <p>The connection reconnects forever, waiting {@link #RECONNECT_WAIT} between attempts; while it is
 * disconnected the store refuses writes with a {@link StoreUnavailableException} instead of buffering them. It
 * pings every {@link #PING_INTERVAL}, so a server that stops answering (frozen) is left within seconds.
 */
public final class NatsConnector {

  /** The connection name the server shows for the store's connections. */
  static final String CONNECTION_NAME = "aether-event-store";
  /** The pause between reconnect attempts. */
  static final Duration RECONNECT_WAIT = Duration.ofMillis(500);
  /**
   * How often the client pings its server. With jnats' two unanswered pings allowed, a server that holds the
   * connection but answers nothing (frozen, hung) is left within about three intervals for another server of the
   * cluster, or reconnected to when it runs again; jnats' default (2 minutes) left a node on a hung server of a
   * 3-server cluster for all that time.
   */
  static final Duration PING_INTERVAL = Duration.ofSeconds(2);

  private NatsConnector() {}

  /** Connects as configured, as the event store's connection. */
  static Connection connect(JetStreamConfig config) {
    return connect(config, CONNECTION_NAME);
  }

  /**
   * Connects as configured: the configuration's servers, credentials and TLS, reconnecting for ever.
   *
   * @param config the store's configuration
   * @param connectionName the name the server shows for the connection
   * @return the connection
   * @throws StoreUnavailableException when no server can be reached in the connect timeout (the URLs named,
   *     passwords redacted)
   * @throws NatsAuthenticationException when the server refuses the credentials
   * @throws InvalidInputException naming {@code credentials.file} when the credentials file cannot be used
   */
  public static Connection connect(JetStreamConfig config, String connectionName) {
    if (config.credentials() instanceof NatsCredentials.CredsFile file) {
      checkCredsFile(file.file());
    }
    Options options = options(config, connectionName);
    String servers = JetStreamConfig.redacted(String.valueOf(config.servers()));
    try {
      Connection connection = Nats.connect(options);
      ((Slf4jErrorListener) options.getErrorListener()).connected(); // not only told by the CONNECTED event
      return connection;
    } catch (AuthenticationException e) {
      throw new NatsAuthenticationException("NATS server " + servers + " refused the store's "
          + describe(config.credentials()) + ": " + e.getMessage(), e);
    } catch (IOException e) {
      // no cause: the client's exception names the URLs as given, secrets included
      throw new StoreUnavailableException("cannot connect to NATS server " + servers + " within "
          + config.connectTimeout().toMillis() + " ms: " + redacted(e), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted while connecting to " + servers, e);
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new StoreUnavailableException("cannot connect to NATS server " + servers + ": " + redacted(e), null);
    }
  }

  /** The client options of a configuration. */
  static Options options(JetStreamConfig config, String connectionName) {
    Slf4jErrorListener listener = new Slf4jErrorListener();
    Options.Builder builder = new Options.Builder()
        .servers(config.servers().toArray(String[]::new))
        .connectionName(connectionName)
        .connectionTimeout(config.connectTimeout())
        .maxReconnects(-1)
        .reconnectWait(RECONNECT_WAIT)
        .pingInterval(PING_INTERVAL)
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

  /** An exception's message with the passwords of the URLs it may quote redacted. */
  private static String redacted(Exception e) {
    return JetStreamConfig.redacted(String.valueOf(e.getMessage()));
  }

  private static SSLContext defaultSslContext() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new StoreUnavailableException("the JVM has no default TLS context", e);
    }
  }
}
