package dev.aether.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The methods each route of the API takes, read from the OpenAPI document ({@link OpenApiService}), which a
 * test keeps equal to the routes the services register: so a request for a route with another method is
 * answered {@code 405} with an {@code Allow} header instead of {@code 404}. A path template's parameter matches
 * one encoded segment (an id holding {@code %2F} stays one). Immutable; thread-safe.
 */
final class AllowedMethods {

  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

  private record Route(Pattern path, Set<String> methods) {}

  private final List<Route> routes;

  private AllowedMethods(List<Route> routes) {
    this.routes = List.copyOf(routes);
  }

  /** The table of the module's OpenAPI document. */
  static AllowedMethods fromOpenApi() {
    JsonNode paths;
    try {
      paths = Json.MAPPER.readTree(OpenApiService.load()).path("paths");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Route> routes = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      Set<String> methods = new TreeSet<>();
      path.getValue().fieldNames().forEachRemaining(m -> {
        if (METHODS.contains(m)) {
          methods.add(m.toUpperCase(Locale.ROOT));
        }
      });
      routes.add(new Route(template(path.getKey()), Set.copyOf(methods)));
    }
    return new AllowedMethods(routes);
  }

  /**
   * The methods of the route a raw (still encoded) path is, if any.
   *
   * @param rawPath the request's path as sent, without the query
   * @return the methods, sorted; empty when no route has this path
   */
  Set<String> of(String rawPath) {
    Set<String> methods = new TreeSet<>();
    for (Route route : routes) {
      if (route.path().matcher(rawPath).matches()) {
        methods.addAll(route.methods());
      }
    }
    return methods;
  }

  /** {@code /v1/actors/{type}/{id}} as a pattern of encoded segments. */
  private static Pattern template(String path) {
    StringBuilder regex = new StringBuilder();
    for (String part : path.split("(?=\\{)|(?<=\\})")) {
      regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
    }
    return Pattern.compile(regex.toString());
  }
}
