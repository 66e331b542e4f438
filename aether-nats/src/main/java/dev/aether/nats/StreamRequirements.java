package dev.aether.nats;

import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.PersistMode;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What an existing stream must offer to be used by a store, checked against the configuration the server
 * echoes (old servers silently drop settings they do not know, so the request alone proves nothing). A
 * setting that breaks the store's contract by itself is refused: the first one is thrown as an
 * {@link IncompatibleStreamException} naming the stream, the setting, the existing and the required value.
 * A setting that only weakens it (another client could remove events, or a capacity limit will refuse
 * commits one day) is returned as a {@link Warning}, for the caller to log.
 *
 * <p>Event streams, refused: other subjects; retention other than limits; memory storage where file is
 * configured (file where memory is configured is stronger); fewer replicas than configured; a maximum age
 * shorter than configured (or any, when the store keeps events forever); a per-subject message limit; a
 * message or byte limit that discards old events; direct get not allowed; a shorter duplicate window;
 * sealed; a mirror; sources; a subject transform; {@code no_ack} (every commit would wait for the request
 * timeout and be reported as of unknown outcome although stored); a maximum message size below the
 * server's max payload (the store sizes commits by max payload); message counters; and, when the
 * description records a partition count, another one. Warned about: deletes or purges allowed, rollup
 * headers allowed, per-message TTLs or subject delete markers, message schedules, asynchronous persistence,
 * a message or byte limit that discards new commits, a consumer limit.
 *
 * <p>The snapshot bucket's stream, refused: weaker storage or fewer replicas, a maximum age, no_ack,
 * sealed, mirror, sources, subject transform. Warned about: a maximum message size below max payload and a
 * limit that discards new entries (larger or later snapshots are refused; actors then replay in full).
 *
 * <p>Stateless and thread-safe.
 */
final class StreamRequirements {

  private StreamRequirements() {}

  /**
   * A stream setting the store accepts but that weakens what it promises.
   *
   * @param stream the stream
   * @param field the setting, for example {@code denyDelete}
   * @param existing the stream's value
   * @param consequence what it means for the store's events, and what to change
   */
  record Warning(String stream, String field, String existing, String consequence) {}

  /**
   * Checks an event stream.
   *
   * @param maxPayload the server's max payload
   * @return the settings to warn about
   * @throws IncompatibleStreamException for the first refused setting
   */
  static List<Warning> checkEventStream(StreamConfiguration existing, JetStreamConfig config, StoreLayout layout,
      int partition, long maxPayload) {
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
    checkPlacement(existing);
    checkWrites(existing, maxPayload);
    require(!existing.getAllowMessageCounter(), name, "allowMsgCounter", true,
        "false (a counter stream accepts only counter increments)");
    OptionalInt described = StoreLayout.describedPartitions(existing.getDescription());
    require(described.isEmpty() || described.getAsInt() == layout.partitions(), name, "partitions",
        described.isEmpty() ? "" : described.getAsInt(), layout.partitions());
    return eventStreamWarnings(existing);
  }

  /**
   * Checks the snapshot bucket's backing stream.
   *
   * @param maxPayload the server's max payload
   * @return the settings to warn about
   * @throws IncompatibleStreamException for the first refused setting
   */
  static List<Warning> checkBucketStream(StreamConfiguration existing, JetStreamConfig config, long maxPayload) {
    checkDurability(existing, config);
    Duration age = Optional.ofNullable(existing.getMaxAge()).orElse(Duration.ZERO);
    require(age.isZero(), existing.getName(), "maxAge", age, "unlimited (snapshots must not expire)");
    checkPlacement(existing);
    require(!existing.getNoAck(), existing.getName(), "noAck", true,
        "false (without acknowledgements every snapshot save would wait for the request timeout and fail)");
    List<Warning> warnings = new ArrayList<>();
    String consequence = "larger snapshots are refused; their actors then replay every event";
    maxMsgSizeBelow(existing, maxPayload).ifPresent(size -> warnings.add(new Warning(existing.getName(),
        "maxMsgSize", size, consequence + " (the server's max payload is " + maxPayload + ")")));
    discardNewLimit(existing).ifPresent(limit -> warnings.add(new Warning(existing.getName(),
        limit.field(), limit.value(), "once the bucket is full, new snapshots are refused; their actors then "
        + "replay every event")));
    return warnings;
  }

  /** Sealed, mirror, sources, subject transform: the stream would refuse or misfile the store's writes. */
  private static void checkPlacement(StreamConfiguration existing) {
    String name = existing.getName();
    require(!existing.getSealed(), name, "sealed", true, false);
    require(existing.getMirror() == null, name, "mirror", existing.getMirror(), "none");
    List<?> sources = existing.getSources() == null ? List.of() : existing.getSources();
    require(sources.isEmpty(), name, "sources", sources, "none (sourced messages bypass the store's version "
        + "checks)");
    require(existing.getSubjectTransform() == null, name, "subjectTransform", existing.getSubjectTransform(),
        "none (transformed events would be stored where the store never reads)");
  }

