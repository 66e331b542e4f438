package dev.aether.server;

import dev.aether.model.exec.CompiledModel;
import dev.aether.model.exec.StoredFieldTypes;
import dev.aether.nats.KvWatch;
import dev.aether.nats.PlacementRetry;
import dev.aether.runtime.InvalidModelException;
import dev.aether.runtime.ModelError;
import dev.aether.runtime.Runtime;
import dev.aether.store.StoreUnavailableException;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model of a cluster of nodes: one KV key that {@code PUT /v1/model} on any node writes, and that every
 * node watches and loads, so that the nodes decide with the same model. A node started with {@code --model}
 * runs that file until the cluster has a model set this way; from then on the cluster's model replaces it, at
 * start too: a node starts with the cluster's model when there is one (the newest decision wins, and a node
 * that joins later does not bring an older model or its policies back, not even for a moment).
 *
 * <p>The value is a {@link RecordedModel}: the model as sent, and the event field types of every model the
 * cluster recorded, so that {@code PUT /v1/model} checks a new version against all of them, and writes it only at
 * the revision it read ({@link ModelKey}: two nodes' {@code PUT}s at once do not lose each other's types); the bucket,
 * {@code aether-model-<namespace token>} ({@code _} as {@code __}, {@code .} as {@code _d}), keeps the last 5
 * models. A node that cannot compile the cluster's model (an older node that lacks a feature the model uses)
 * logs it at ERROR and keeps its model.
 *
 * <p>Thread-safe: the watcher runs on the connection's dispatcher; {@code applied} is guarded by this object.
 */
