package dev.aether.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics}: the node's Micrometer registry in Prometheus text format (the runtime's, the store's,
 * the cluster's and the JVM's meters).
 */
final class MetricsService implements HttpService {

  private final NodeServices node;

  MetricsService(NodeServices node) {
    this.node = node;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/", this::scrape);
  }

  private void scrape(ServerRequest req, ServerResponse res) {
    res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
        .send(node.registry().scrape().getBytes(StandardCharsets.UTF_8));
  }
}
