package dev.aether.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.Bytes;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

/**
 * Answers a request of HTTP/1.0 (or another 1.x but 1.1) {@code 505 HTTP_VERSION_NOT_SUPPORTED} in the API's JSON
 * error form and closes the connection. Helidon serves HTTP/1.1 and HTTP/2 only, and with both on one port it
 * closed such a connection without a word (helidon-io/helidon#9648), so a client such as ApacheBench ({@code ab},
 * which speaks HTTP/1.0) saw an empty reply and no reason. Placed before Helidon's own selectors, it claims only a
 * request line that ends in such a version: HTTP/1.1 and HTTP/2's preface ({@code PRI * HTTP/2.0}) go on as before.
 */
final class UnsupportedHttpVersion implements ServerConnectionSelector {

  @Override
  public int bytesToIdentifyConnection() {
    return 0; // any: the request line's end decides
  }

  @Override
  public Support supports(BufferData request) {
    int lineEnd = request.indexOf(Bytes.LF_BYTE);
    if (lineEnd < 0) {
      return Support.UNKNOWN; // the line is not complete yet: the others decide (HTTP/1.1 takes it as its own)
    }
    String line = request.readString(lineEnd, StandardCharsets.ISO_8859_1); // up to its CR
    String version = line.substring(line.lastIndexOf(' ') + 1).strip();
    return version.startsWith("HTTP/1.") && !version.equals("HTTP/1.1") ? Support.SUPPORTED : Support.UNSUPPORTED;
  }

  @Override
  public Set<String> supportedApplicationProtocols() {
    return Set.of(); // never chosen by TLS's ALPN
  }

  @Override
  public ServerConnection connection(ConnectionContext context) {
    return new Refusal(context);
  }

  /** Writes the one answer; the listener closes the connection when {@link #handle(Limit)} returns. */
  private record Refusal(ConnectionContext context) implements ServerConnection {

    private static final byte[] ANSWER = answer();

    private static byte[] answer() {
      byte[] body = Json.bytes(HttpApi.error(new ApiException(505, "HTTP_VERSION_NOT_SUPPORTED",
          "this node speaks HTTP/1.1 and HTTP/2 only: send the request as HTTP/1.1 (ApacheBench, ab, sends "
              + "HTTP/1.0)")));
      String head = "HTTP/1.1 505 HTTP Version Not Supported\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
      byte[] head8 = head.getBytes(StandardCharsets.US_ASCII);
      byte[] answer = new byte[head8.length + body.length];
      System.arraycopy(head8, 0, answer, 0, head8.length);
      System.arraycopy(body, 0, answer, head8.length, body.length);
      return answer;
    }

    @Override
    public void handle(Limit limit) {
      // what the client sent so far is read, so that closing does not reset the connection before it reads this
      context.dataReader().skip(context.dataReader().available());
      context.dataWriter().writeNow(BufferData.create(ANSWER));
    }

    @Override
    public Duration idleTime() {
      return Duration.ZERO;
    }

    @Override
    public void close(boolean interrupt) {
      // nothing held: the listener closes the socket
    }
  }
}
