package dev.aether.server.cli;

import java.net.URI;

/** No answer from the node at {@link #url()}: it is not running, not reachable, or the connection broke. */
final class NodeUnreachableException extends RuntimeException {

  private final transient URI url;
  private final String reason;

  NodeUnreachableException(URI url, String reason) {
    super("cannot reach the node at " + url + " (" + reason + ")", null, false, false);
    this.url = url;
    this.reason = reason;
  }

  URI url() {
    return url;
  }

  /** @return the same failure with more words after the reason */
  NodeUnreachableException withHint(String hint) {
    return new NodeUnreachableException(url, reason + hint);
  }
}
