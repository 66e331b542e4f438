package dev.aether.server;

import dev.aether.model.exec.CompiledModel;
import dev.aether.runtime.ModelError;
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
 * its model under {@link ClusterModel#KEY} instead): a node restarted with a changed {@code --model} file then
 * warns of what the change takes away from the stored histories ({@code event-removed},
 * {@code event-field-required}, ...), as {@code PUT /v1/model} does. Recording is best effort: a failure is
 * logged and the node runs on. Thread-safe.
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
   * Warns (once each, WARN) of what starting with {@code next} takes away from the histories the recorded model
   * stored, then records {@code next} as the model this node runs.
   *
   * @param next the model the node starts with
   * @param file its file
   */
  void starting(CompiledModel next, Path file) {
    try {
      KeyValueEntry entry = kv.get(KEY);
      if (entry != null && entry.getOperation() == KeyValueOperation.PUT) {
        ClusterModel.compile(entry, "the model this node ran before").ifPresent(before -> {
          List<ModelError> own = next.warnings();
          List<ModelError> all = next.warningsReplacing(before.model());
          all.stream().filter(w -> !own.contains(w)).forEach(w -> LOG.warn(
              "model {} {} in place of {} {} that this node ran before: {} at {}: {}", next.model().name(),
              next.model().version(), before.model().name(), before.model().version(), w.id(), w.path(),
              w.message()));
          started = new Started(next.model(), all);
        });
      }
      record(file.toString().endsWith(".json") ? "json" : "yaml", Files.readString(file));
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      LOG.warn("cannot compare the model with the one this node ran before: {}", e.toString());
    }
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
   */
  void record(String format, String text) {
    try {
      kv.put(KEY, ClusterModel.encode(format, text));
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      LOG.warn("cannot record the model this node runs: {}", e.toString());
    }
  }
}
