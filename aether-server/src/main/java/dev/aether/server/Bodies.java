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
  }

  private static ApiException tooLarge(long size, long max) {
    return new ApiException(413, "BODY_TOO_LARGE", "the request body" + (size >= 0 ? " (" + size + " bytes)" : "")
        + " is larger than http.max-body-bytes = " + max);
  }
}
