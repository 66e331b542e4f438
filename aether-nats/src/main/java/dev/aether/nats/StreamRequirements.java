package dev.aether.nats;

import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What an existing stream must offer to be used by a store: the same subjects, and at least the configured
 * durability. Checked against the configuration the server echoes (old servers silently drop settings they
 * do not know, so the request alone proves nothing). The first failed requirement is thrown as an
 * {@link IncompatibleStreamException} naming the stream, the setting, the existing and the required value.
 *
 * <p>Event streams must have: exactly the partition's subject; limits retention; file storage when file is
 * configured (file where memory is configured is accepted: it is stronger); at least the configured
 * replicas; no maximum age, or one at least as long as configured; no per-subject message limit; no
 * message or byte limit that discards old events; direct get allowed; at least the configured duplicate
 * window; not sealed; not a mirror; and, when the description records a partition count, the configured
 * one. The snapshot bucket's stream must have the storage and replicas, and no maximum age.
 *
 * <p>Stateless and thread-safe.
 */
final class StreamRequirements {

  private StreamRequirements() {}

  /** Checks an event stream. */
  static void checkEventStream(StreamConfiguration existing, JetStreamConfig config, StoreLayout layout,
      int partition) {
    String name = existing.getName();
    List<String> wantedSubjects = List.of(layout.streamSubject(partition));
    require(wantedSubjects.equals(existing.getSubjects()), name, "subjects", existing.getSubjects(), wantedSubjects);
    require(existing.getRetentionPolicy() == RetentionPolicy.Limits, name, "retention",
        existing.getRetentionPolicy(), RetentionPolicy.Limits);
    checkDurability(existing, config);
    require(existing.getMaxMsgsPerSubject() <= 0, name, "maxMsgsPerSubject", existing.getMaxMsgsPerSubject(),
        "unlimited");
    boolean discardsOld = existing.getDiscardPolicy() != DiscardPolicy.New;
    require(!discardsOld || existing.getMaxMsgs() <= 0, name, "maxMsgs", existing.getMaxMsgs()
        + " with discard old", "unlimited, or discard new");
    require(!discardsOld || existing.getMaxBytes() <= 0, name, "maxBytes", existing.getMaxBytes()
        + " with discard old", "unlimited, or discard new");
    require(existing.getAllowDirect(), name, "allowDirect", false, true);
    Duration window = Optional.ofNullable(existing.getDuplicateWindow()).orElse(Duration.ZERO);
    require(window.compareTo(config.duplicateWindow()) >= 0, name, "duplicateWindow", window,
        "at least " + config.duplicateWindow());
    require(!existing.getSealed(), name, "sealed", true, false);
    require(existing.getMirror() == null, name, "mirror", existing.getMirror(), "none");
    OptionalInt described = StoreLayout.describedPartitions(existing.getDescription());
    require(described.isEmpty() || described.getAsInt() == layout.partitions(), name, "partitions",
        described.isEmpty() ? "" : described.getAsInt(), layout.partitions());
  }

  /** Checks the snapshot bucket's backing stream. */
  static void checkBucketStream(StreamConfiguration existing, JetStreamConfig config) {
    checkDurability(existing, config);
    Duration age = Optional.ofNullable(existing.getMaxAge()).orElse(Duration.ZERO);
    require(age.isZero(), existing.getName(), "maxAge", age, "unlimited (snapshots must not expire)");
  }

  private static void checkDurability(StreamConfiguration existing, JetStreamConfig config) {
    String name = existing.getName();
    boolean memoryForFile = config.storage() == JetStreamConfig.Storage.FILE
        && existing.getStorageType() == StorageType.Memory;
    require(!memoryForFile, name, "storage", existing.getStorageType(), StorageType.File);
    require(existing.getReplicas() >= config.replicas(), name, "replicas", existing.getReplicas(),
        "at least " + config.replicas());
    Duration age = Optional.ofNullable(existing.getMaxAge()).orElse(Duration.ZERO);
    if (config.maxAge().isEmpty()) {
      require(age.isZero(), name, "maxAge", age, "unlimited");
    } else {
      Duration wanted = config.maxAge().get();
      require(age.isZero() || age.compareTo(wanted) >= 0, name, "maxAge", age, "at least " + wanted);
    }
  }

  private static void require(boolean holds, String stream, String field, Object existing, Object wanted) {
    if (!holds) {
      throw new IncompatibleStreamException(stream, field, String.valueOf(existing), String.valueOf(wanted));
    }
  }
}
