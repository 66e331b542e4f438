package dev.aether.server.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops the warning, with its stack trace, that the HTTP server logs when a client closes its connection in the
 * middle of a request (its headers not all sent): that is the client's business, not the node's, and anyone who
 * reaches the port could otherwise fill the log with it. Every other event passes. Used by the node's
 * logging configuration ({@code dev/aether/server/cli/node-logback.xml}); thread-safe.
 */
public final class ClientGoneFilter extends Filter<ILoggingEvent> {

  private static final String CLIENT_GONE = "io.helidon.common.buffers.DataReader$InsufficientDataAvailableException";

  /** Creates the filter (logback does, from the node's logging configuration). */
  public ClientGoneFilter() {}

  @Override
  public FilterReply decide(ILoggingEvent event) {
    for (IThrowableProxy cause = event.getThrowableProxy(); cause != null; cause = cause.getCause()) {
      if (CLIENT_GONE.equals(cause.getClassName())) {
        return FilterReply.DENY;
      }
    }
    return FilterReply.NEUTRAL;
  }
}
