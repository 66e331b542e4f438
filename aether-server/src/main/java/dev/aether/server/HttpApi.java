package dev.aether.server;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.common.uri.UriValidator;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The node's HTTP server: Helidon SE 4 (a virtual thread per request; HTTP/1.1 and HTTP/2 on one port, h2c
 * upgrade or prior knowledge, with {@code helidon-webserver-http2} on the class path), one service per resource,
 * the bearer token filter, and one error handler that writes every failure through {@link ErrorTable} as JSON. A
 * route that does not exist is {@code 404 NOT_FOUND} in the same JSON form, a route asked with another method
 * {@code 405 METHOD_NOT_ALLOWED} with {@code Allow}, and a request Helidon cannot read {@code 400 INVALID_INPUT}.
 * Every {@code GET} route also answers {@code HEAD} ({@link HeadRequests}), every answer to a {@code HEAD} without
 * a body.
 */
final class HttpApi {

  private static final io.helidon.http.HeaderName RETRY_AFTER = HeaderNames.create("Retry-After");

  /** The methods of RFC 9110 and PATCH: the values of the {@code method} tag, besides {@code other}. */
  private static final Set<String> STANDARD_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT",
      "OPTIONS", "TRACE", "PATCH");

  /** The longest request line read (Helidon's {@code max-prologue-length}). */
  private static final int MAX_REQUEST_LINE = 64 * 1024;

  private HttpApi() {}

  static WebServer server(NodeConfig config, NodeServices node) {
    // Helidon closes a connection without a word when a first read of over max-prologue-length (4 KiB) holds
    // no line end: a request line of 8 KiB and more got no answer at all. With 64 KiB such a request is read
    // and refused in JSON like any other (an id too long); a longer one may still be closed without a word.
    // Helidon's check of the query (validatePrologue) refuses a malformed escape before any route, with a 400
    // that cannot name the parameter (its direct handler is given the path only): the query is checked by
    // refuseUnknownQuery instead, as strictly (RawPath.queryProblem), naming it.
    Http1Config http1 = Http1Config.builder().maxPrologueLength(MAX_REQUEST_LINE).validatePrologue(false).build();
    return WebServer.builder()
        .host(config.httpHost())
        .port(config.httpPort())
        .shutdownGracePeriod(Duration.ofSeconds(5))
        .shutdownHook(false) // the node stops it, first of all, when it closes (AetherNode.close)
        // An HTTP/2 answer is several writes (HEADERS, DATA frames): with Nagle's algorithm on (Helidon's default)
        // the second waits for the client's delayed ACK, about 40 ms on Linux, per answer.
        .connectionOptions(socket -> socket.tcpNoDelay(true))
        .addProtocol(http1)
        .addConnectionSelector(new UnsupportedHttpVersion()) // HTTP/1.0: 505 in JSON, not a silent close
        // HTTP/1.1 as Helidon's own selector serves it (which it then never sees), with the h2c upgrade checking the
        // client's HTTP2-Settings: a bad one is a 400 in JSON, not Helidon's empty 500
        .addConnectionSelector(Http1ConnectionSelector.builder().config(http1).addUpgrader(new H2cUpgrade()).build())
        .directHandlers(handlers -> handlers.addHandler(DirectHandler.EventType.BAD_REQUEST, HttpApi::unreadable))
        .routing(routing -> routing(routing, config, node))
        .build();
  }

  /**
   * A request Helidon refuses before any route sees it (a malformed escape in the path, a header too large): the
   * same JSON error as every other answer, {@code INVALID_INPUT} naming {@code path} or {@code request}, instead
   * of Helidon's empty 400. The connection is closed, as Helidon does for such a request.
   */
  private static DirectHandler.TransportResponse unreadable(DirectHandler.TransportRequest req,
      DirectHandler.EventType type, Status status, ServerResponseHeaders headers, String message) {
    // Helidon's own message is not echoed: for some failures it is an exception's text, not meant for clients
    String why = "the request cannot be read (its request line, headers or body framing are malformed, or too"
        + " large)";
    // Helidon's message does not say which part it refused: each part is checked again, in the order Helidon reads
    // them (the path, an h2c upgrade's settings, then a Content-Encoding, which HTTP/1.1 refuses before the route)
    ApiException refused = pathProblem(req.path()).or(() -> H2cUpgrade.refusal(req.headers()))
        .or(() -> req.headers().first(HeaderNames.CONTENT_ENCODING).map(Bodies::encoded))
        .orElseGet(() -> new ApiException(status.code(), "INVALID_INPUT", "request: " + why,
            List.of(new ApiException.Field("request", why))));
    return DirectHandler.TransportResponse.builder().status(Status.create(refused.status())).headers(headers)
        .header(HeaderNames.CONTENT_TYPE, "application/json").keepAlive(false).entity(Json.bytes(error(refused)))
        .build();
  }

  /** The refusal of a path's malformed escape, when that is what is wrong with it. */
  private static Optional<ApiException> pathProblem(String rawPath) {
    String path = rawPath == null ? "" : rawPath;
    int query = path.indexOf('?');
    for (String segment : (query < 0 ? path : path.substring(0, query)).split("/")) {
      try {
        RawPath.decode(segment);
      } catch (ApiException refused) {
        return Optional.of(refused);
      }
    }
    return Optional.empty(); // the query is not given to this handler: refuseUnknownQuery checks it
  }

  /** A service and the path it is registered under. */
  record Mount(String prefix, HttpService service) {}

  /** Every resource's service, one per resource; the OpenAPI test reads the routes they register. */
  static java.util.List<Mount> mounts(NodeServices node) {
    ActorService actors = new ActorService(node);
    return java.util.List.of(
        new Mount(ActorService.PREFIX, actors),
        new Mount(ActorService.PREFIX, new EventStreamService(node, actors)),
        new Mount(ReadModelService.PREFIX, new ReadModelService(node)),
        new Mount(DeadLetterService.PREFIX, new DeadLetterService(node)),
        new Mount("/v1/reactions", new ReactionsService(node)),
        new Mount("/v1/model", new ModelService(node)),
        new Mount("/v1/cluster", new ClusterService(node)),
        new Mount("/health", new HealthService(node)),
        new Mount("/metrics", new MetricsService(node)),
        new Mount("/openapi.json", new OpenApiService()));
  }

  static void routing(HttpRouting.Builder routing, NodeConfig config, NodeServices node) {
    ApiRoutes routes = ApiRoutes.fromOpenApi();
    routing.addFilter((chain, req, res) -> closeWhenAsked(node, chain, req, res)); // outermost: whatever answered
    routing.addFilter((chain, req, res) -> count(routes, node.registry(), chain, req, res)); // sees all
    Cors.of(config.corsOrigins()).ifPresent(cors -> routing.addFilter(cors::filter)); // preflights before the token
    config.authToken().ifPresent(token -> routing.addFilter(
        (chain, req, res) -> authenticate(token.getBytes(StandardCharsets.UTF_8), chain, req, res)));
    routing.addFilter((chain, req, res) -> refuseUnknownQuery(routes, chain, req, res));
    for (Mount mount : mounts(node)) {
      routing.register(mount.prefix(), HeadRequests.withHead(mount.service())); // HEAD wherever GET works
    }
    routing.any((req, res) -> noRoute(routes, req, res))
        .error(Throwable.class, HttpApi::fail);
  }

  /**
   * Closes an HTTP/1.1 connection once answered when the request said {@code Connection: close}, or when the node
   * drains ({@link AetherNode#close()}): the answer then says {@code Connection: close} (decided as it is sent, so an
   * answer that took long and ends in the drain says it too), and the client opens its next connection elsewhere
   * instead of sending on one the node closes under it when its listener stops. Helidon 4.5.0 answers with that
   * header and then waits for another request on the connection (helidon-io/helidon#12324, fixed in releases not
   * served to this build), so the connection is closed here; a client reading to the end of the stream would hang.
   * An answer whose headers went out before the drain (an event stream that ends in it) closes its connection too
   * once complete. An error answer (a handler's exception, answered by {@link #fail} outside the filters) says it
   * too, and the client closes the connection (RFC 9112 9.6); the node closes it when its listener stops. HTTP/2 has no
   * {@code Connection} header, and Helidon gives a handler no way to send a GOAWAY: its connections are served
   * through the drain and closed as the listener stops.
   */
  private static void closeWhenAsked(NodeServices node, FilterChain chain, RoutingRequest req, RoutingResponse res) {
    if (!req.prologue().protocolVersion().startsWith("1.")) { // HTTP/2 has no Connection header
      chain.proceed();
      return;
    }
    boolean asked = req.headers().contains(HeaderNames.CONNECTION) // options: any case, a list
        && req.headers().all(HeaderNames.CONNECTION, List::of).stream()
            .flatMap(value -> Arrays.stream(value.split(",")))
            .anyMatch(option -> option.strip().equalsIgnoreCase("close"));
    AtomicBoolean closing = new AtomicBoolean(asked);
    AtomicBoolean stream = new AtomicBoolean();
    res.beforeSend(() -> {
      if (closing.get() || node.isStopping()) {
        closing.set(true);
        res.header(HeaderValues.CONNECTION_CLOSE);
      } else {
        stream.set(res.headers().first(HeaderNames.CONTENT_TYPE)
            .filter(type -> type.startsWith(MediaTypes.TEXT_EVENT_STREAM.text())).isPresent());
      }
    });
    chain.proceed();
    // an answer that said Connection: close; or an event stream begun before the drain that ended in it (its client
    // reconnects anyway). Not any other answer sent without the header just before the drain began: its client
    // may already be sending its next request on the connection (found by CI: NodeDrainTest's kept connection
    // closed under its next request when the drain began right after an answer was sent)
    if (closing.get() || (stream.get() && node.isStopping())) {
      throw new CloseConnectionException(asked ? "the client asked to close the connection"
          : "the node is stopping: the connection is closed once answered");
    }
  }

  /**
   * Counts every answer in {@code aether.http.requests}, tagged {@code method}, {@code route} (the OpenAPI path
   * template, {@code other} for none: a 404) and {@code status}: the 400s, 401s and 413s no other meter sees.
   */
  private static void count(ApiRoutes routes, MeterRegistry registry, FilterChain chain, RoutingRequest req,
      RoutingResponse res) {
    try {
      chain.proceed();
    } finally {
      String sent = req.prologue().method().text();
      // a method name is the client's to make up: counted as "other" unless standard, so that no client can add
      // time series (and memory) one made-up name at a time
      String method = STANDARD_METHODS.contains(sent) ? sent : "other";
      Counter.builder("aether.http.requests").description("HTTP requests answered, by route and status")
          .tags("method", method, "route", routes.template(sent, req.path().absolute().rawPath()).orElse("other"),
              "status", Integer.toString(res.status().code()))
          .register(registry).increment();
    }
  }

  /**
   * A query parameter an API operation does not take, or one given twice, is refused (400 naming it) before the
   * route runs; health and metrics, which probes and scrapers may call with parameters of their own, are left
   * alone.
   */
  private static void refuseUnknownQuery(ApiRoutes routes, FilterChain chain, RoutingRequest req,
      RoutingResponse res) {
    // Helidon would read %E9 as a replacement character; %zz and a fragment it no longer checks (server())
    Optional<ApiException> undecodable = RawPath.queryProblem(req.query().rawValue()).or(() -> fragmentProblem(req));
    if (undecodable.isPresent()) {
      Json.send(HeadRequests.answerOf(req, res), 400, error(undecodable.get()));
      return;
    }
    Set<String> names = new TreeSet<>(req.query().names());
    names.remove(""); // a trailing or doubled '&' (?from=2&), as generated URLs have: no parameter
    if (!names.isEmpty() && req.path().absolute().rawPath().startsWith("/v1/")) {
      Optional<Set<String>> known = routes.queryParameters(req.prologue().method().text(),
          req.path().absolute().rawPath());
      Optional<String> unknown = known.flatMap(k -> names.stream().filter(n -> !k.contains(n)).sorted().findFirst());
      if (unknown.isPresent()) {
        Json.send(HeadRequests.answerOf(req, res), 400, error(ApiException.badRequest(unknown.get(),
            "unknown query parameter (this route takes "
            + (known.get().isEmpty() ? "none" : String.join(", ", known.get())) + ")")));
        return;
      }
      // as a repeated header is: which of the values was meant is not for the node to guess (on a route: no route
      // stays a 404 or 405)
      Optional<String> repeated = known.flatMap(k -> names.stream().filter(n -> req.query().all(n).size() > 1)
          .sorted().findFirst());
      if (repeated.isPresent()) {
        Json.send(HeadRequests.answerOf(req, res), 400, error(ApiException.badRequest(repeated.get(),
            "query parameter given " + req.query().all(repeated.get()).size() + " times; give it once")));
        return;
      }
    }
    chain.proceed();
  }

  /** A fragment (never sent by browsers; the node reads none) holding what a URI's fragment may not: 400. */
  private static Optional<ApiException> fragmentProblem(RoutingRequest req) {
    if (!req.prologue().fragment().hasValue()) {
      return Optional.empty();
    }
    try {
      UriValidator.validateFragment(req.prologue().fragment().rawValue());
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(ApiException.badRequest("path", "the fragment holds a character a URI must percent-encode ("
          + e.getMessage() + ")"));
    }
  }

  /** No route took the request: 405 with {@code Allow} when its path is a route of other methods, else 404. */
  private static void noRoute(ApiRoutes routes, ServerRequest req, ServerResponse res) {
    String method = req.prologue().method().text();
    String named = HeadRequests.isHead(req) ? "GET" : method; // a HEAD's Content-Length is its GET's
    Set<String> methods = routes.methods(req.path().absolute().rawPath());
    String path = req.path().absolute().rawPath(); // as sent: a decoded path may hold line breaks
    Optional<String> empty = routes.emptyParameter(method, path);
    if (empty.isPresent()) { // a route's path with an empty segment: the parameter is blank, as %20 would be
      Json.send(HeadRequests.answerOf(req, res), 400, error(ApiException.badRequest(empty.get(),
          "must not be blank (its path segment is empty)")));
      return;
    }
    if (methods.isEmpty() || methods.contains(method)) {
      Json.send(HeadRequests.answerOf(req, res), 404, error(new ApiException(404, "NOT_FOUND", "no route " + named
          + " " + path)));
      return;
    }
    res.header(HeaderNames.ALLOW, String.join(", ", methods));
    Json.send(HeadRequests.answerOf(req, res), 405, error(new ApiException(405, "METHOD_NOT_ALLOWED", named
        + " is not a method of " + path + " (it takes " + String.join(", ", methods) + ")")));
  }

  private static void fail(ServerRequest req, ServerResponse res, Throwable e) {
    ApiException api = ErrorTable.of(e);
    if (!res.isSent()) {
      if (api.status() == 429 || api.status() == 503) {
        res.header(RETRY_AFTER, "1"); // overloaded or unavailable for now: a client may try again in a second
      }
      Json.send(HeadRequests.answerOf(req, res), api.status(), error(api));
    }
  }

  static java.util.Map<String, Object> error(ApiException e) {
    java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("error", e.code());
    body.put("message", e.getMessage());
    if (!e.fields().isEmpty()) {
      body.put("fields", e.fields());
    }
    return body;
  }

  /**
   * Requires {@code Authorization: Bearer <token>} on everything but {@code /health}; constant-time compare. The
   * header sent twice is refused ({@code 400 INVALID_INPUT}), whatever the two say.
   */
  private static void authenticate(byte[] token, FilterChain chain, RoutingRequest req, RoutingResponse res) {
    String path = req.path().path();
    if (path.equals("/health") || path.startsWith("/health/")) {
      chain.proceed();
      return;
    }
    List<String> sent = req.headers().all(HeaderNames.AUTHORIZATION, List::of);
    if (sent.size() > 1) { // two credentials: which one counts is ambiguous (RFC 9110 allows one), so neither
      Json.send(HeadRequests.answerOf(req, res), 400, error(ApiException.badRequest("Authorization",
          "sent more than once (" + sent.size() + " times): send one Bearer token")));
      return;
    }
    Optional<String> header = sent.stream().findFirst();
    byte[] given = header.filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
        .map(h -> h.substring(7).strip().getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
    if (MessageDigest.isEqual(given, token)) {
      chain.proceed();
      return;
    }
    res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
    Json.send(HeadRequests.answerOf(req, res), 401, error(new ApiException(401, "UNAUTHORIZED", header.isEmpty()
        ? "this node requires Authorization: Bearer <token>" : "the bearer token is wrong")));
  }
}
