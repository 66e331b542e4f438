package dev.aether.server;

import dev.aether.model.exec.ModelExecution;
import dev.aether.model.exec.ReadModel;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The read-model resource: {@code GET /v1/readmodels/{name}/{key}}, one row of a model's read model,
 * {@code GET /v1/readmodels/{name}?after=&limit=}, its rows in key order, a page at a time, and
 * {@code POST /v1/readmodels/{name}/rebuild}, a rebuild from the first event where it runs
 * ({@link ReadModelRebuilds}).
 */
final class ReadModelService implements HttpService {

  /** Where {@link HttpApi} mounts this service. */
  static final String PREFIX = "/v1/readmodels";

  private final NodeServices node;

  ReadModelService(NodeServices node) {
    this.node = node;
  }

  /** Rows per page when {@code limit} is not given, and at most. */
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 10_000;

  @Override
  public void routing(HttpRules rules) {
    // RawPath.ANY: a name holding "/" (sent as %2F) is one segment too, and answered as an unknown read model
    rules.post("/{name:" + RawPath.ANY + "}/rebuild", this::rebuild)
        .get("/{name:" + RawPath.ANY + "}", this::rows)
        .get("/{name}/{key:" + RawPath.ANY + "}", this::row); // RawPath.ANY: a key holding "/" (sent as %2F), as ActorService's ids
  }

  private ReadModel readModel(String name) {
    return ModelExecution.of(node.runtime()).orElseThrow(ApiException::noModel).readModel(name) // as the others
        .orElseThrow(() -> ApiException.notFound("UNKNOWN_READ_MODEL", "no read model " + name
            + " in the loaded model"));
  }

  /** The rows whose keys come after {@code after} (none: from the first), at most {@code limit}, in key order. */
  private void rows(ServerRequest req, ServerResponse res) {
    Optional<List<String>> path = RawPath.segments(req, PREFIX, 1);
    if (path.isEmpty()) {
      res.next();
      return;
    }
    String name = path.get().getFirst();
    ReadModel readModel = readModel(name);
    int limit = (int) ActorService.number(req, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    Optional<String> after = req.query().first("after").asOptional();
    NavigableMap<String, Map<String, Object>> sorted = new TreeMap<>(readModel.rows());
    SortedMap<String, Map<String, Object>> from = after.isPresent() ? sorted.tailMap(after.get(), false) : sorted;
    List<Map<String, Object>> page = new ArrayList<>(Math.min(limit, from.size()));
    String last = null;
    for (Map.Entry<String, Map<String, Object>> row : from.entrySet()) {
      if (page.size() == limit) {
        break;
      }
      page.add(Map.of("key", row.getKey(), "row", row.getValue()));
      last = row.getKey();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("readModel", name);
    out.put("rows", page);
    out.put("total", sorted.size());
    out.put("next", page.size() == limit && from.size() > limit ? last : null);
    Json.send(res, 200, out);
  }

  /** Starts a rebuild where the read model runs; answers 202 at once (progress: {@code GET /v1/reactions}). */
  private void rebuild(ServerRequest req, ServerResponse res) {
    Optional<List<String>> path = RawPath.segments(req, PREFIX, 2);
    if (path.isEmpty()) {
      res.next();
      return;
    }
    String name = path.get().getFirst();
    Optional<String> where = node.rebuilds().rebuild(readModel(name));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("readModel", name);
    out.put("rebuilding", true);
    where.ifPresent(id -> out.put("node", id));
    Json.send(res, 202, out);
  }

  private void row(ServerRequest req, ServerResponse res) {
    Optional<List<String>> path = RawPath.segments(req, PREFIX, 2);
    if (path.isEmpty()) {
      res.next(); // no other route: a 404
      return;
    }
    String name = path.get().get(0);
    String key = path.get().get(1);
    ReadModel readModel = readModel(name);
    Map<String, Object> row = readModel.get(key).orElseThrow(() -> ApiException.notFound("NOT_FOUND",
        "read model " + name + " has no row " + key));
    Json.send(res, 200, Map.of("readModel", name, "key", key, "row", row));
  }
}
