package dev.aether.server;

import dev.aether.model.Model;
import dev.aether.model.exec.CompiledModel;
import dev.aether.model.exec.IncompatibleModelException;
import dev.aether.model.exec.StoredFieldTypes;
import dev.aether.runtime.ModelError;
import dev.aether.store.StoreUnavailableException;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
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
 * ({@code event-removed}, {@code event-field-required}, ...). Recording is best effort: a failure to read or write
 * the bucket at start is logged and the node runs on (a record it could not read is not written over: it keeps the
 * types); a {@code PUT} that cannot read it is answered 503. Thread-safe.
 */
final class ModelRecord {

  static final String KEY = "single-node";
  private static final Logger LOG = LoggerFactory.getLogger(ModelRecord.class);

  private final KeyValue kv;
  /** The model this node started with and its warnings against the one it ran before; null: none compared. */
  private volatile Started started;

  /** A model and the warnings its start gave. */
  private record Started(dev.aether.runtime.spi.DomainModel model, List<ModelError> warnings) {}

  private ModelRecord(KeyValue kv) {
    this.kv = kv;
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
    Optional<RecordedModel> before;
    try {
      before = recorded();
    } catch (StoreUnavailableException e) { // not recorded either: the record keeps the types its events may hold
      LOG.warn("cannot compare the model with the one this node ran before, nor record it: {}", e.getMessage());
      return;
    }
    StoredFieldTypes stored = before.map(RecordedModel::storedTypes).orElse(StoredFieldTypes.none());
    before.ifPresent(was -> {
      Model previous = was.compiled().model();
      List<ModelError> all;
      try {
        all = next.checkReplacing(Optional.of(previous), stored.with(previous), force);
      } catch (IncompatibleModelException e) {
        throw refused(next, file, previous, e);
      }
      all.stream().filter(w -> !next.warnings().contains(w)).forEach(w -> LOG.warn(
          "model {} {} in place of {} {} that this node ran before: {} at {}: {}", next.model().name(),
          next.model().version(), previous.name(), previous.version(), w.id(), w.path(), w.message()));
      started = new Started(next.model(), all);
    });
    try {
      record(file.toString().endsWith(".json") ? "json" : "yaml", Files.readString(file),
          before.map(was -> stored.with(was.compiled().model())).orElse(stored).with(next.model()));
    } catch (IOException e) {
      LOG.warn("cannot record the model this node runs: {}", e.toString());
    }
  }

  /**
   * The recorded model; empty when none is recorded, or this node cannot compile it (logged at ERROR).
   *
   * @throws StoreUnavailableException when the bucket cannot be read
   */
  private Optional<RecordedModel> recorded() {
    try {
      KeyValueEntry entry = kv.get(KEY);
      return entry == null || entry.getOperation() != KeyValueOperation.PUT ? Optional.empty()
          : ClusterModel.compile(entry, "the model this node ran before");
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      throw new StoreUnavailableException("cannot read the model this node ran before: " + e, e);
    }
  }

  /**
   * The event field types recorded with the model, read now ({@code PUT /v1/model} checks against them).
   *
   * @return the types; empty when no model is recorded (or none this node can compile)
   * @throws StoreUnavailableException when the bucket cannot be read (a load would record a model without them)
   */
  Optional<StoredFieldTypes> storedTypes() {
    return recorded().map(RecordedModel::storedTypes);
  }

  private static NodeStartException refused(CompiledModel next, Path file, Model previous,
      IncompatibleModelException e) {
    StringBuilder changes = new StringBuilder();
    e.errors().forEach(error -> changes.append("\n  ").append(error.path()).append(": ").append(error.id())
        .append(": ").append(error.message()));
    return new NodeStartException("model " + file + " (" + next.model().name() + " " + next.model().version()
        + ") is refused against the model this node ran before (" + previous.name() + " " + previous.version()
        + ", recorded in the namespace's model bucket): " + e.errors().size() + " change(s) that lose or corrupt"
        + " stored data or reuse its version:" + changes + "\nfix the file, or start with --force-model ("
        + NodeConfig.FORCE_MODEL + ": true, " + NodeConfig.envName(NodeConfig.FORCE_MODEL) + "=true) to run it"
        + " all the same", e);
  }

  /**
   * The warnings the node's start gave for a model (against the model it ran before), when it is the one it
   * started with.
   *
   * @param model the model running now
   * @return the warnings, or empty when the model is another or nothing was compared
   */
  Optional<List<ModelError>> startWarnings(dev.aether.runtime.spi.DomainModel model) {
    Started at = started;
    return at != null && at.model().equals(model) ? Optional.of(at.warnings()) : Optional.empty();
  }

  /**
   * Records a model as the one this node runs (best effort: a failure is logged).
   *
   * @param format {@code yaml} or {@code json}
   * @param text the model
   * @param storedTypes the event field types of every model recorded, this one's included
   */
  void record(String format, String text, StoredFieldTypes storedTypes) {
    try {
      kv.put(KEY, RecordedModel.encode(format, text, storedTypes));
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      LOG.warn("cannot record the model this node runs: {}", e.toString());
    }
  }
}
