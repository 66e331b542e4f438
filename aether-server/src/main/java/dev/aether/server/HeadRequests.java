package dev.aether.server;

import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRoute;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Arrays;

/**
 * {@code HEAD} wherever {@code GET} works (HTTP requires it; load balancers probe with it): every {@code GET} route
 * a service registers also takes {@code HEAD}, answered by the same handler with the same status and headers
 * ({@code Content-Length} the length of the body a {@code GET} gets) and no body. Helidon writes whatever body a
 * handler sends, to a {@code HEAD} too, where it would be read as the start of the connection's next answer: so
 * every answer to a {@code HEAD}, errors included, goes through {@link #answerOf}. Stateless; thread-safe.
 */
final class HeadRequests {

  private HeadRequests() {}

  /** @return the service, its every {@code GET} route also registered for {@code HEAD} */
  static HttpService withHead(HttpService service) {
    return rules -> service.routing(new HeadAddingRules(rules));
  }

  /** @return whether the request is a {@code HEAD} */
  static boolean isHead(ServerRequest req) {
    return req.prologue().method() == Method.HEAD;
  }

  /** @return where to write the answer to a request: for a {@code HEAD}, a response that sends no body */
  static ServerResponse answerOf(ServerRequest req, ServerResponse res) {
    return isHead(req) && !(res instanceof BodilessResponse) ? new BodilessResponse(res) : res;
  }

  /** A route's handler for {@code HEAD}: the {@code GET} handler, writing to a response that sends no body. */
  private static Handler bodiless(Handler get) {
    return (req, res) -> get.handle(req, answerOf(req, res));
  }

  /** The rules a service registers with, adding a {@code HEAD} route beside each {@code GET} route. */
  private record HeadAddingRules(HttpRules rules) implements HttpRules {

    @Override
    public HttpRules register(HttpService... services) {
      rules.register(services);
      return this;
    }

    @Override
    public HttpRules register(String path, HttpService... services) {
      rules.register(path, services);
      return this;
    }

    @Override
    public HttpRules route(HttpRoute route) {
      rules.route(route);
      return this;
    }

    @Override
    public HttpRules get(String pathPattern, Handler... handlers) {
      rules.get(pathPattern, handlers);
      rules.head(pathPattern, Arrays.stream(handlers).map(HeadRequests::bodiless).toArray(Handler[]::new));
      return this;
    }

    @Override
    public HttpRules get(Handler... handlers) {
      rules.get(handlers);
      rules.head(Arrays.stream(handlers).map(HeadRequests::bodiless).toArray(Handler[]::new));
      return this;
    }
  }
}
