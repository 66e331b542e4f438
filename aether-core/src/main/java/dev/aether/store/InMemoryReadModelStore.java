package dev.aether.store;

import dev.aether.support.Checks;
import dev.aether.support.JsonValues;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link ReadModelStore} in memory: rows and checkpoints live as long as this object (share one instance
 * between runtimes to keep them across a restart in one process). Thread-safe (concurrent maps; rows are
 * stored as unmodifiable copies; a row and its stream's checkpoint change in one atomic step per stream;
 * checkpoints and the feed position only move forward).
 */
public final class InMemoryReadModelStore implements ReadModelStore {

  /** The data of one read model. */
  private static final class Data {
    final ConcurrentMap<String, Map<String, Object>> rows = new ConcurrentHashMap<>();
    final ConcurrentMap<String, Long> checkpoints = new ConcurrentHashMap<>();
    volatile String schema;
    final AtomicReference<FeedPosition> position = new AtomicReference<>();
  }

  /** A read model's data under the very name string last asked for. */
  private record Named(String name, Data data) {}

  private final ConcurrentMap<String, Data> models = new ConcurrentHashMap<>();
  private volatile Named last;

  private InMemoryReadModelStore() {}

  /** @return an empty store */
  public static InMemoryReadModelStore create() {
    return new InMemoryReadModelStore();
  }

  private Data data(String readModel) {
    Named last = this.last;
    if (last != null && last.name() == readModel) {
      return last.data(); // a projector calls several times per event with the same name
    }
    Data data = models.computeIfAbsent(Checks.notNull(readModel, "readModel"), k -> new Data());
    this.last = new Named(readModel, data);
    return data;
  }

  @Override
  public Optional<Map<String, Object>> get(String readModel, String key) {
    return Optional.ofNullable(data(readModel).rows.get(key));
  }

  @Override
  public Map<String, Map<String, Object>> rows(String readModel) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(data(readModel).rows));
  }

  @Override
  public long checkpoint(String readModel, String streamId) {
    return data(readModel).checkpoints.getOrDefault(streamId, 0L);
  }

  @Override
  public Set<String> streams(String readModel) {
    return Set.copyOf(data(readModel).checkpoints.keySet());
  }

  @Override
  public void put(String readModel, String key, Map<String, Object> row, String streamId, long version) {
    Data data = data(readModel);
    Checks.notNull(key, "key");
    Map<String, Object> copy = immutable(row);
    data.checkpoints.compute(Checks.notNull(streamId, "streamId"), (stream, checkpoint) -> {
      if (checkpoint != null && checkpoint >= version) {
        return checkpoint; // applied already
      }
      data.rows.put(key, copy);
      return version;
    });
  }

  @Override
  public void advance(String readModel, String streamId, long version) {
    data(readModel).checkpoints.merge(Checks.notNull(streamId, "streamId"), version, Math::max);
  }

  @Override
  public Optional<String> schema(String readModel) {
    return Optional.ofNullable(data(readModel).schema);
  }

  @Override
  public void reset(String readModel, String schema) {
    Data data = data(readModel);
    data.rows.clear();
    data.checkpoints.replaceAll((stream, version) -> 0L);
    data.position.set(null);
    data.schema = schema;
  }

  @Override
  public void write(String readModel, String key, Map<String, Object> row) {
    data(readModel).rows.put(Checks.notNull(key, "key"), immutable(Checks.notNull(row, "row")));
  }

  /** The row as kept: an immutable object as it is, anything else as an unmodifiable copy. */
  private static Map<String, Object> immutable(Map<String, Object> row) {
    return JsonValues.isImmutableObject(row) ? row : Collections.unmodifiableMap(new LinkedHashMap<>(row));
  }

  @Override
  public void remove(String readModel, String key) {
    data(readModel).rows.remove(Checks.notNull(key, "key"));
  }

  @Override
  public Optional<FeedPosition> feedPosition(String readModel) {
    return Optional.ofNullable(data(readModel).position.get());
  }

  @Override
  public void saveFeedPosition(String readModel, FeedPosition position) {
    Checks.notNull(position, "position");
    data(readModel).position.accumulateAndGet(position,
        (saved, next) -> saved == null || next.covers(saved) ? next : saved);
  }
}
