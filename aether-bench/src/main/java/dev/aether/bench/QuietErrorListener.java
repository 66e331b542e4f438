package dev.aether.bench;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The error listener of the suites' raw jnats connections: like the store's, it reports errors through SLF4J and stays silent
 * on routine events (jnats' default listener logs every flow-control message of a consumer through
 * {@code java.util.logging}, which would slow the raw replay down). Stateless and thread-safe.
 */
public final class QuietErrorListener implements ErrorListener {

  private static final Logger LOG = LoggerFactory.getLogger("dev.aether.bench.raw");

  @Override
  public void errorOccurred(Connection conn, String error) {
    LOG.warn("NATS server error: {}", error);
  }

  @Override
  public void exceptionOccurred(Connection conn, Exception exp) {
    LOG.warn("NATS client exception: {}", exp.toString());
  }
}
