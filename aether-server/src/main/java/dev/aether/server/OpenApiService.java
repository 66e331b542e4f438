package dev.aether.server;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code GET /openapi.json}: the hand-written OpenAPI 3 document of the API (a resource of this module). */
final class OpenApiService implements HttpService {

  static final String RESOURCE = "/dev/aether/server/openapi.json";

  private final byte[] document = load();

  @Override
  public void routing(HttpRules rules) {
    rules.get("/", this::get);
  }

  private void get(ServerRequest req, ServerResponse res) {
    res.header(HeaderValues.CONTENT_TYPE_JSON).send(document);
  }

  static byte[] load() {
    try (InputStream in = OpenApiService.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
