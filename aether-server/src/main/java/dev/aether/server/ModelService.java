package dev.aether.server;

import dev.aether.model.Model;
import dev.aether.model.exec.CompiledModel;
import dev.aether.model.exec.IncompatibleModelException;
import dev.aether.model.exec.StoredFieldTypes;
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
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model resource, {@code /v1/model}: {@code GET} describes the loaded model (name, version, aggregates with
 * their commands, policies, read models); {@code PUT} validates a model (YAML for {@code application/yaml},
 * {@code application/x-yaml} or {@code text/yaml}; JSON for {@code application/json}) and loads it, or answers
 * 400 {@code INVALID_MODEL} with every error and its path in {@code fields} (the running model stays), also for a
 * change that loses or corrupts stored data or reuses the running model's version label
 * ({@link CompiledModel#refusalsReplacing}; an event field's type checked against every type the recorded models gave
 * it, {@link StoredFieldTypes}) unless the query says {@code force=true}. On a
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
    boolean dryRun = flag(req, "dryRun");
    boolean force = flag(req, "force");
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
      Optional<Model> previous = node.runtime().model().filter(Model.class::isInstance).map(Model.class::cast);
      StoredFieldTypes stored = storedTypes(previous);
      if (dryRun) { // valid, and what loading it would warn of and refuse; the running model is left as it is
        Json.send(res, 200, dryRunAnswer(compiled, previous, stored));
        return;
      }
      warnings = compiled.checkReplacing(previous, stored, force);
      StoredFieldTypes after = stored.with(compiled.model());
      if (node.clusterModel().isPresent()) {
        node.clusterModel().get().publish(json ? "json" : "yaml", text, after, node.config().commandTimeout());
      } else {
        node.runtime().loadModel(compiled.model());
        node.modelRecord().ifPresent(record -> record.record(json ? "json" : "yaml", text, after));
        LOG.info("loaded model {} version {}", compiled.model().name(), compiled.model().version());
      }
    } catch (IncompatibleModelException e) {
      throw incompatible(e);
    } catch (InvalidModelException e) {
      throw invalid(e);
    }
    warnings.stream().filter(w -> !compiled.warnings().contains(w)) // the runtime logs the model's own at load
        .forEach(w -> LOG.warn("model {} {}: {} at {}: {}", compiled.model().name(), compiled.model().version(),
            w.id(), w.path(), w.message()));
    warned = new Warned(compiled.model(), List.copyOf(warnings));
    Json.send(res, 200, ModelDescription.of(compiled.model(), warnings));
  }

  /**
   * The event field types the stored events may hold: those recorded with the model (the cluster's, or this single
   * node's record), and the running model's (a record that could not be written, or none kept: a store in memory).
   *
   * @throws dev.aether.store.StoreUnavailableException when the cluster's model cannot be read
   */
  private StoredFieldTypes storedTypes(Optional<Model> previous) {
    StoredFieldTypes recorded = node.clusterModel().map(ClusterModel::storedTypes)
        .orElseGet(() -> node.modelRecord().flatMap(ModelRecord::storedTypes)).orElse(StoredFieldTypes.none());
    return previous.map(recorded::with).orElse(recorded);
  }

  /**
   * The answer of a dry run: the model as {@code GET} describes it, the warnings of loading it, and under
   * {@code refused} the changes a load without {@code force=true} refuses ({@code id}, {@code path},
   * {@code message}, as the warnings).
   */
  private static Map<String, Object> dryRunAnswer(CompiledModel compiled, Optional<Model> previous,
      StoredFieldTypes stored) {
    List<ModelError> warnings = previous.map(p -> compiled.warningsReplacing(p, stored))
        .orElseGet(() -> compiled.checkReplacing(previous, stored, true));
    List<ModelError> refused;
    try {
      compiled.checkReplacing(previous, stored, false);
      refused = List.of();
    } catch (IncompatibleModelException e) {
      refused = e.errors();
    }
    Map<String, Object> answer = new LinkedHashMap<>(ModelDescription.of(compiled.model(), warnings));
    answer.put("refused", ModelDescription.warnings(refused));
    answer.put("dryRun", true);
    return answer;
  }

  /**
   * A query flag: {@code ?dryRun=true} validates and warns only; {@code ?force=true} loads a model whose change
   * loses or corrupts stored data; {@code false} or absent: neither.
   */
  private static boolean flag(ServerRequest req, String name) {
    return req.query().first(name).map(text -> switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw ApiException.badRequest(name, "must be true or false, was \"" + text + "\"");
    }).orElse(false);
  }

  /**
   * A refused change: {@code 400 INVALID_MODEL} as for a broken model (one entry per change in {@code fields},
   * {@code field} its path, {@code message} {@code id: message}), saying how to load it all the same.
   */
  private static ApiException incompatible(IncompatibleModelException e) {
    List<ApiException.Field> fields = fields(e);
    return new ApiException(400, "INVALID_MODEL", "the model would lose or corrupt stored data, or reuses the"
        + " running model's version (" + fields.size() + " change(s)); the running model is unchanged; send"
        + " force=true (aether model load --force) to load it all the same", fields);
  }

  private static List<ApiException.Field> fields(InvalidModelException e) {
    return e.errors().stream().map(err -> new ApiException.Field(err.path(), err.id() + ": " + err.message()))
        .toList();
  }

  private static ApiException invalid(InvalidModelException e) {
    List<ApiException.Field> fields = fields(e);
    return new ApiException(400, "INVALID_MODEL", "the model has " + fields.size() + " error(s); the running "
        + "model is unchanged", fields);
  }
}
