package dev.aether.server;

import dev.aether.nats.JetStreamConfig;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.support.Status;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node connection's NATS listener: errors and exceptions to SLF4J at WARN (secrets of server URLs
 * redacted), routine pull statuses (a pull request that expired without messages, every second for an idle
 * policy) at DEBUG instead of jnats' default WARN on stderr. An outage is told twice, not every reconnect
 * attempt: one WARN when the connection is lost (the failed attempts then at DEBUG), one INFO when it is back,
 * with how long it was down. Thread-safe.
 */
final class NatsLogListener implements ErrorListener, ConnectionListener {

  private static final Logger LOG = LoggerFactory.getLogger(NatsLogListener.class);

  /** {@link System#nanoTime()} when the connection was lost; 0 while connected. */
  private final AtomicLong downSince = new AtomicLong();

  @Override
  public void errorOccurred(Connection conn, String error) {
    LOG.warn("NATS server error: {}", JetStreamConfig.redacted(error));
  }

  @Override
  public void exceptionOccurred(Connection conn, Exception exp) {
    String problem = JetStreamConfig.redacted(AetherNode.message(exp));
    if (downSince.get() != 0) {
      LOG.debug("NATS connection (reconnecting): {}", problem); // the outage was logged when it began
    } else {
      LOG.warn("NATS connection: {}", problem);
    }
  }

  @Override
  @Deprecated
  public void connectionEvent(Connection conn, Events type) {
    connectionEvent(conn, type, null, null);
  }

  @Override
  public void connectionEvent(Connection conn, Events type, Long time, String uriDetails) {
    switch (type) {
      case DISCONNECTED -> {
        if (downSince.compareAndSet(0, System.nanoTime())) {
          LOG.warn("NATS connection lost; reconnecting (the store answers 503 meanwhile)");
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

  @Override
  public void slowConsumerDetected(Connection conn, Consumer consumer) {
    LOG.warn("NATS slow consumer detected");
  }

  @Override
  public void pullStatusWarning(Connection conn, JetStreamSubscription sub, Status status) {
    LOG.debug("NATS pull status {}", status);
  }

  @Override
  public void messageDiscarded(Connection conn, Message msg) {
    LOG.debug("NATS message discarded on {}", msg.getSubject());
  }
}
