package dev.aether.bench.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection written by hand on a socket: a request is a few header lines and the
 * body; the answer is read by its {@code Content-Length} (or chunks). The leanest client possible, so that the
 * suite's "raw socket" row measures the node rather than a client library sharing its cores: a request is one
 * write, the answer is read into one buffer (one read call per answer, not one per byte). One thread at a
 * time.
 */
final class RawHttpConnection implements AutoCloseable {

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final String host;
  private final byte[] buffer = new byte[16 * 1024];
  private int position;
  private int limit;

  RawHttpConnection(URI uri) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
    socket.setSoTimeout((int) ServerRig.COMMAND_TIMEOUT.toMillis());
    out = socket.getOutputStream();
    in = socket.getInputStream();
    host = uri.getHost() + ":" + uri.getPort();
  }

  /** An answer: status and body. */
  record Answer(int status, String body) {}

  Answer post(String path, String idempotencyKey, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
        + "Idempotency-Key: " + idempotencyKey + "\r\nContent-Length: " + body.length + "\r\n\r\n";
    byte[] request = Arrays.copyOf(head.getBytes(StandardCharsets.US_ASCII), head.length() + body.length);
    System.arraycopy(body, 0, request, head.length(), body.length);
    out.write(request); // one write: head and body in one segment, as a client with a buffered stream sends it
    out.flush();
    return read();
  }

  private Answer read() throws IOException {
    String status = line();
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    for (String header = line(); !header.isEmpty(); header = line()) {
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(header.substring(15).strip());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (chunked) {
      for (int size = Integer.parseInt(line().strip(), 16); size > 0; size = Integer.parseInt(line().strip(), 16)) {
        bytes(size, body);
        line();
      }
      line();
    } else if (length >= 0) {
      bytes((int) length, body);
    } else {
      throw new IOException("an answer without Content-Length or chunks cannot be read on a kept-alive connection");
    }
    return new Answer(code, body.toString(StandardCharsets.UTF_8));
  }

  /** A line of the head, without its CR LF, scanned in the buffer (no call per byte). */
  private String line() throws IOException {
    StringBuilder partial = null;
    while (true) {
      for (int i = position; i < limit; i++) {
        if (buffer[i] == '\n') {
          String line = new String(buffer, position, (i > position && buffer[i - 1] == '\r' ? i - 1 : i) - position,
              StandardCharsets.ISO_8859_1);
          position = i + 1;
          return partial == null ? line : partial.append(line).toString().replace("\r", "");
        }
      }
      partial = (partial == null ? new StringBuilder() : partial)
          .append(new String(buffer, position, limit - position, StandardCharsets.ISO_8859_1));
      fill();
    }
  }

  /** Copies {@code count} bytes of the body: those already buffered, then the rest from the socket. */
  private void bytes(int count, ByteArrayOutputStream body) throws IOException {
    while (count > 0) {
      if (position == limit) {
        fill();
      }
      int n = Math.min(count, limit - position);
      body.write(buffer, position, n);
      position += n;
      count -= n;
    }
  }

  private void fill() throws IOException {
    int n = in.read(buffer);
    if (n < 0) {
      throw new IOException("the node closed the connection");
    }
    position = 0;
    limit = n;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
