package dev.aether.server;

import io.helidon.http.HeaderName;
import io.helidon.webserver.http.ServerRequest;
import java.util.List;
import java.util.Optional;

/**
 * A request header that may be sent once only ({@code Idempotency-Key}, {@code X-Correlation-Id},
 * {@code X-Aether-Timeout}, {@code Content-Type}, {@code Last-Event-ID}): sent twice, it is refused rather than
 * read as its first line, so that two keys never name one command. Stateless; thread-safe.
 */
final class SingleHeader {

  private SingleHeader() {}

  /**
   * The value of a header sent at most once.
   *
   * @param req the request
   * @param name the header
   * @return its value, empty when it was not sent
   * @throws ApiException {@code 400 INVALID_INPUT} naming the header when it was sent more than once
   */
  static Optional<String> value(ServerRequest req, HeaderName name) {
    List<String> values = req.headers().all(name, List::of);
    if (values.size() > 1) {
      throw ApiException.badRequest(name.defaultCase(), "sent more than once (" + values.size() + " times): send"
          + " it once");
    }
    return values.stream().findFirst();
  }
}
