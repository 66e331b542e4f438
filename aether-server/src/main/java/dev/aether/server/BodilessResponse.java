package dev.aether.server;

import io.helidon.common.GenericType;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.Header;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.ServerResponseTrailers;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http.spi.Sink;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * The answer to a {@code HEAD} ({@link HeadRequests}): the status and headers a handler sets, {@code Content-Length}
 * the length of the body it sends, and no body. Helidon keeps a {@code Content-Length} that is set and sends the
 * empty entity. A handler that would stream (an output stream, an SSE sink) checks {@link HeadRequests#isHead}
 * first; here they are refused. Used by one request's thread, as the response it wraps.
 */
final class BodilessResponse implements ServerResponse {

  private final ServerResponse response;

  BodilessResponse(ServerResponse response) {
    this.response = response;
  }

  @Override
  public void send(byte[] bytes) {
    send(bytes, 0, bytes.length);
  }

  @Override
  public void send(byte[] bytes, int position, int length) {
    response.headers().contentLength(length);
    response.send();
  }

  @Override
  public void send(Object entity) {
    switch (entity) {
      case byte[] bytes -> send(bytes);
      case String text -> send(text.getBytes(StandardCharsets.UTF_8));
      default -> throw new IllegalStateException("a HEAD answer is sent from bytes or text, not from a "
          + entity.getClass().getSimpleName());
    }
  }

  @Override
  public void send() {
    response.send();
  }

  @Override
  public OutputStream outputStream() {
    throw new IllegalStateException("a HEAD answer has no body to stream");
  }

  @Override
  public <T extends Sink<?>> T sink(GenericType<T> sinkType) {
    throw new IllegalStateException("a HEAD answer has no stream");
  }

  @Override
  public void streamFilter(UnaryOperator<OutputStream> filterFunction) {
    throw new IllegalStateException("a HEAD answer has no body to stream");
  }

  @Override
  public ServerResponse status(Status status) {
    response.status(status);
    return this;
  }

  @Override
  public Status status() {
    return response.status();
  }

  @Override
  public ServerResponse header(Header header) {
    response.header(header);
    return this;
  }

  @Override
  public boolean isSent() {
    return response.isSent();
  }

  @Override
  public long bytesWritten() {
    return response.bytesWritten();
  }

  @Override
  public ServerResponse whenSent(Runnable listener) {
    response.whenSent(listener);
    return this;
  }

  @Override
  public ServerResponse reroute(String newPath) {
    response.reroute(newPath);
    return this;
  }

  @Override
  public ServerResponse reroute(String path, UriQuery query) {
    response.reroute(path, query);
    return this;
  }

  @Override
  public ServerResponse next() {
    response.next();
    return this;
  }

  @Override
  public ServerResponseHeaders headers() {
    return response.headers();
  }

  @Override
  public ServerResponseTrailers trailers() {
    return response.trailers();
  }

  @Override
  public void streamResult(String result) {
    response.streamResult(result);
  }
}
