package dev.aether.server;

import dev.aether.model.Model;
import dev.aether.model.exec.CompiledModel;
import dev.aether.runtime.InvalidModelException;
import dev.aether.runtime.ModelError;
import dev.aether.runtime.spi.DomainModel;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model resource, {@code /v1/model}: {@code GET} describes the loaded model (name, version, aggregates with
 * their commands, policies, read models); {@code PUT} validates a model (YAML for {@code application/yaml},
 * {@code application/x-yaml} or {@code text/yaml}; JSON for {@code application/json}) and loads it, or answers
 * 400 {@code INVALID_MODEL} with every error and its path in {@code fields} (the running model stays). On a
 * cluster node it becomes the cluster's model ({@link ClusterModel}): every node loads it; the answer comes once
 * this node has.
 */
final class ModelService implements HttpService {

  private static final Logger LOG = LoggerFactory.getLogger(ModelService.class);

  private final NodeServices node;
  /** The warnings of the model loaded last, as its PUT answered them (or as GET found them); null: none yet. */
  private volatile Warned warned;

  /** A model and its warnings. */
  private record Warned(DomainModel model, List<ModelError> warnings) {}

  ModelService(NodeServices node) {
    this.node = node;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/", this::get).put("/", this::put);
  }

  private void get(ServerRequest req, ServerResponse res) {
    DomainModel model = node.runtime().model().orElseThrow(ApiException::noModel);
    Json.send(res, 200, ModelDescription.of(model, warnings(model)));
  }

  /**
   * The warnings of the running model: those its PUT answered when this node loaded it, or those the node's start
   * gave (both include what it takes away from the model it replaced), else its own (a model put through another
   * node, or a first start).
   */
  private List<ModelError> warnings(DomainModel model) {
    Warned last = warned;
    if (last != null && last.model().equals(model)) {
      return last.warnings();
    }
    List<ModelError> found = node.modelRecord().flatMap(record -> record.startWarnings(model))
        .orElseGet(() -> model instanceof Model m ? CompiledModel.compile(m).warnings() : List.of());
    warned = new Warned(model, found);
    return found;
  }

  private void put(ServerRequest req, ServerResponse res) {
    boolean dryRun = dryRun(req);
    String type = SingleHeader.value(req, HeaderNames.CONTENT_TYPE).orElse("").toLowerCase(Locale.ROOT);
    Bodies.requireUtf8(type, "the model");
    String text = new String(Bodies.read(req, node.config().maxBodyBytes()), StandardCharsets.UTF_8);
    CompiledModel compiled;
    List<ModelError> warnings;
    boolean json = type.startsWith("application/json");
    try {
      if (json) {
        compiled = CompiledModel.fromJson(text);
      } else if (type.startsWith("application/yaml") || type.startsWith("application/x-yaml")
          || type.startsWith("text/yaml")) {
        compiled = CompiledModel.fromYaml(text);
      } else {
        throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "send the model as application/json or "
            + "application/yaml (Content-Type was \"" + type + "\")");
      }
      warnings = node.runtime().model().filter(Model.class::isInstance)
          .map(previous -> compiled.warningsReplacing((Model) previous)).orElse(compiled.warnings());
      if (dryRun) { // valid, and what loading it would warn of; the running model is left as it is
        Map<String, Object> answer = new LinkedHashMap<>(ModelDescription.of(compiled.model(), warnings));
        answer.put("dryRun", true);
        Json.send(res, 200, answer);
        return;
      }
      if (node.clusterModel().isPresent()) {
        node.clusterModel().get().publish(json ? "json" : "yaml", text, node.config().commandTimeout());
      } else {
        node.runtime().loadModel(compiled.model());
        node.modelRecord().ifPresent(record -> record.record(json ? "json" : "yaml", text));
        LOG.info("loaded model {} version {}", compiled.model().name(), compiled.model().version());
      }
    } catch (InvalidModelException e) {
      throw invalid(e);
    }
    warnings.stream().filter(w -> !compiled.warnings().contains(w)) // the runtime logs the model's own at load
        .forEach(w -> LOG.warn("model {} {}: {} at {}: {}", compiled.model().name(), compiled.model().version(),
            w.id(), w.path(), w.message()));
    warned = new Warned(compiled.model(), List.copyOf(warnings));
    Json.send(res, 200, ModelDescription.of(compiled.model(), warnings));
  }

  /** {@code ?dryRun=true}: validate and warn only; {@code false} or absent: load. */
  private static boolean dryRun(ServerRequest req) {
    return req.query().first("dryRun").map(text -> switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw ApiException.badRequest("dryRun", "must be true or false, was \"" + text + "\"");
    }).orElse(false);
  }

  private static ApiException invalid(InvalidModelException e) {
    List<ApiException.Field> fields = e.errors().stream()
        .map(err -> new ApiException.Field(err.path(), err.id() + ": " + err.message())).toList();
    return new ApiException(400, "INVALID_MODEL", "the model has " + fields.size() + " error(s); the running "
        + "model is unchanged", fields);
  }
}
