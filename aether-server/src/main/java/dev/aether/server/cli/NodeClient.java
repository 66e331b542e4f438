package dev.aether.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The CLI's one HTTP client of a node's API ({@code java.net.http}, no other dependency): builds the
 * {@code /v1/...} URLs with every path segment encoded, adds the bearer token, sends no header value that is not
 * printable ASCII ({@link HeaderValue}: the JDK would send it changed), and turns "nobody answers"
 * into a {@link NodeUnreachableException} naming the URL. Answers of every status are returned as they are;
 * the commands decide what an error status means. Thread-safe (the JDK client is).
 */
final class NodeClient {

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final URI base;
  private final String prefix;
  private final Optional<String> token;
  private final HttpClient http;

  NodeClient(URI base, Optional<String> token) {
    this.base = base;
    this.prefix = base.toString().replaceAll("/+$", "");
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  /** One answer of the node: its status, its body as text, and the headers the CLI reads. */
  record Answer(int status, String body, Map<String, List<String>> headers) {

    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /** One Server-Sent Event: its {@code id:} (empty when the event had none) and its {@code data:}. */
  record SseEvent(String id, String event, String data) {}

  /** @return the URL of the node */
  URI base() {
    return base;
  }

  /** @return the path {@code /v1/<segments...>} with every segment percent-encoded */
  static String path(String... segments) {
    StringBuilder b = new StringBuilder("/v1");
    for (String s : segments) {
      b.append('/').append(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return b.toString();
  }

  Answer get(String pathAndQuery) {
    return send(request(pathAndQuery).GET().build());
  }

  Answer post(String path, String body, Map<String, String> headers, Duration timeout) {
    HttpRequest.Builder r = request(path).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json").timeout(timeout);
    headers.forEach((name, value) -> header(r, name, value));
    return send(r.build());
  }

  Answer delete(String path) {
    return send(request(path).DELETE().build());
  }

  Answer put(String path, String body, String contentType) {
    return send(request(path).PUT(HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", contentType).build());
  }

  /**
   * Follows a Server-Sent Events stream until it ends or the calling thread is interrupted, handing each
   * event to {@code onEvent} in order.
   *
   * @return the answer when the node refused the stream (not 2xx); empty when a stream ran and ended
   */
  Optional<Answer> stream(String path, Optional<String> lastEventId, Consumer<SseEvent> onEvent) {
    HttpRequest.Builder r = request(path).GET().header("Accept", "text/event-stream");
    lastEventId.ifPresent(id -> header(r, "Last-Event-ID", id));
    HttpResponse<InputStream> response = exchange(r.build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = response.body()) {
      if (response.statusCode() / 100 != 2) {
        String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return Optional.of(new Answer(response.statusCode(), body, response.headers().map()));
      }
      SseReader.read(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), onEvent);
      return Optional.empty();
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted()) {
        return Optional.empty();
      }
      throw new NodeUnreachableException(base, "the event stream broke: " + describe(e), true);
    }
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(prefix + pathAndQuery))
        .header("Accept", "application/json");
    token.ifPresent(t -> r.header("Authorization", "Bearer " + t)); // checked where it was read (AetherCli)
    return r;
  }

  /** Adds a header whose value was checked ({@link HeaderValue}); one that was not is refused, never mangled. */
  private static void header(HttpRequest.Builder r, String name, String value) {
    HeaderValue.guard(name, value);
    r.header(name, value);
  }

  private Answer send(HttpRequest request) {
    HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.body(), response.headers().map());
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeUnreachableException(base, "interrupted", true);
    } catch (IOException e) {
      throw new NodeUnreachableException(base, describe(e), !neverConnected(e));
    }
  }

  /** Whether no connection was made (refused, or none in time), so the request never left this process. */
  static boolean neverConnected(IOException e) {
    return e instanceof HttpConnectTimeoutException || refused(e);
  }

  /** A short cause for people: "connection refused", "connect timed out after 5s", else the JDK's text. */
  static String describe(IOException e) {
    if (e instanceof HttpConnectTimeoutException) {
      return "no connection within " + CONNECT_TIMEOUT.toSeconds() + "s";
    }
    if (e instanceof HttpTimeoutException) {
      return "no answer in time";
    }
    if (refused(e)) {
      return "connection refused";
    }
    Throwable t = e;
    while (t.getCause() != null && t.getMessage() == null) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  /** Whether the connection was refused: a {@link ConnectException} anywhere in the causes. */
  private static boolean refused(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }
}
