package dev.aether.server;

import dev.aether.model.Model;
import dev.aether.model.exec.CompiledModel;
import dev.aether.model.exec.IncompatibleModelException;
import dev.aether.model.exec.StoredFieldTypes;
import dev.aether.runtime.ModelError;
import dev.aether.runtime.spi.DomainModel;
import dev.aether.store.StoreUnavailableException;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model a single node last ran, kept in its namespace's model bucket under {@value #KEY} (a cluster keeps
 * its model under {@link ClusterModel#KEY} instead) with the event field types of every model recorded before
 * ({@link RecordedModel}): a node restarted with a changed {@code --model} file then refuses to start with a
 * change that {@code PUT /v1/model} refuses ({@link CompiledModel#checkReplacing}: an event field type that
 * contradicts one stored events may hold, another model under the recorded version, ...) unless forced
 * ({@code force-model}), and warns of what the other changes take away from the stored histories
 * ({@code event-removed}, {@code event-field-required}, ...); a forced start logs each forced change as
 * {@code forced by force-model}. The recorded types are read without compiling the recorded model: when it does not
 * compile on this node, the new model is checked against them all the same. Recording is best effort: a failure to
 * read or write the bucket at start is logged and the node runs on (a record it could not read, types and model, is
 * not written over: it keeps the types); a {@code PUT} that cannot read it is answered 503. A model is written only
 * at the revision it was checked against ({@link ModelKey}). Thread-safe.
 */
final class ModelRecord {

  static final String KEY = "single-node";
  private static final Logger LOG = LoggerFactory.getLogger(ModelRecord.class);

  private final ModelKey key;
  /** The model this node started with and its warnings against the recorded one; null: the start compared none. */
  private volatile Started started;

  /** A model, the warnings its start gave, and the recorded model it replaced (name and version), for the log. */
  private record Started(DomainModel model, List<ModelError> warnings, String replaced) {}

  private ModelRecord(KeyValue kv) {
    this.key = new ModelKey(kv, KEY, "the model this node ran before");
  }

  /**
   * Opens the record; empty (logged) when the bucket cannot be opened: the node starts all the same.
   *
   * @param connection the node's connection
   * @param bucket the namespace's model bucket
   * @param replicas the bucket's replicas when it is created (the store's)
   * @param timeout how long to wait for it
   */
  static Optional<ModelRecord> open(Connection connection, String bucket, int replicas, Duration timeout) {
    try {
      return Optional.of(new ModelRecord(ClusterModel.openBucket(connection, bucket, replicas, timeout)));
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      LOG.warn("cannot open the model bucket {}: the model this node runs is not recorded ({})", bucket,
          e.toString());
      return Optional.empty();
    }
  }

  /**
   * Checks starting with {@code next} against the recorded model and the types its stored events may hold: refuses
   * a change {@link CompiledModel#checkReplacing} refuses unless {@code force}; warns (once each, WARN) of what the
   * others (and forced ones) take away from the stored histories; then records {@code next} as the model this node
   * runs.
   *
   * @param next the model the node starts with
   * @param file its file
   * @param force start with it even when the recorded model refuses it
   * @throws NodeStartException naming each refused change (id, path, message) and how to force the start, when
   *     {@code force} is not set; nothing is recorded
   */
  void starting(CompiledModel next, Path file, boolean force) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      LOG.warn("cannot compare the model with the one this node ran before, nor record it: {}", e.toString());
      return;
    }
    String format = file.toString().endsWith(".json") ? "json" : "yaml";
    ModelKey.Written written;
    try {
      written = key.write(current -> checked(next, file, format, text, current, force));
    } catch (StoreUnavailableException e) { // not written over: the record keeps the types its events may hold
      LOG.warn("cannot compare the model with the one this node ran before, nor record it: {}", e.getMessage());
      return;
    }
    List<ModelError> own = next.warnings();
    String replaced = started.replaced();
    written.warnings().stream().filter(w -> !own.contains(w)).forEach(w -> LOG.warn("model {} {} in place of {}"
        + " that this node ran before: {}{} at {}: {}", next.model().name(), next.model().version(), replaced,
        CompiledModel.REFUSED_CHANGES.contains(w.id()) ? "forced by force-model: " : "", w.id(), w.path(),
        w.message()));
  }

  /**
   * Checks {@code next} against a record read: against its event field types (also when its model does not compile
   * on this node) and its model.
   *
   * @throws StoreUnavailableException when the record holds no types this node can read (it is not written over)
   * @throws NodeStartException when a change is refused and {@code force} is not set
   */
  private ModelKey.Checked checked(CompiledModel next, Path file, String format, String text,
      ModelKey.Current current, boolean force) {
    StoredFieldTypes recorded = key.storedTypes(current);
    Optional<Model> previous = current.model()
        .flatMap(was -> ClusterModel.compile(was, current.revision(), key.what(),
        "the new model is checked against its event field types only")).map(CompiledModel::model);
    StoredFieldTypes stored = previous.map(recorded::including).orElse(recorded);
    List<ModelError> all;
    try {
      all = next.checkReplacing(previous, stored, force);
    } catch (IncompatibleModelException e) {
      throw refused(next, file, previous, e);
    }
    started = new Started(next.model(), all, previous.map(p -> p.name() + " " + p.version())
        .orElse("the recorded model"));
    return new ModelKey.Checked(format, text, stored.afterLoad(next.model()), all);
  }

  /** @return the record's key, which {@code PUT /v1/model} reads and writes */
  ModelKey key() {
    return key;
  }

  private static NodeStartException refused(CompiledModel next, Path file, Optional<Model> previous,
      IncompatibleModelException e) {
    StringBuilder changes = new StringBuilder();
    e.errors().forEach(error -> changes.append("\n  ").append(error.path()).append(": ").append(error.id())
        .append(": ").append(error.message()));
    return new NodeStartException("model " + file + " (" + next.model().name() + " " + next.model().version()
        + ") is refused against the model this node ran before (" + previous.map(p -> p.name() + " " + p.version())
        .orElse("one this node cannot compile") + ", recorded in the namespace's model bucket): " + e.errors().size()
        + " change(s) that lose or corrupt stored data or reuse its version:" + changes + "\nfix the file, or start"
        + " with --force-model (" + NodeConfig.FORCE_MODEL + ": true, " + NodeConfig.envName(NodeConfig.FORCE_MODEL)
        + "=true) to run it all the same", e);
  }

  /**
   * The warnings the node's start gave for a model (against the model it ran before), when it is the one it
   * started with.
   *
   * @param model the model running now
   * @return the warnings, or empty when the model is another or nothing was compared
   */
  Optional<List<ModelError>> startWarnings(DomainModel model) {
    Started at = started;
    return at != null && at.model().equals(model) ? Optional.of(at.warnings()) : Optional.empty();
  }
}
