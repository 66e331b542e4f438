package dev.aether.server;

import dev.aether.model.PolicyDef;
import dev.aether.model.ReadModelDef;
import dev.aether.model.exec.DeadLetter;
import dev.aether.model.exec.ModelExecution;
import dev.aether.model.exec.ReadModel;
import dev.aether.model.projection.ProjectionProgress;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The reactions' status, {@code GET /v1/reactions}: per policy its backlog (commits not yet handled by its
 * group, every node's share, asked of the store now; {@code null} when the store cannot say) and its dead
 * letters; per read model whether this node projects it or stands by, its position, how far behind it is, and
 * whether it rebuilds. What an operator asks first when a reaction lags.
 */
final class ReactionsService implements HttpService {

  private final NodeServices node;

  ReactionsService(NodeServices node) {
    this.node = node;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/", this::status);
  }

  private void status(ServerRequest req, ServerResponse res) {
    ModelExecution execution = ModelExecution.of(node.runtime()).orElseThrow(ApiException::noModel);
    Map<String, Long> letters = execution.deadLetters().stream()
        .collect(Collectors.groupingBy(DeadLetter::policy, Collectors.counting()));
    List<Map<String, Object>> policies = new ArrayList<>();
    for (PolicyDef policy : execution.compiled().model().policies()) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("name", policy.name());
      out.put("when", policy.when());
      out.put("then", policy.then());
      out.put("backlog", backlog(execution, policy.name()));
      out.put("deadLetters", letters.getOrDefault(policy.name(), 0L));
      policies.add(out);
    }
    List<Map<String, Object>> readModels = new ArrayList<>();
    for (ReadModelDef readModel : execution.compiled().model().readModels()) {
      execution.readModel(readModel.name()).map(ReactionsService::describe).ifPresent(readModels::add);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("policies", policies);
    body.put("readModels", readModels);
    Json.send(res, 200, body);
  }

  /** The backlog, or null when the store cannot say now (the answer still shows everything else). */
  private static Long backlog(ModelExecution execution, String policy) {
    try {
      return execution.policyBacklog(policy);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Map<String, Object> describe(ReadModel readModel) {
    ProjectionProgress progress = readModel.progress();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", readModel.name());
    out.put("runsHere", readModel.runsHere());
    out.put("position", progress.position().toString());
    out.put("commitsBehind", progress.commitsBehind());
    out.put("eventsHandled", progress.eventsHandled());
    out.put("rebuilding", progress.rebuilding());
    out.put("failures", readModel.failures());
    return out;
  }
}
