package dev.aether.server.cli;

import java.net.URI;

/** No answer from the node at {@link #url()}: it is not running, not reachable, or the connection broke. */
final class NodeUnreachableException extends RuntimeException {

  private final transient URI url;
  private final String reason;
  private final boolean requestSent;

  /**
   * @param requestSent whether the request may have reached the node (false when no connection was made:
   *     refused, or none within the connect timeout)
   */
  NodeUnreachableException(URI url, String reason, boolean requestSent) {
    super("cannot reach the node at " + url + " (" + reason + ")", null, false, false);
    this.url = url;
    this.reason = reason;
    this.requestSent = requestSent;
  }

  URI url() {
    return url;
  }

  /** @return whether the request may have reached the node; false when no connection was made */
  boolean requestSent() {
    return requestSent;
  }

  /** @return the same failure with more words after the reason */
  NodeUnreachableException withHint(String hint) {
    return new NodeUnreachableException(url, reason + hint, requestSent);
  }
}
