package dev.aether.server;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Health, {@code /health/live} (the node started and has not stopped: it is live while it drains) and
 * {@code /health/ready} (also: not stopping, store reachable, model loaded, and on a cluster node its own lease
 * fresh: the {@code cluster} check); 200 {@code {"status":"UP"}} or 503 {@code {"status":"DOWN", "checks": ...}},
 * with {@code "reason": "stopping"} once the node's close began. Open without the bearer token (probes of
 * orchestrators carry none; nothing secret is in the answer).
 */
final class HealthService implements HttpService {

  private final NodeServices node;

  HealthService(NodeServices node) {
    this.node = node;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/live", this::live).get("/ready", this::ready);
  }

  private void live(ServerRequest req, ServerResponse res) {
    boolean live = node.isLive();
    Map<String, Object> body = new LinkedHashMap<>(); // "status" first
    body.put("status", live ? "UP" : "DOWN");
    String failure = node.whenFailed().getNow(null);
    if (failure != null) { // what stopped it, for whoever restarts it
      body.put("reason", failure);
    }
    Json.send(res, live ? 200 : 503, body);
  }

  private void ready(ServerRequest req, ServerResponse res) {
    NodeServices.Readiness r = node.ready();
    Map<String, String> checks = new LinkedHashMap<>();
    checks.put("serving", up(r.serving()));
    checks.put("store", up(r.store()));
    checks.put("model", up(r.model()));
    r.cluster().ifPresent(member -> checks.put("cluster", up(member)));
    Map<String, Object> body = new LinkedHashMap<>(); // "status" first, every time (Map.of has no order)
    body.put("status", r.ready() ? "UP" : "DOWN");
    String failure = node.whenFailed().getNow(null);
    if (r.stopping()) { // a load balancer's or an operator's question: why is it out
      body.put("reason", "stopping");
    } else if (failure != null) {
      body.put("reason", failure);
    }
    body.put("checks", checks);
    Json.send(res, r.ready() ? 200 : 503, body);
  }

  private static String up(boolean ok) {
    return ok ? "UP" : "DOWN";
  }
}
