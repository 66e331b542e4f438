package dev.aether.server;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Cross-origin requests from the browser origins of {@code http.cors-origins}: a preflight ({@code OPTIONS} with
 * {@code Access-Control-Request-Method}) is answered {@code 204} with the methods and request headers the API takes,
 * before the token check (a browser sends no credentials on it); every other request from such an origin gets
 * {@code Access-Control-Allow-Origin} and the API's own response headers exposed, its errors too. A request from
 * another origin, or without {@code Origin}, is served without CORS headers (the browser then keeps the answer
 * from the page). Written here rather than with Helidon's CORS module: these few headers did not need its
 * configuration system and service registry. Immutable and thread-safe.
 */
final class Cors {

  private static final HeaderName ALLOW_ORIGIN = HeaderNames.create("Access-Control-Allow-Origin");
  private static final HeaderName ALLOW_METHODS = HeaderNames.create("Access-Control-Allow-Methods");
  private static final HeaderName ALLOW_HEADERS = HeaderNames.create("Access-Control-Allow-Headers");
  private static final HeaderName EXPOSE_HEADERS = HeaderNames.create("Access-Control-Expose-Headers");
  private static final HeaderName MAX_AGE = HeaderNames.create("Access-Control-Max-Age");
  private static final HeaderName REQUEST_METHOD = HeaderNames.create("Access-Control-Request-Method");

  /** What the API's routes take and answer (docs/http.md). */
  static final String METHODS = "GET, HEAD, POST, PUT, DELETE";
  static final String REQUEST_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Correlation-Id, "
      + "X-Aether-Timeout, Last-Event-ID";
  static final String RESPONSE_HEADERS = "Idempotency-Key, Retry-After, Allow, WWW-Authenticate";
  /** How long a browser may keep a preflight's answer: ten minutes. */
  static final String PREFLIGHT_SECONDS = "600";

  private final Set<String> origins;
  private final boolean any;

  private Cors(List<String> origins) {
    this.any = origins.contains("*");
    this.origins = Set.copyOf(origins);
  }

  /** @return the filter of these origins, none when there are none */
  static Optional<Cors> of(List<String> origins) {
    return origins.isEmpty() ? Optional.empty() : Optional.of(new Cors(origins));
  }

  void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    if (!any) { // the answer differs by origin, also for those not allowed: caches must keep them apart
      res.header(HeaderNames.VARY, "Origin");
    }
    Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
    if (origin.isEmpty() || !(any || origins.contains(origin.get()))) {
      chain.proceed();
      return;
    }
    res.header(ALLOW_ORIGIN, any ? "*" : origin.get());
    if (req.prologue().method().text().equals("OPTIONS") && req.headers().contains(REQUEST_METHOD)) {
      res.header(ALLOW_METHODS, METHODS).header(ALLOW_HEADERS, REQUEST_HEADERS).header(MAX_AGE, PREFLIGHT_SECONDS);
      res.status(204).send();
      return;
    }
    res.header(EXPOSE_HEADERS, RESPONSE_HEADERS);
    chain.proceed();
  }
}