final class ClusterModel implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterModel.class);
  static final String KEY = "model";
  private static final String KEEPS = "it keeps the model it runs";

  private final Connection connection;
  private final ModelKey key;
  private final String bucket;
  private final Optional<Started> current;
  private final CountDownLatch initial = new CountDownLatch(1);
  private volatile Runtime runtime; // set by follow, before the watch starts
  private long applied; // the newest revision this node has loaded (or refused)
  private KvWatch watch;

  /**
   * The cluster's model a node starts with: compiled, and the types its stored events may hold.
   *
   * @param compiled the model
   * @param storedTypes the types recorded with it
   */
  record Started(CompiledModel compiled, StoredFieldTypes storedTypes) {}

  private ClusterModel(Connection connection, KeyValue kv, String bucket, Optional<Started> current,
      long revision) {
    this.connection = connection;
    this.key = new ModelKey(kv, KEY, "the cluster's model");
    this.bucket = bucket;
    this.current = current;
    this.applied = revision;
  }

  /**
   * Opens (creating it when absent) the namespace's model bucket and reads the cluster's model, if it has one:
   * the model the node starts with, before its {@code --model} file, so that a node restarted with an older
   * file never runs that file's policies for a moment. {@link #follow} then loads every change.
   *
   * @param connection the node's connection
   * @param bucket the namespace's model bucket ({@code aether-model-<namespace token>})
   * @param replicas the bucket's replicas when it is created (the store's)
   * @param timeout how long to wait for the bucket and its current value
   * @throws StoreUnavailableException when the bucket cannot be opened or read in time
   */
  static ClusterModel open(Connection connection, String bucket, int replicas, Duration timeout) {
    try {
      KeyValue kv = openBucket(connection, bucket, replicas, timeout);
      KeyValueEntry entry = kv.get(KEY);
      if (entry == null || entry.getOperation() != KeyValueOperation.PUT) {
        return new ClusterModel(connection, kv, bucket, Optional.empty(), 0);
      }
      return new ClusterModel(connection, kv, bucket, started(entry), entry.getRevision());
    } catch (IOException | JetStreamApiException e) {
      throw new StoreUnavailableException("cannot open the cluster's model bucket " + bucket + ": " + e.getMessage(),
          e);
    }
  }

  /** Opens the namespace's model bucket, creating it when absent (a cluster's model, a single node's record). */
  static KeyValue openBucket(Connection connection, String bucket, int replicas, Duration timeout)
      throws IOException, JetStreamApiException {
    PlacementRetry.ensureBucket(connection.keyValueManagement(), KeyValueConfiguration.builder().name(bucket)
        .description("Aether: the namespace's model").maxHistoryPerKey(5).storageType(StorageType.File)
        .replicas(replicas).build(),
        PlacementRetry.budget(timeout));
    return connection.keyValue(bucket);
  }

  /** @return the cluster's model when it had one at {@link #open} and this node can compile it */
  Optional<CompiledModel> current() {
    return current.map(Started::compiled);
  }

  /** @return the cluster's model and its stored event field types when it had one at {@link #open} (compiled) */
  Optional<Started> recorded() {
    return current;
  }

  /** @return the key of the cluster's model, which {@code PUT /v1/model} reads and writes */
  ModelKey key() {
    return key;
  }

  /**
   * Loads every model written after the one {@link #open} read into the runtime, as it is written; returns once
   * any written meanwhile is loaded.
   *
   * @param runtime the node's runtime (running the model {@link #current()} gave, or its file's)
   * @param timeout how long to wait for the bucket's current value
   * @throws StoreUnavailableException when the bucket cannot be read in time
   */
  void follow(Runtime runtime, Duration timeout) {
    this.runtime = runtime;
    try { // a start that gets no answer is tried again (KvWatch: a replica's server down)
      watch = KvWatch.start(connection, bucket, KEY, new Watcher(), KvWatch.DEFAULT_START_BUDGET);
    } catch (RuntimeException e) {
      throw new StoreUnavailableException("cannot watch the cluster's model bucket " + bucket + ": "
          + e.getMessage(), e);
    }
    try {
      if (!initial.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        close();
        throw new StoreUnavailableException("the cluster's model (bucket " + bucket + ") was not read within "
            + timeout, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted while reading the cluster's model", e);
    }
  }

  /**
   * Makes a model the cluster's: checks it against the cluster's model read now and writes it at that revision
   * (checked again against a model another node wrote meanwhile), then waits until this node has loaded it (the
   * other nodes load it as they see it, within moments).
   *
   * @param check the check against the cluster's model read ({@link ModelKey#write}); throws to refuse the model
   * @param timeout how long to wait for this node to load it
   * @return the warnings of the check written
   * @throws StoreUnavailableException when it cannot be read or written, or this node did not load it in time
   */
  List<ModelError> publish(Function<ModelKey.Current, ModelKey.Checked> check, Duration timeout) {
    ModelKey.Written written = key.write(check);
    long revision = written.revision();
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (applied < revision) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new StoreUnavailableException("the cluster's model was written (revision " + revision + ") but this"
              + " node did not load it within " + timeout, null);
        }
        try {
          wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StoreUnavailableException("interrupted while loading the cluster's model", e);
        }
      }
    }
    return written.warnings();
  }

  private void load(KeyValueEntry entry) {
    synchronized (this) {
      if (entry.getRevision() <= applied) {
        return; // the model this node started with (or one loaded already)
      }
    }
    if (entry.getOperation() == KeyValueOperation.PUT) {
      compile(entry, "the cluster's model").ifPresent(compiled -> {
        runtime.loadModel(compiled.model());
        LOG.info("loaded the cluster's model {} version {} (revision {})", compiled.model().name(),
            compiled.model().version(), entry.getRevision());
      });
    }
    synchronized (this) {
      applied = Math.max(applied, entry.getRevision());
      notifyAll();
    }
  }

  /** The cluster's model at start, compiled, with its types; empty (logged at ERROR) when this node cannot. */
  private static Optional<Started> started(KeyValueEntry entry) {
    try {
      RecordedModel recorded = RecordedModel.decode(entry.getValue(), "the cluster's model");
      return compile(recorded, entry.getRevision(), "the cluster's model", KEEPS)
          .map(compiled -> new Started(compiled, recorded.recordedTypes().orElseGet(
              () -> StoredFieldTypes.of(compiled.model()))));
    } catch (IOException | RuntimeException e) {
      LOG.error("the cluster's model (revision {}) cannot be read on this node; it keeps the model it runs: {}",
          entry.getRevision(), e.toString());
      return Optional.empty();
    }
  }

  /**
   * A stored model, compiled; empty (logged at ERROR) when this node cannot read or compile it.
   *
   * @param what what the entry is, for the log ({@code the cluster's model})
   */
  static Optional<CompiledModel> compile(KeyValueEntry entry, String what) {
    try {
      return compile(RecordedModel.decode(entry.getValue(), what), entry.getRevision(), what, KEEPS);
    } catch (IOException | RuntimeException e) {
      LOG.error("{} (revision {}) cannot be read on this node; it keeps the model it runs: {}", what,
          entry.getRevision(), e.toString());
      return Optional.empty();
    }
  }

  /**
   * A recorded model, compiled; empty (logged at ERROR) when it has errors on this node.
   *
   * @param consequence what the node does then, for the log ({@code it keeps the model it runs})
   */
  static Optional<CompiledModel> compile(RecordedModel recorded, long revision, String what, String consequence) {
    try {
      return Optional.of(recorded.compile());
    } catch (InvalidModelException e) {
      LOG.error("{} (revision {}) has errors on this node; {}: {}", what, revision, consequence, e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
  }

  /** Loads each new value; the first call of {@code endOfData} ends the wait of {@link #open}. */
  private final class Watcher implements KeyValueWatcher {

    @Override
    public void watch(KeyValueEntry entry) {
      load(entry);
    }

    @Override
    public void endOfData() {
      initial.countDown();
    }
  }
}
