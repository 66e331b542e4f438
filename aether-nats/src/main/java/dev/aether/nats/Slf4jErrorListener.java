package dev.aether.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.support.Status;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the NATS client's asynchronous errors and connection events to SLF4J instead of
 * {@code java.util.logging}. Errors the store reports to its caller anyway (a timeout, a refused
 * connection) are logged at debug level only. It remembers the last error or exception, for
 * {@link JetStreamEventStore#health()}. Thread-safe (one volatile field).
 */
final class Slf4jErrorListener implements ErrorListener, ConnectionListener {

  private static final Logger LOG = LoggerFactory.getLogger("dev.aether.nats.client");

  private volatile String lastError;

  /** @return the last server error or client exception reported, if any */
  Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  @Override
  public void errorOccurred(Connection conn, String error) {
    lastError = "server error: " + error;
    LOG.warn("NATS server error: {}", error);
  }

  @Override
  public void exceptionOccurred(Connection conn, Exception exp) {
    lastError = exp.toString();
    LOG.debug("NATS client exception: {}", exp.toString());
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
  @Deprecated
  public void connectionEvent(Connection conn, Events type) {
    connectionEvent(conn, type, null, null);
  }

  @Override
  public void connectionEvent(Connection conn, Events type, Long time, String uriDetails) {
    String where = uriDetails == null ? "" : " (" + uriDetails + ")";
    if (type == Events.DISCONNECTED || type == Events.RECONNECTED) {
      LOG.info("NATS connection {}{}", type.getEvent(), where);
    } else {
      LOG.debug("NATS connection {}{}", type.getEvent(), where);
    }
  }
}
