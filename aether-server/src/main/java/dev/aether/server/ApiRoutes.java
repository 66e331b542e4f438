package dev.aether.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The routes of the API as the OpenAPI document ({@link OpenApiService}) declares them, which a test keeps
 * equal to the routes the services register: the methods each path takes (a request for a route with another
 * method is answered {@code 405} with an {@code Allow} header instead of {@code 404}) and the query parameters
 * each operation takes, its own and its path's (any other is refused on the {@code /v1} routes, so a typo such
 * as {@code ?frm=2} is not ignored silently; {@code $ref} parameters are not resolved: the document has none). A path
 * template's parameter matches one encoded segment (an id holding {@code %2F} stays one). {@code HEAD} is a method
 * of every path that has {@code GET}, with its query parameters, as HTTP has it: the document lists {@code GET}
 * only. Immutable; thread-safe.
 */
final class ApiRoutes {

  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
  private static final String GET = "GET";
  private static final String HEAD = "HEAD";

  /** One path: its pattern and, per method (upper case), the query parameters the operation takes. */
  private record Route(String template, Pattern path, Map<String, Set<String>> queryByMethod) {}

  private final List<Route> routes;

  private ApiRoutes(List<Route> routes) {
    this.routes = List.copyOf(routes);
  }

  /** The routes of the module's OpenAPI document. */
  static ApiRoutes fromOpenApi() {
    JsonNode paths;
    try {
      paths = Json.MAPPER.readTree(OpenApiService.load()).path("paths");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Route> routes = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      Map<String, Set<String>> queryByMethod = new HashMap<>();
      JsonNode shared = path.getValue().path("parameters"); // a path's parameters apply to all its operations
      path.getValue().fields().forEachRemaining(operation -> {
        if (METHODS.contains(operation.getKey())) {
          Set<String> query = new LinkedHashSet<>();
          for (JsonNode parameters : List.of(shared, operation.getValue().path("parameters"))) {
            for (JsonNode parameter : parameters) {
              if (parameter.path("in").asText().equals("query")) {
                query.add(parameter.path("name").asText());
              }
            }
          }
          queryByMethod.put(operation.getKey().toUpperCase(Locale.ROOT), Collections.unmodifiableSet(query));
        }
      });
      routes.add(new Route(path.getKey(), template(path.getKey()), Map.copyOf(queryByMethod)));
    }
    return new ApiRoutes(routes);
  }

  /**
   * The methods of the route a raw (still encoded) path is, if any.
   *
   * @param rawPath the request's path as sent, without the query
   * @return the methods, sorted; empty when no route has this path
   */
  Set<String> methods(String rawPath) {
    Set<String> methods = new TreeSet<>();
    for (Route route : routes) {
      if (route.path().matcher(rawPath).matches()) {
        methods.addAll(route.queryByMethod().keySet());
      }
    }
    if (methods.contains(GET)) {
      methods.add(HEAD);
    }
    return methods;
  }

  /**
   * The query parameters of an operation, if the API has it.
   *
   * @param method the request's method (upper case)
   * @param rawPath the request's path as sent, without the query
   * @return the parameters' names, in the document's order; empty when no route is this method and path
   */
  Optional<Set<String>> queryParameters(String method, String rawPath) {
    return operation(method, rawPath).map(route -> route.queryByMethod().get(documented(method)));
  }

  /**
   * The route a request is, as the document names it: what metrics tag it with (bounded, unlike raw paths).
   *
   * @param method the request's method (upper case)
   * @param rawPath the request's path as sent, without the query
   * @return the path template ({@code /v1/actors/{type}/{id}}); empty when no route is this method and path
   */
  Optional<String> template(String method, String rawPath) {
    return operation(method, rawPath).map(Route::template);
  }

  /**
   * The parameter a request left empty, when its path is a route of its method but for an empty segment
   * ({@code /v1/actors/Account//commands/Open}): the request names that route, so the answer names the blank
   * parameter rather than saying there is no such route.
   *
   * @param method the request's method (upper case)
   * @param rawPath the request's path as sent, without the query
   * @return the first empty parameter's name ({@code id}); empty when the path is no route of the method's with
   *     an empty segment, or is a route with a trailing slash ({@code /v1/readmodels/Balances/})
   */
  Optional<String> emptyParameter(String method, String rawPath) {
    if (rawPath.endsWith("/") && !methods(rawPath.substring(0, rawPath.length() - 1)).isEmpty()) {
      return Optional.empty(); // a route's path with a slash after it, not a route with its last parameter blank
    }
    String[] segments = rawPath.split("/", -1);
    for (Route route : routes) {
      if (!route.queryByMethod().containsKey(documented(method))) {
        continue;
      }
      String[] parts = route.template().split("/", -1);
      if (parts.length != segments.length) {
        continue;
      }
      String empty = null;
      boolean matches = true;
      for (int i = 0; i < parts.length && matches; i++) {
        boolean parameter = parts[i].startsWith("{");
        matches = parameter || parts[i].equals(segments[i]);
        if (parameter && segments[i].isEmpty() && empty == null) {
          empty = parts[i].substring(1, parts[i].length() - 1);
        }
      }
      if (matches && empty != null) {
        return Optional.of(empty);
      }
    }
    return Optional.empty();
  }

  /** The route that has this method ({@code HEAD}: {@code GET}) at this raw path, if any. */
  private Optional<Route> operation(String requested, String rawPath) {
    String method = documented(requested);
    for (Route route : routes) {
      if (route.queryByMethod().containsKey(method) && route.path().matcher(rawPath).matches()) {
        return Optional.of(route);
      }
    }
    return Optional.empty();
  }

  /** The method the document lists for a request's: {@code GET} for {@code HEAD}, else the same. */
  private static String documented(String method) {
    return method.equals(HEAD) ? GET : method;
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
