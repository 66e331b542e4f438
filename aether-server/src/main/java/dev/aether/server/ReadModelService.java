package dev.aether.server;

import dev.aether.model.exec.ModelExecution;
import dev.aether.model.exec.ReadModel;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The read-model resource, {@code GET /v1/readmodels/{name}/{key}}: one row of a model's read model. */
final class ReadModelService implements HttpService {

  /** Where {@link HttpApi} mounts this service. */
  static final String PREFIX = "/v1/readmodels";

  private final NodeServices node;

  ReadModelService(NodeServices node) {
    this.node = node;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/{name}/{key:" + RawPath.ANY + "}", this::row); // RawPath.ANY: a key holding "/" (sent as %2F), as ActorService's ids
  }

  private void row(ServerRequest req, ServerResponse res) {
    Optional<List<String>> path = RawPath.segments(req, PREFIX, 2);
    if (path.isEmpty()) {
      res.next(); // no other route: a 404
      return;
    }
    String name = path.get().get(0);
    String key = path.get().get(1);
    ReadModel readModel = ModelExecution.of(node.runtime()).flatMap(m -> m.readModel(name))
        .orElseThrow(() -> ApiException.notFound("UNKNOWN_READ_MODEL", "no read model " + name
            + " in the loaded model"));
    Map<String, Object> row = readModel.get(key).orElseThrow(() -> ApiException.notFound("NOT_FOUND",
        "read model " + name + " has no row " + key));
    Json.send(res, 200, Map.of("readModel", name, "key", key, "row", row));
  }
}
