package dev.aether.nats;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.aether.support.Checks;
import dev.aether.support.JsonValues;
import dev.aether.store.FeedPosition;
import dev.aether.store.ReadModelStore;
import dev.aether.store.StoreUnavailableException;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A {@link ReadModelStore} in a JetStream key-value bucket (file storage, one value per key), so read models
 * survive a restart of the process and of the server.
 *
 * <p>Keys (every name base64url-encoded, so any read-model name, row key or stream id is a valid KV key):
 * {@code <rm>.row.<key>} holds {@code {"row": {...}, "applied": {"<streamId>": <version>, ...}}},
 * {@code <rm>.cp.<streamId>} the stream's checkpoint, {@code <rm>.schema} the row schema tag. A row carries
 * the version of the last event of each stream applied to it, written in the same KV put as the row; so when
 * the process stops between a row write and its checkpoint write, the replayed event is recognised and not
 * applied twice (the checkpoint is then only a resume position). {@code <rm>.position} holds the feed position.
 *
 * <p>Every write of a row, a checkpoint or a position is a compare-and-set (KV create, or update by the
 * revision read), never last-writer-wins: two processes projecting the same read model cannot undo each
 * other's update; a checkpoint and a position only move forward. A lost race is computed again on the fresh
 * value.
 *
 * <p>Failures of the server surface as {@link StoreUnavailableException}; while the bucket's stream is missing
 * on the server (restarted on an empty store), at once, naming it ({@link MissingStreams}: a KV get of a missing
 * bucket gets no answer and waited its timeout). Thread-safe (the KV client is; {@link MissingStreams} is).
 */
public final class JetStreamReadModelStore implements ReadModelStore {

