package dev.aether.server;

import dev.aether.model.exec.StoredFieldTypes;
import dev.aether.runtime.ModelError;
import dev.aether.store.StoreUnavailableException;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One key of the namespace's model bucket holding a {@link RecordedModel} (the cluster's model, a single node's
 * record), written only at the revision read: a model is recorded with the types of the record it was checked
 * against, so two writers at once (two nodes' {@code PUT}s) never lose each other's types; the one that finds the
 * record changed reads it and checks again ({@value #ATTEMPTS} times at most). Thread-safe (the bucket decides).
 */
final class ModelKey {

  /** How often a write reads, checks and writes again when another writer came between. */
  static final int ATTEMPTS = 5;
  /** JetStream's error code for a write whose expected last revision is not the key's. */
  private static final int WRONG_LAST_SEQUENCE = 10071;

  private final KeyValue kv;
  private final String key;
  private final String what;

  /**
   * A key of the model bucket.
   *
   * @param kv the model bucket
   * @param key the key
   * @param what what it holds, for messages ({@code the cluster's model})
   */
  ModelKey(KeyValue kv, String key, String what) {
    this.kv = kv;
    this.key = key;
    this.what = what;
  }

  /**
   * What the key holds at a revision.
   *
   * @param revision the revision read; 0 when the key never had a value
   * @param model the recorded model; empty when none (never written, deleted)
   */
  record Current(long revision, Optional<RecordedModel> model) {}

  /**
   * A model checked against the record: the value to write and the warnings of its load.
   *
   * @param format {@code yaml} or {@code json}
   * @param text the model
   * @param storedTypes the types after its load, to record with it
   * @param warnings the warnings of its load
   */
  record Checked(String format, String text, StoredFieldTypes storedTypes, List<ModelError> warnings) {}

  /**
   * A model written.
   *
   * @param revision its revision
   * @param warnings the warnings of its check
   */
  record Written(long revision, List<ModelError> warnings) {}

  /** @return what the key is called in messages */
  String what() {
    return what;
  }

  /**
   * Reads the key now.
   *
   * @throws StoreUnavailableException when the bucket cannot be read, or the value is not a recorded model
   */
  Current read() {
    KeyValueEntry entry;
    try {
      entry = kv.get(key);
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      throw new StoreUnavailableException("cannot read " + what + ": " + e, e);
    }
    if (entry == null) {
      return new Current(0, Optional.empty());
    }
    if (entry.getOperation() != KeyValueOperation.PUT) {
      return new Current(entry.getRevision(), Optional.empty());
    }
    try {
      return new Current(entry.getRevision(), Optional.of(RecordedModel.decode(entry.getValue(), what)));
    } catch (IOException e) {
      throw RecordedModel.unreadable(what + " (revision " + entry.getRevision() + ")", e.getMessage(), e);
    }
  }

  /**
   * The types the stored events may hold by a record read.
   *
   * @throws StoreUnavailableException when the record holds none this node can read ({@link RecordedModel#storedTypes})
   */
  StoredFieldTypes storedTypes(Current current) {
    return current.model().map(recorded -> recorded.storedTypes(what + " (revision " + current.revision() + ")"))
        .orElse(StoredFieldTypes.none());
  }

  /**
   * Checks a model against what the key holds and writes it at the revision read; reads and checks again when
   * another writer came between.
   *
   * @param check the check against a record read: throws to refuse the model (nothing is written)
   * @return the revision written and the warnings of the check that was written
   * @throws StoreUnavailableException when the key cannot be read or written, or changed {@value #ATTEMPTS} times
   *     while this node was writing
   */
  Written write(Function<Current, Checked> check) {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Current current = read();
      Checked checked = check.apply(current);
      Optional<Long> revision = writeAt(checked, current.revision());
      if (revision.isPresent()) {
        return new Written(revision.get(), checked.warnings());
      }
    }
    throw new StoreUnavailableException(what + " changed " + ATTEMPTS + " times while this node was writing it; try"
        + " again", null);
  }

  /** Writes at a revision (0: the key must have had no value); empty when the key is at another. */
  private Optional<Long> writeAt(Checked checked, long revision) {
    try {
      byte[] value = RecordedModel.encode(checked.format(), checked.text(), checked.storedTypes());
      return Optional.of(revision == 0 ? kv.create(key, value) : kv.update(key, value, revision));
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
        return Optional.empty();
      }
      throw new StoreUnavailableException("cannot write " + what + ": " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new StoreUnavailableException("cannot write " + what + ": " + e, e);
    }
  }
}
