package dev.aether.bench.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection written by hand on a socket: a request is a few header lines and the
 * body; the answer is read by its {@code Content-Length} (or chunks). The leanest client possible, so that the
 * suite's "raw socket" row measures the node rather than a client library sharing its cores. One thread at a
 * time.
 */
final class RawHttpConnection implements AutoCloseable {

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final String host;

  RawHttpConnection(URI uri) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
    socket.setSoTimeout((int) ServerRig.COMMAND_TIMEOUT.toMillis());
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    host = uri.getHost() + ":" + uri.getPort();
  }

  /** An answer: status and body. */
  record Answer(int status, String body) {}

  Answer post(String path, String idempotencyKey, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
        + "Idempotency-Key: " + idempotencyKey + "\r\nContent-Length: " + body.length + "\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(body);
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
        body.write(in.readNBytes(size));
        line();
      }
      line();
    } else if (length >= 0) {
      body.write(in.readNBytes((int) length));
    } else {
      throw new IOException("an answer without Content-Length or chunks cannot be read on a kept-alive connection");
    }
    return new Answer(code, body.toString(StandardCharsets.UTF_8));
  }

  private String line() throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("the node closed the connection");
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