  /** No acknowledgements, or a message size limit below what the store sends. */
  private static void checkWrites(StreamConfiguration existing, long maxPayload) {
    String name = existing.getName();
    require(!existing.getNoAck(), name, "noAck", true, "false (without acknowledgements every commit would wait "
        + "for the request timeout and be reported as of unknown outcome although stored)");
    maxMsgSizeBelow(existing, maxPayload).ifPresent(size -> require(false, name, "maxMsgSize", size,
        "unlimited or at least the server's max payload " + maxPayload + " (the store sizes commits by max "
        + "payload; lower max_payload on the server instead)"));
  }

  private static List<Warning> eventStreamWarnings(StreamConfiguration existing) {
    String name = existing.getName();
    List<Warning> warnings = new ArrayList<>();
    String removable = " by any client with access; the store cannot tell such a gap from events never written."
        + " Create the stream with ";
    if (!existing.getDenyDelete()) {
      warnings.add(new Warning(name, "denyDelete", "false", "single events can be deleted" + removable
          + "deny_delete"));
    }
    if (!existing.getDenyPurge()) {
      warnings.add(new Warning(name, "denyPurge", "false", "an actor's or the whole stream's events can be purged"
          + removable + "deny_purge"));
    }
    if (existing.getAllowRollup()) {
      warnings.add(new Warning(name, "allowRollup", "true", "a message with a Nats-Rollup header replaces an "
          + "actor's whole history" + removable + "allow_rollup_hdrs false"));
    }
    if (existing.getAllowMessageTtl()) {
      warnings.add(new Warning(name, "allowMsgTtl", "true", "a message with a Nats-TTL header expires; the store "
          + "never sends one, other clients could"));
    }
    Duration markers = existing.getSubjectDeleteMarkerTtl();
    if (markers != null && !markers.isZero()) {
      warnings.add(new Warning(name, "subjectDeleteMarkerTtl", markers.toString(), "the server writes a marker "
          + "that is not an event on the subject of an actor whose events all expired; it is reported as an "
          + "undecodable record"));
    }
    if (existing.getAllowMsgSchedules()) {
      warnings.add(new Warning(name, "allowMsgSchedules", "true", "a scheduled message can publish onto an "
          + "actor's subject without the store's version checks"));
    }
    if (existing.getPersistMode() == PersistMode.Async) {
      warnings.add(new Warning(name, "persistMode", "async", "commits are acknowledged before they are written, "
          + "so a server crash can lose acknowledged commits"));
    }
    discardNewLimit(existing).ifPresent(limit -> warnings.add(new Warning(name, limit.field(), limit.value(),
        "once the stream is full, every commit is refused (nothing is lost, nothing more is stored)")));
    if (existing.getMaxConsumers() > 0) {
      warnings.add(new Warning(name, "maxConsumers", Long.toString(existing.getMaxConsumers()), "every replay "
          + "uses a consumer: more replays at a time than this fail"));
    }
    return warnings;
  }

  private record Limit(String field, String value) {}

  /** The first message or byte limit of a stream that discards new messages when full. */
  private static Optional<Limit> discardNewLimit(StreamConfiguration existing) {
    if (existing.getDiscardPolicy() != DiscardPolicy.New) {
      return Optional.empty();
    }
    if (existing.getMaxMsgs() > 0) {
      return Optional.of(new Limit("maxMsgs", existing.getMaxMsgs() + " with discard new"));
    }
    if (existing.getMaxBytes() > 0) {
      return Optional.of(new Limit("maxBytes", existing.getMaxBytes() + " with discard new"));
    }
    return Optional.empty();
  }

  private static Optional<String> maxMsgSizeBelow(StreamConfiguration existing, long maxPayload) {
    long size = existing.getMaxMsgSize();
    return size > 0 && size < maxPayload ? Optional.of(Long.toString(size)) : Optional.empty();
  }

  private static void checkDurability(StreamConfiguration existing, JetStreamConfig config) {
    String name = existing.getName();
    boolean memoryForFile = config.storage() == JetStreamConfig.Storage.FILE
        && existing.getStorageType() == StorageType.Memory;
    require(!memoryForFile, name, "storage", existing.getStorageType(), StorageType.File);
    if (existing.getReplicas() < config.replicas()) {
      throw new IncompatibleStreamException(name, "replicas", Integer.toString(existing.getReplicas()),
          "at least " + config.replicas(), "scale it with `nats stream edit " + name + " --replicas "
              + config.replicas() + "`, or configure " + existing.getReplicas() + " replica(s)");
    }
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
