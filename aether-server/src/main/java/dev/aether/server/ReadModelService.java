package dev.aether.server;

import dev.aether.model.exec.ModelExecution;
import dev.aether.model.exec.ReadModel;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;

/** The read-model resource, {@code GET /v1/readmodels/{name}/{key}}: one row of a model's read model. */
final class ReadModelService implements HttpService {

  private final NodeServices node;

  ReadModelService(NodeServices node) {
    this.node = node;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/{name}/{key}", this::row);
  }

  private void row(ServerRequest req, ServerResponse res) {
    String name = req.path().pathParameters().get("name");
    String key = req.path().pathParameters().get("key");
    ReadModel readModel = ModelExecution.of(node.runtime()).flatMap(m -> m.readModel(name))
        .orElseThrow(() -> ApiException.notFound("UNKNOWN_READ_MODEL", "no read model " + name
            + " in the loaded model"));
    Map<String, Object> row = readModel.get(key).orElseThrow(() -> ApiException.notFound("NOT_FOUND",
        "read model " + name + " has no row " + key));
    Json.send(res, 200, Map.of("readModel", name, "key", key, "row", row));
  }
}
