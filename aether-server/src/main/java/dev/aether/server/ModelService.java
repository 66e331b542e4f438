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
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model resource, {@code /v1/model}: {@code GET} describes the loaded model (name, version, aggregates with
 * their commands, policies, read models); {@code PUT} validates a model (YAML for {@code application/yaml},
 * {@code application/x-yaml} or {@code text/yaml}; JSON for {@code application/json}) and loads it, or answers
 * 400 {@code INVALID_MODEL} with every error and its path in {@code fields} (the running model stays), also for a
 * change that loses or corrupts stored data or reuses the running model's version label
 * ({@link CompiledModel#refusalsReplacing}; an event field's type checked against every type the recorded models gave
 * it, {@link StoredFieldTypes}, or without a record, a store in memory, every model this node loaded) unless the
 * query says {@code force=true}. On a cluster node it becomes the cluster's model ({@link ClusterModel}): every node
 * loads it; the answer comes once this node has. A record that cannot be read or written answers 503.
 *
 * <p>Thread-safe: {@code PUT}s are serialised by {@code putLock}, which also guards {@code unrecorded}; the record
 * is written only at the revision it was checked against ({@link ModelKey}).
 */
final class ModelService implements HttpService {

  private static final Logger LOG = LoggerFactory.getLogger(ModelService.class);

  private final NodeServices node;
  /** Serialises this node's {@code PUT}s: each checks against the record the one before wrote. */
  private final ReentrantLock putLock = new ReentrantLock();
  /** The types of every model this node loaded, when no record keeps them (a store in memory); guarded by putLock. */
  private StoredFieldTypes unrecorded = StoredFieldTypes.none();
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
    String format = type.startsWith("application/json") ? "json" : "yaml";
    putLock.lock();
    try {
      if (format.equals("json")) {
        compiled = CompiledModel.fromJson(text);
      } else if (type.startsWith("application/yaml") || type.startsWith("application/x-yaml")
          || type.startsWith("text/yaml")) {
        compiled = CompiledModel.fromYaml(text);
      } else {
        throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "send the model as application/json or "
            + "application/yaml (Content-Type was \"" + type + "\")");
      }
      if (dryRun) { // valid, and what loading it would warn of and refuse; the running model is left as it is
        Json.send(res, 200, dryRunAnswer(compiled, running(), recordedTypes()));
        return;
      }
      warnings = load(compiled, format, text, force);
    } catch (IncompatibleModelException e) {
      throw incompatible(e);
    } catch (InvalidModelException e) {
      throw invalid(e);
    } finally {
      putLock.unlock();
    }
    warnings.stream().filter(w -> !compiled.warnings().contains(w)) // the runtime logs the model's own at load
        .forEach(w -> LOG.warn("model {} {}: {}{} at {}: {}", compiled.model().name(), compiled.model().version(),
            CompiledModel.REFUSED_CHANGES.contains(w.id()) ? "forced by force=true: " : "", w.id(), w.path(),
            w.message()));
    warned = new Warned(compiled.model(), List.copyOf(warnings));
    Json.send(res, 200, ModelDescription.of(compiled.model(), warnings));
  }

  /**
   * Checks a model against the recorded one and the types the stored events may hold, records it (at the revision
   * checked against: checked again when another node wrote meanwhile) and loads it. Called under {@link #putLock}.
   *
   * @return the warnings of the load
   * @throws IncompatibleModelException when a change is refused and {@code force} is not set; nothing is loaded
   * @throws dev.aether.store.StoreUnavailableException when the record cannot be read or written
   */
  private List<ModelError> load(CompiledModel compiled, String format, String text, boolean force) {
    if (node.clusterModel().isPresent()) {
      ClusterModel cluster = node.clusterModel().get();
      return cluster.publish(current -> checked(compiled, format, text, cluster.key().storedTypes(current), force),
          node.config().commandTimeout());
    }
    if (node.modelRecord().isPresent()) {
      ModelKey key = node.modelRecord().get().key();
      List<ModelError> warnings = key.write(current -> checked(compiled, format, text, key.storedTypes(current),
          force)).warnings();
      node.runtime().loadModel(compiled.model());
      LOG.info("loaded model {} version {}", compiled.model().name(), compiled.model().version());
      return warnings;
    }
    ModelKey.Checked checked = checked(compiled, format, text, unrecorded, force);
    node.runtime().loadModel(compiled.model());
    unrecorded = checked.storedTypes();
    LOG.info("loaded model {} version {}", compiled.model().name(), compiled.model().version());
    return checked.warnings();
  }

  /**
   * Checks a model against the running one and the types the stored events may hold: those recorded and the
   * running model's, none dropped (it can lag the record).
   */
  private ModelKey.Checked checked(CompiledModel compiled, String format, String text, StoredFieldTypes recorded,
      boolean force) {
    Optional<Model> previous = running();
    StoredFieldTypes stored = previous.map(recorded::including).orElse(recorded);
    List<ModelError> warnings = compiled.checkReplacing(previous, stored, force);
    return new ModelKey.Checked(format, text, stored.afterLoad(compiled.model()), warnings);
  }

  private Optional<Model> running() {
    return node.runtime().model().filter(Model.class::isInstance).map(Model.class::cast);
  }

  /**
   * The event field types the stored events may hold, read now: those recorded with the model (the cluster's, or
   * this single node's record), or, when no record is kept (a store in memory), those of every model this node
   * loaded.
   *
   * @throws dev.aether.store.StoreUnavailableException when the record cannot be read
   */
  private StoredFieldTypes recordedTypes() {
    Optional<ModelKey> key = node.clusterModel().map(ClusterModel::key)
        .or(() -> node.modelRecord().map(ModelRecord::key));
    return key.map(k -> k.storedTypes(k.read())).orElse(unrecorded);
  }

  /**
   * The answer of a dry run: the model as {@code GET} describes it, the warnings of loading it, and under
   * {@code refused} the changes a load without {@code force=true} refuses ({@code id}, {@code path},
   * {@code message}, as the warnings).
   */
  private static Map<String, Object> dryRunAnswer(CompiledModel compiled, Optional<Model> previous,
      StoredFieldTypes recorded) {
    StoredFieldTypes stored = previous.map(recorded::including).orElse(recorded);
    List<ModelError> warnings = previous.map(p -> compiled.warningsReplacing(p, stored))
        .orElseGet(() -> compiled.checkReplacing(previous, stored, true));
    List<ModelError> refused = previous.map(p -> compiled.refusalsReplacing(p, stored)).orElseGet(
        () -> warnings.stream().filter(w -> CompiledModel.REFUSED_CHANGES.contains(w.id())).toList());
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