  /** The default bucket name. */
  public static final String DEFAULT_BUCKET = "aether-readmodels";

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_LONG_FOR_INTS).build();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  /** The server's answer to a create or update that lost the race: "wrong last sequence". */
  private static final int WRONG_LAST_SEQUENCE = 10071;
  private static final int CAS_ATTEMPTS = 100;

  private final KeyValue kv;
  private final JetStreamManagement jsm;
  /** The bucket's stream, {@code KV_<bucket>}. */
  private final String stream;
  private final MissingStreams missing;

  private JetStreamReadModelStore(KeyValue kv, JetStreamManagement jsm, MissingStreams missing) {
    this.kv = kv;
    this.jsm = jsm;
    this.stream = streamOf(kv.getBucketName());
    this.missing = missing;
  }

  /**
   * Opens (and creates when missing) the bucket {@value #DEFAULT_BUCKET}.
   *
   * @param connection a connection the caller keeps owning
   * @return the store
   * @throws StoreUnavailableException when the bucket cannot be created or opened
   */
  public static JetStreamReadModelStore create(Connection connection) {
    return create(connection, DEFAULT_BUCKET);
  }

  /**
   * Opens (and creates when missing) the read-model bucket of an event store's namespace, {@link
   * #bucket(JetStreamConfig)} (the one an Aether node of that namespace uses), on the event store's connection:
   * nothing more to connect or to close (the store is used as long as the event store is open). A bucket it
   * creates has the event store's {@link JetStreamConfig#replicas()}.
   *
   * @param events an open event store
   * @return the store
   * @throws dev.aether.InvalidInputException naming {@code events} when null
   * @throws StoreUnavailableException when the bucket cannot be created or opened
   */
  public static JetStreamReadModelStore create(JetStreamEventStore events) {
    Checks.notNull(events, "events");
    return open(events.connection(), bucket(events.config()), events.config().replicas());
  }

  /**
   * The read-model bucket of a namespace: {@code <subjectPrefix>-readmodels-<namespace token>}
   * ({@code aether-readmodels-default}).
   *
   * @param config the store's configuration
   * @return the bucket's name
   */
  public static String bucket(JetStreamConfig config) {
    return Checks.notNull(config, "config").subjectPrefix() + "-readmodels-" + config.namespaceToken();
  }

  /**
   * Opens (and creates when missing) a bucket, with one replica.
   *
   * @param connection a connection the caller keeps owning
   * @param bucket the bucket name ({@code [A-Za-z0-9_-]+})
   * @return the store
   * @throws StoreUnavailableException when the bucket cannot be created or opened
   */
  public static JetStreamReadModelStore create(Connection connection, String bucket) {
    return open(connection, bucket, 1);
  }

  private static JetStreamReadModelStore open(Connection connection, String bucket, int replicas) {
    Checks.notNull(connection, "connection");
    if (!Checks.notBlank(bucket, "bucket").matches("[A-Za-z0-9_-]+")) {
      throw new dev.aether.InvalidInputException("bucket", "must match [A-Za-z0-9_-]+, was " + bucket);
    }
    try {
      PlacementRetry.ensureBucket(connection.keyValueManagement(), KeyValueConfiguration.builder().name(bucket)
          .description("Aether read models").maxHistoryPerKey(1).storageType(StorageType.File).replicas(replicas)
          .build(), PlacementRetry.budget(JetStreamConfig.DEFAULT_REQUEST_TIMEOUT));
      return new JetStreamReadModelStore(connection.keyValue(bucket), connection.jetStreamManagement(),
          new MissingStreams(connection, List.of(streamOf(bucket))));
    } catch (IOException | JetStreamApiException e) {
      throw new StoreUnavailableException("cannot open read-model bucket " + bucket + ": " + e.getMessage(), e);
    }
  }

  private static String streamOf(String bucket) {
    return "KV_" + bucket;
  }

  private static String token(String text) {
    return "k" + B64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String untoken(String token) {
    return new String(B64D.decode(token.substring(1)), StandardCharsets.UTF_8);
  }

  private static String rowKey(String readModel, String key) {
    return token(readModel) + ".row." + token(key);
  }

  private static String positionKey(String readModel) {
    return token(readModel) + ".position";
  }

  private static String checkpointKey(String readModel, String streamId) {
    return token(readModel) + ".cp." + token(streamId);
  }

  /** @return {@code true}: every process on the bucket reads and writes the same rows */
  @Override
  public boolean isShared() {
    return true;
  }

  @Override
  public Optional<Map<String, Object>> get(String readModel, String key) {
    return entry(rowKey(readModel, key)).map(JetStreamReadModelStore::row);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> row(Map<String, Object> entry) {
    return Collections.unmodifiableMap((Map<String, Object>) entry.getOrDefault("row", Map.of()));
  }

  @Override
  public Map<String, Map<String, Object>> rows(String readModel) {
    String prefix = token(readModel) + ".row.";
    Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
    for (String key : keys(prefix + ">")) { // the server lists this read model's rows only
      entry(key).ifPresent(e -> rows.put(untoken(key.substring(prefix.length())), row(e)));
    }
    return Collections.unmodifiableMap(rows);
  }

  @Override
  public long checkpoint(String readModel, String streamId) {
    return text(checkpointKey(readModel, streamId)).map(Long::parseLong).orElse(0L);
  }

  @Override
  public Set<String> streams(String readModel) {
    String prefix = token(readModel) + ".cp.";
    Set<String> streams = new HashSet<>();
    keys(prefix + ">").forEach(k -> streams.add(untoken(k.substring(prefix.length()))));
    return Set.copyOf(streams);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void put(String readModel, String key, Map<String, Object> row, String streamId, long version) {
    Map<String, Object> copy = JsonValues.copyObject(row, "row");
    compareAndSet(rowKey(readModel, key), current -> {
      Map<String, Object> existing = current == null ? Map.of() : parse(current, key);
      Map<String, Object> applied = new LinkedHashMap<>((Map<String, Object>) existing.getOrDefault("applied",
          Map.of()));
      if (((Number) applied.getOrDefault(streamId, 0L)).longValue() >= version) {
        return null; // applied already: the same update again, or an older one after a newer
      }
      applied.put(streamId, version);
      return json(Map.of("row", copy, "applied", applied));
    });
    advance(readModel, streamId, version);
  }

  @Override
  @SuppressWarnings("unchecked")
  public boolean putIfUnchanged(String readModel, String key, Map<String, Object> base, Map<String, Object> row,
      String streamId, long version) {
    Map<String, Object> copy = JsonValues.copyObject(Checks.notNull(row, "row"), "row");
    boolean[] changed = {false};
    compareAndSet(rowKey(readModel, key), current -> {
      Map<String, Object> existing = current == null ? null : parse(current, key);
      Object stored = existing == null ? null : existing.get("row");
      Map<String, Object> applied = new LinkedHashMap<>(existing == null ? Map.of()
          : (Map<String, Object>) existing.getOrDefault("applied", Map.of()));
      if (((Number) applied.getOrDefault(streamId, 0L)).longValue() >= version) {
        return null; // applied already
      }
      changed[0] = !Objects.equals(stored, base);
      if (changed[0]) {
        return null; // another writer changed the row since it was read: the caller computes again
      }
      applied.put(streamId, version);
      return json(Map.of("row", copy, "applied", applied));
    });
    if (changed[0]) {
      return false;
    }
    advance(readModel, streamId, version);
    return true;
  }

  @Override
  public boolean removeIfUnchanged(String readModel, String key, Map<String, Object> base) {
    String rowKey = rowKey(readModel, Checks.notNull(key, "key"));
    requireStream("removing", rowKey);
    try {
      KeyValueEntry entry = kv.get(rowKey);
      Object stored = entry == null ? null : parse(entry.getValue(), key).get("row");
      if (!Objects.equals(stored, base)) {
        return false;
      }
      if (entry != null) {
        kv.delete(rowKey, entry.getRevision()); // conditional: fails if the row changed since
      }
      return true;
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
        return false;
      }
      throw unavailable("removing " + rowKey, e);
    } catch (IOException e) {
      throw unavailable("removing " + rowKey, e);
    }
  }

  @Override
  public void advance(String readModel, String streamId, long version) {
    byte[] value = Long.toString(version).getBytes(StandardCharsets.UTF_8);
    compareAndSet(checkpointKey(readModel, streamId), current ->
        current != null && Long.parseLong(new String(current, StandardCharsets.UTF_8)) >= version ? null : value);
  }

  @Override
  public void write(String readModel, String key, Map<String, Object> row) {
    write(rowKey(readModel, Checks.notNull(key, "key")),
        json(Map.of("row", JsonValues.copyObject(Checks.notNull(row, "row"), "row"), "applied", Map.of())));
  }

  @Override
  public void remove(String readModel, String key) {
    purge(rowKey(readModel, Checks.notNull(key, "key")));
  }

  @Override
  public Optional<FeedPosition> feedPosition(String readModel) {
    return text(positionKey(readModel)).map(FeedPosition::parse);
  }

  @Override
  public void saveFeedPosition(String readModel, FeedPosition position) {
    byte[] value = Checks.notNull(position, "position").toString().getBytes(StandardCharsets.UTF_8);
    compareAndSet(positionKey(readModel), current ->
        current == null || position.covers(FeedPosition.parse(new String(current, StandardCharsets.UTF_8)))
            ? value : null);
  }

  @Override
  public Optional<String> schema(String readModel) {
    return text(token(readModel) + ".schema");
  }

  @Override
  public void reset(String readModel, String schema) {
    String rows = token(readModel) + ".row.";
    String checkpoints = token(readModel) + ".cp.";
    for (String key : keys(token(readModel) + ".>")) {
      if (key.startsWith(rows)) {
        purge(key);
      } else if (key.startsWith(checkpoints)) {
        write(key, "0".getBytes(StandardCharsets.UTF_8));
      }
    }
    purge(positionKey(readModel));
    write(token(readModel) + ".schema", schema.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The stored row entry with the per-stream versions applied to it (for tests and tools).
   *
   * @param readModel the read model name
   * @param key the row key
   * @return stream id to the version of its last event applied to the row
   */
  @SuppressWarnings("unchecked")
  public Map<String, Long> applied(String readModel, String key) {
    Map<String, Long> applied = new LinkedHashMap<>();
    entry(rowKey(readModel, key)).ifPresent(e -> ((Map<String, Object>) e.getOrDefault("applied", Map.of()))
        .forEach((stream, v) -> applied.put(stream, ((Number) v).longValue())));
    return applied;
  }

  private Optional<Map<String, Object>> entry(String key) {
    return bytes(key).map(b -> parse(b, key));
  }

  private static Map<String, Object> parse(byte[] json, String key) {
    try {
      return JSON.readValue(json, MAP);
    } catch (IOException e) {
      throw new IllegalStateException("read-model entry " + key + " is not JSON", e);
    }
  }

  /**
   * Writes a key only if nobody wrote it since it was read (KV create, or update by revision): {@code change}
   * computes the new value from the current one ({@code null} when absent), or returns {@code null} to write
   * nothing. A lost race is computed again on the fresh value, up to {@value #CAS_ATTEMPTS} times.
   */
  private void compareAndSet(String key, UnaryOperator<byte[]> change) {
    requireStream("writing", key);
    for (int attempt = 1; ; attempt++) {
      try {
        KeyValueEntry entry = kv.get(key);
        byte[] current = entry == null ? null : entry.getValue();
        byte[] next = change.apply(current);
        if (next == null) {
          return;
        }
        if (entry == null) {
          kv.create(key, next);
        } else {
          kv.update(key, next, entry.getRevision());
        }
        return;
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() != WRONG_LAST_SEQUENCE || attempt == CAS_ATTEMPTS) {
          throw unavailable("writing " + key + (attempt > 1 ? " (" + attempt + " writers' races)" : ""), e);
        }
      } catch (IOException e) {
        throw unavailable("writing " + key, e);
      }
    }
  }

  private Optional<String> text(String key) {
    return bytes(key).map(b -> new String(b, StandardCharsets.UTF_8));
  }

  private Optional<byte[]> bytes(String key) {
    requireStream("reading", key);
    try {
      KeyValueEntry entry = kv.get(key);
      return entry == null || entry.getValue() == null ? Optional.empty() : Optional.of(entry.getValue());
    } catch (IOException | JetStreamApiException e) {
      throw unavailable("reading " + key, e);
    }
  }

  /**
   * The keys matching a filter ({@code <token>.row.>}), deleted ones included ({@link KvKeys}: no consumer, so
   * a replica's server being down does not matter): the server filters, so other read models cost nothing.
   */
  private List<String> keys(String filter) {
    requireStream("listing", filter);
    return KvKeys.list(jsm, kv.getBucketName(), filter);
  }

  private void write(String key, byte[] value) {
    requireStream("writing", key);
    try {
      kv.put(key, value);
    } catch (IOException | JetStreamApiException e) {
      throw unavailable("writing " + key, e);
    }
  }

  private void purge(String key) {
    requireStream("purging", key);
    try {
      kv.purge(key);
    } catch (IOException | JetStreamApiException e) {
      throw unavailable("purging " + key, e);
    }
  }

  private static byte[] json(Map<String, Object> value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a read-model row", e);
    }
  }

  /** Refuses at once while the bucket's stream is known missing (see {@link MissingStreams}). */
  private void requireStream(String action, String key) {
    missing.require(stream, () -> "read-model bucket: " + action + " " + key); // the text only on a refusal
  }

  /** The failure of a request, told as a missing bucket when the server says its stream is missing. */
  private RuntimeException unavailable(String what, Exception e) {
    return missing.failed(stream, () -> "read-model bucket: " + what,
        new StoreUnavailableException("read-model bucket: " + what + " failed: " + e.getMessage(), e));
  }
}
