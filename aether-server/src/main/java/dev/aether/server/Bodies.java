package dev.aether.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Request bodies read within {@code http.max-body-bytes}: a larger one is answered 413 before it is buffered. */
final class Bodies {

  private Bodies() {}

  static byte[] read(ServerRequest req, long max) {
    if (req.headers().contains(HeaderNames.CONTENT_ENCODING)) { // HTTP/1.1 refuses it before the route: the same
      throw encoded(req.headers().get(HeaderNames.CONTENT_ENCODING).values());
    }
    long declared = req.headers().first(HeaderNames.CONTENT_LENGTH).map(Long::parseLong).orElse(-1L);
    if (declared > max) {
      throw tooLarge(declared, max);
    }
    if (!req.content().hasEntity()) {
      return new byte[0];
    }
    try (InputStream in = req.content().inputStream()) {
      // a declared length is read exactly (no 16 KiB chunk and copy per request); a chunked body up to max + 1
      byte[] bytes = in.readNBytes((int) (declared >= 0 ? declared : Math.min(Integer.MAX_VALUE - 8, max + 1)));
      if (bytes.length > max) {
        throw tooLarge(-1, max);
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NumberFormatException e) { // Helidon's chunk reader: a chunk size it cannot read
      throw ApiException.badRequest("body", "the chunked body cannot be read: a chunk size is malformed, or has a"
          + " chunk extension (;name=value), which this node does not read");
    }
  }

  /** A body sent with a {@code Content-Encoding} (gzip, br, ...): the node reads bodies as they are sent only. */
  static ApiException encoded(String coding) {
    return new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "the body is sent with Content-Encoding: " + coding
        + ", which this node does not decode: send it without Content-Encoding");
  }

  /**
   * Refuses a declared charset other than UTF-8: JSON is UTF-8 (RFC 8259), and the node reads YAML models as
   * UTF-8 too; a body in another charset would be misread, not refused.
   *
   * @param type the {@code Content-Type} as sent
   * @param what what the body is, for the message
   */
  static void requireUtf8(String type, String what) {
    for (String parameter : type.split(";")) {
      int equals = parameter.indexOf('=');
      if (equals > 0 && parameter.substring(0, equals).strip().equalsIgnoreCase("charset")) {
        String charset = parameter.substring(equals + 1).strip().replace("\"", "");
        if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
          throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "send " + what + " in UTF-8 (Content-Type said"
              + " charset=" + charset + ")");
        }
      }
    }
  }

  /**
   * Refuses a body declared as something else than JSON ({@code application/json}, {@code application/*+json},
   * any parameters): 415 naming the type given. A request without {@code Content-Type} is read as JSON; one that
   * sends it twice is 400 naming it ({@link SingleHeader}).
   */
  static void requireJson(ServerRequest req, String what) {
    String type = SingleHeader.value(req, HeaderNames.CONTENT_TYPE).orElse(null);
    if (type == null) {
      return;
    }
    int semicolon = type.indexOf(';');
    String media = (semicolon < 0 ? type : type.substring(0, semicolon)).strip().toLowerCase(java.util.Locale.ROOT);
    if (!media.equals("application/json") && !(media.startsWith("application/") && media.endsWith("+json"))) {
      throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "send " + what + " as application/json (Content-Type was \""
          + type + "\")");
    }
    requireUtf8(type, what);
  }

  private static ApiException tooLarge(long size, long max) {
    return new ApiException(413, "BODY_TOO_LARGE", "the request body" + (size >= 0 ? " (" + size + " bytes)" : "")
        + " is larger than http.max-body-bytes = " + max);
  }
}
