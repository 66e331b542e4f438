package dev.aether.server;

import io.helidon.webserver.http.ServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A request path's segments as the client encoded them, each decoded on its own, so that an actor id or a
 * read-model key holding a {@code /} (sent as {@code %2F}) stays one segment.
 *
 * <p>Helidon matches routes against the decoded path, where {@code /v1/actors/Account/eu%2F42} becomes four
 * segments; so the routes with such a segment match it greedily ({@code {id:.+}}) and their handlers read
 * the segments here, passing the request on ({@code res.next()}) when its encoded shape is another route's.
 * Stateless; thread-safe.
 */
final class RawPath {

  private RawPath() {}

  /**
   * The decoded segments of a request's path after a mount prefix, when there are exactly {@code count}.
   *
   * @param req the request
   * @param prefix the mount prefix, such as {@code /v1/actors}
   * @param count how many segments the route has after the prefix
   * @return the segments, or empty when the path has another number of segments (another route's)
   * @throws ApiException (400) when a segment holds a malformed percent escape
   */
  static Optional<List<String>> segments(ServerRequest req, String prefix, int count) {
    String raw = req.path().absolute().rawPath();
    if (!raw.startsWith(prefix + "/")) {
      return Optional.empty();
    }
    String[] parts = raw.substring(prefix.length() + 1).split("/", -1);
    if (parts.length != count) {
      return Optional.empty();
    }
    List<String> segments = new ArrayList<>(count);
    for (String part : parts) {
      segments.add(decode(part));
    }
    return Optional.of(segments);
  }

  /** Percent-decodes one segment as UTF-8; a {@code +} stays a plus sign (it means a space only in queries). */
  static String decode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    try {
      return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("path", "malformed percent escape in path segment \"" + segment + "\"");
    }
  }
}
