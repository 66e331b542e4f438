package dev.aether.server;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster resource, {@code GET /v1/cluster}: aether-cluster's {@code ClusterStatus} (nodes with their shards
 * and active actors, leader, epoch) when clustered; the single node otherwise, in the same shape ({@code
 * clustered: false}, epoch 0).
 */
final class ClusterService implements HttpService {

  private final NodeServices node;

  ClusterService(NodeServices node) {
    this.node = node;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/", this::status);
  }

  private void status(ServerRequest req, ServerResponse res) {
    if (node.cluster().isPresent()) {
      dev.aether.cluster.ClusterStatus status;
      try {
        status = node.cluster().get().status();
      } catch (IllegalStateException stopped) { // fenced or stopping: it sees the cluster no more
        throw new ApiException(503, "NOT_RUNNING", "this node is no longer in the cluster: ask another node");
      }
      var out = Json.MAPPER.valueToTree(status);
      ((com.fasterxml.jackson.databind.node.ObjectNode) out).put("clustered", true);
      Json.send(res, 200, out);
      return;
    }
    String id = node.config().nodeId();
    Map<String, Object> self = new LinkedHashMap<>();
    self.put("id", id);
    self.put("incarnation", null); // a cluster's count of a node's joins: none here
    self.putAll(Map.of("state", "ACTIVE", "alive", true, "shards", 0, "activeActors",
        node.runtime().registry().size()));
    self.put("model", node.runtime().model().map(m -> m.name() + "@" + m.version()).orElse(null));
    Json.send(res, 200, Map.of("clustered", false, "reportedBy", id, "epoch", 0, "shards", 0, "leader", id,
        "nodes", List.of(self), "movesInProgress", 0, "unownedShards", 0));
  }
}
