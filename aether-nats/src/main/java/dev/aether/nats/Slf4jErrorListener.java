package dev.aether.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.support.Status;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the NATS client's asynchronous errors and connection events to SLF4J instead of
 * {@code java.util.logging}, with the passwords of server URLs redacted. An outage is told twice, not at
 * every reconnect attempt: one WARN when the connection is lost (the failed attempts then at DEBUG), one INFO
 * when it is back, with how long it was down; a client exception while connected is a WARN. Before the
 * connection was first up, everything is DEBUG: a failed connect is its caller's error. Routine pull
 * statuses (a pull that expired without messages, every second for an idle consumer) are DEBUG instead of
 * jnats' default WARN on stderr. It remembers the last error or exception, for
 * {@link JetStreamEventStore#health()}. Thread-safe.
 */
final class Slf4jErrorListener implements ErrorListener, ConnectionListener {

  private static final Logger LOG = LoggerFactory.getLogger("dev.aether.nats.client");

  private volatile String lastError;
  /** {@link System#nanoTime()} when the connection was lost; 0 while connected. */
  private final AtomicLong downSince = new AtomicLong();
  /** Whether the connection was ever up: before, a failed connect is its caller's error, not a log line. */
  private volatile boolean connectedOnce;

  /** Tells the listener that its connection is up (the connect call returned): from now on a loss is news. */
  void connected() {
    connectedOnce = true;
  }

  /** @return the last server error or client exception reported, if any */
  Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  @Override
  public void errorOccurred(Connection conn, String error) {
    lastError = "server error: " + JetStreamConfig.redacted(error);
    LOG.warn("NATS server error: {}", JetStreamConfig.redacted(error));
  }

  @Override
  public void exceptionOccurred(Connection conn, Exception exp) {
    String problem = JetStreamConfig.redacted(exp.toString());
    lastError = problem;
    if (!connectedOnce || downSince.get() != 0) {
      LOG.debug("NATS connection (connecting): {}", problem); // the caller hears of it, or the outage was logged
    } else {
      LOG.warn("NATS connection: {}", problem);
    }
  }

  @Override
  public void slowConsumerDetected(Connection conn, Consumer consumer) {
    LOG.warn("NATS slow consumer: {}", consumer);
  }

  @Override
  public void messageDiscarded(Connection conn, Message msg) {
    LOG.warn("NATS client discarded a message on {}", msg.getSubject());
  }

  @Override
  public void heartbeatAlarm(Connection conn, JetStreamSubscription sub, long lastStreamSequence,
      long lastConsumerSequence) {
    LOG.debug("NATS heartbeat alarm on {} at stream sequence {}", sub.getSubject(), lastStreamSequence);
  }

  @Override
  public void unhandledStatus(Connection conn, JetStreamSubscription sub, Status status) {
    LOG.debug("NATS unhandled status {} on {}", status, sub.getSubject());
  }

  @Override
  public void pullStatusWarning(Connection conn, JetStreamSubscription sub, Status status) {
    LOG.debug("NATS pull status {}", status);
  }

  @Override
  @Deprecated
  public void connectionEvent(Connection conn, Events type) {
    connectionEvent(conn, type, null, null);
  }

  @Override
  public void connectionEvent(Connection conn, Events type, Long time, String uriDetails) {
    switch (type) {
      case CONNECTED -> {
        connectedOnce = true;
        LOG.debug("NATS connection {}", type.getEvent());
      }
      case DISCONNECTED -> {
        if (connectedOnce && downSince.compareAndSet(0, System.nanoTime())) {
          LOG.warn("NATS connection lost; reconnecting (the store answers STORE_UNAVAILABLE meanwhile)");
        }
      }
      case RECONNECTED -> {
        long since = downSince.getAndSet(0);
        if (since != 0) {
          LOG.info("NATS connection back after {} ms ({})", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since),
              uriDetails == null ? "reconnected" : JetStreamConfig.redacted(uriDetails));
        }
      }
      default -> LOG.debug("NATS connection {}", type.getEvent());
    }
  }
}
