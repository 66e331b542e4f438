package dev.aether.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP/1.1 connection on a raw socket, for tests that need to know which connection a request goes on (a
 * client's pool hides that): requests written as given, answers read one at a time by their {@code Content-Length}
 * or chunks.
 */
final class RawHttp implements AutoCloseable {

  /** An answer: its status, its headers (names in lower case, the last value of each) and its body. */
  record Answer(int status, Map<String, String> headers, String body) {
    Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }
  }

  private final Socket socket;
  private final InputStream in;

  RawHttp(URI node) throws IOException {
    socket = new Socket(node.getHost(), node.getPort());
    socket.setSoTimeout(10_000); // a read that waits longer fails the test
    in = socket.getInputStream();
  }

  /** Sends a request and reads its answer. */
  Answer exchange(String request) throws IOException {
    socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return read();
  }

  /** Sends a {@code GET} of a path. */
  Answer get(String path) throws IOException {
    return exchange("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
  }

  /** Sends a {@code POST} of a JSON body. */
  Answer post(String path, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    return exchange("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
        + body.length + "\r\n\r\n" + new String(body, StandardCharsets.ISO_8859_1));
  }

  /** @return whether the server closed the connection: the next read meets its end */
  boolean closedByServer() throws IOException {
    return in.read() < 0;
  }

  private Answer read() throws IOException {
    String statusLine = line();
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = line(); !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
    }
    String body;
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream chunks = new ByteArrayOutputStream();
      for (int size = Integer.parseInt(line().strip(), 16); size > 0; size = Integer.parseInt(line().strip(), 16)) {
        chunks.write(in.readNBytes(size));
        line();
      }
      line(); // after the last chunk: no trailers
      body = chunks.toString(StandardCharsets.UTF_8);
    } else {
      body = new String(in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0"))),
          StandardCharsets.UTF_8);
    }
    return new Answer(Integer.parseInt(statusLine.split(" ")[1]), headers, body);
  }

  private String line() throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("the connection ended within an answer: " + line);
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
