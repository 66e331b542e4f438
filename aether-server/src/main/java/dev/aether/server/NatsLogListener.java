package dev.aether.server;

import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.support.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node connection's NATS error listener: errors and exceptions to SLF4J at WARN, routine pull statuses (a
 * pull request that expired without messages, every second for an idle policy) at DEBUG instead of jnats'
 * default WARN on stderr.
 */
final class NatsLogListener implements ErrorListener {

  private static final Logger LOG = LoggerFactory.getLogger(NatsLogListener.class);

  @Override
  public void errorOccurred(Connection conn, String error) {
    LOG.warn("NATS server error: {}", error);
  }

  @Override
  public void exceptionOccurred(Connection conn, Exception exp) {
    LOG.warn("NATS connection: {}", AetherNode.message(exp));
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
