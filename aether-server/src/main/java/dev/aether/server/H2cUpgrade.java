package dev.aether.server;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.DirectTransportRequest;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.http2.Http2Config;
import io.helidon.webserver.http2.Http2Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Helidon's upgrade of an HTTP/1.1 connection to HTTP/2 ({@code Upgrade: h2c}) with the client's
 * {@code HTTP2-Settings} checked first. Helidon decodes the header inside its upgrade, and a value it cannot read
 * (not base64url, not whole 6-byte settings, a setting out of its range) failed there as an internal error: a 500
 * with an empty body. Here such a value is refused {@code 400 INVALID_INPUT} naming {@code HTTP2-Settings}, in the
 * API's JSON form ({@link #refusal}, written by {@link HttpApi}'s handler of requests refused before routing), and
 * the connection is closed. A request without the header, or with it twice, is not upgraded (RFC 7540 3.2.1: the
 * server must not) and is answered over HTTP/1.1; Helidon failed it with a 500 too. Stateless; thread-safe.
 */
final class H2cUpgrade implements Http1Upgrader {

  static final HeaderName SETTINGS = HeaderNames.create("HTTP2-Settings");

  private static final int SETTING_BYTES = 6;
  private static final int ENABLE_PUSH = 0x2;
  private static final int INITIAL_WINDOW_SIZE = 0x4;
  private static final int MAX_FRAME_SIZE = 0x5;
  private static final long MAX_WINDOW = Integer.MAX_VALUE;
  private static final long MIN_FRAME = 16_384;
  private static final long MAX_FRAME = 16_777_215;

  private final Http1Upgrader helidon = Http2Upgrader.create(Http2Config.create());

  @Override
  public String supportedProtocol() {
    return "h2c";
  }

  @Override
  public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
    List<String> values = headers.all(SETTINGS, List::of);
    if (values.size() != 1) {
      return null; // not upgraded: answered over HTTP/1.1
    }
    Optional<String> problem = problem(values.get(0));
    if (problem.isPresent()) {
      throw RequestException.builder().type(DirectHandler.EventType.BAD_REQUEST).status(Status.BAD_REQUEST_400)
          .request(DirectTransportRequest.create(prologue, headers)).message(problem.get()).safeMessage(true)
          .build();
    }
    return helidon.upgrade(ctx, prologue, headers);
  }

  /**
   * The refusal of an upgrade request's {@code HTTP2-Settings}, when that is what is wrong with a request refused
   * before routing.
   *
   * @param headers the request's headers
   * @return {@code 400 INVALID_INPUT} naming {@code HTTP2-Settings}; empty when the request asks no h2c upgrade or
   *     its one such header is readable
   */
  static Optional<ApiException> refusal(Headers headers) {
    boolean upgrade = headers.all(HeaderNames.UPGRADE, List::of).stream().anyMatch(v -> v.strip().equals("h2c"));
    List<String> values = headers.all(SETTINGS, List::of);
    if (!upgrade || values.size() != 1) {
      return Optional.empty();
    }
    return problem(values.get(0)).map(why -> ApiException.badRequest(SETTINGS.defaultCase(), why));
  }

  /** What is wrong with a value of {@code HTTP2-Settings} (RFC 9113 6.5.2), if anything. */
  private static Optional<String> problem(String value) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(value.strip());
    } catch (IllegalArgumentException e) {
      return Optional.of("not base64url (the payload of a SETTINGS frame: RFC 7540 3.2.1)");
    }
    if (bytes.length % SETTING_BYTES != 0) {
      return Optional.of("holds " + bytes.length + " bytes: settings are " + SETTING_BYTES + " bytes each");
    }
    ByteBuffer settings = ByteBuffer.wrap(bytes);
    while (settings.hasRemaining()) {
      int id = Short.toUnsignedInt(settings.getShort());
      long setting = Integer.toUnsignedLong(settings.getInt());
      if (id == ENABLE_PUSH && setting > 1
          || id == INITIAL_WINDOW_SIZE && setting > MAX_WINDOW
          || id == MAX_FRAME_SIZE && (setting < MIN_FRAME || setting > MAX_FRAME)) {
        return Optional.of("setting 0x" + Integer.toHexString(id) + " is " + setting + ", out of its range");
      }
    }
    return Optional.empty();
  }
}
