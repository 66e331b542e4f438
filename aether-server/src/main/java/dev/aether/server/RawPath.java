package dev.aether.server;

import io.helidon.common.uri.UriValidator;
import io.helidon.webserver.http.ServerRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A request path's segments as the client encoded them, each decoded on its own, so that an actor id or a
 * read-model key holding a {@code /} (sent as {@code %2F}) stays one segment.
 *
 * <p>Helidon matches routes against the decoded path, where {@code /v1/actors/Account/eu%2F42} becomes four
 * segments; so the routes with such a segment match it greedily ({@code {id:}}{@link #ANY}{@code }}) and their
 * handlers read the segments here, passing the request on ({@code res.next()}) when its encoded shape is another
 * route's. Stateless; thread-safe.
 */
final class RawPath {

  /**
   * The pattern of a route segment that may span several decoded segments and hold any character: {@code .+}
   * would stop at a line break ({@code %0A}, {@code %0D}), which an actor id may hold.
   */
  static final String ANY = "[\\s\\S]+";

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

  /**
   * Percent-decodes one segment as UTF-8; a {@code +} stays a plus sign (it means a space only in queries).
   * Bytes that are not UTF-8 are refused, not replaced: two different paths must never name one actor.
   *
   * @throws ApiException (400, field {@code path}) on a malformed escape or bytes that are not UTF-8
   */
  static String decode(String segment) {
    return decode(segment, "path", "path segment");
  }

  /**
   * The refusal of a raw query's first malformed escape ({@code %zz}), escaped bytes that are not UTF-8, or
   * character a URI's query may not hold unescaped (RFC 3986: a control character, a space, {@code "}, {@code <},
   * ...), naming the parameter: as in a path, a value is never read with replacement characters. (Helidon's own
   * check of the query is off, {@link HttpApi}, so that this one names the parameter; it refuses what Helidon's
   * refused.)
   *
   * @param rawQuery the query as sent, without {@code ?}; may be null
   * @return the refusal, empty when every name and value decodes
   */
  static Optional<ApiException> queryProblem(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty() || rawQuery.indexOf('%') < 0 && validQuery(rawQuery)) {
      return Optional.empty(); // most requests: nothing to decode, no character to refuse
    }
    for (String pair : rawQuery.split("&")) {
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      try {
        String field = decode(name, "query", "query parameter name");
        decode(equals < 0 ? "" : pair.substring(equals + 1), field, "query parameter " + field);
        validQuery(pair, field);
      } catch (ApiException refused) {
        return Optional.of(refused);
      }
    }
    return Optional.empty();
  }

  private static boolean validQuery(String rawQuery) {
    try {
      UriValidator.validateQuery(rawQuery);
      return true;
    } catch (IllegalArgumentException e) {
      return false; // named by the check of each parameter
    }
  }

  private static void validQuery(String pair, String field) {
    try {
      UriValidator.validateQuery(pair);
    } catch (IllegalArgumentException e) { // Helidon's message quotes the character, escaped
      throw ApiException.badRequest(field, "query parameter " + field + " holds a character a URI query must"
          + " percent-encode (" + e.getMessage() + ")");
    }
  }

  private static String decode(String segment, String field, String what) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    ByteBuffer bytes = ByteBuffer.allocate(segment.length() * 3);
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c != '%') {
        bytes.put(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        continue;
      }
      int high = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
      int low = high < 0 ? -1 : Character.digit(segment.charAt(i + 2), 16);
      if (low < 0) {
        throw ApiException.badRequest(field, "malformed percent escape in " + what + " \"" + segment + "\"");
      }
      bytes.put((byte) (high << 4 | low));
      i += 2;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes.flip()).toString();
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest(field, what + " \"" + segment + "\" is not UTF-8 once decoded");
    }
  }
}
