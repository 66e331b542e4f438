package dev.aether.nats;

import dev.aether.event.ActorSnapshot;
import dev.aether.event.EventDecodingException;
import dev.aether.event.EventJson;
import dev.aether.nats.JsonSlices.SnapshotEntry;
import dev.aether.nats.StoreLayout.ActorAddress;
import dev.aether.store.SnapshotTooLargeException;
import dev.aether.store.StoreUnavailableException;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The namespace's snapshots in a KV bucket (history 1): key = actor token, value =
 * {@code {"sequence":<n>,"snapshot":<snapshot JSON>}}, where {@code n} is the stream sequence of the last
 * commit the snapshot covers (0 when unknown), so that activation can replay from {@code n + 1}.
 *
 * <p>Only a snapshot of at least the stored version replaces the stored one: read, then create or update
 * with the read revision (compare-and-set), again after a concurrent change. The revision and version this
 * store last read or wrote for a key are remembered ({@link #MAX_KNOWN} keys), so the next save of that actor is
 * one update with that revision, without the read (nor decoding the stored snapshot); when another writer
 * changed the key meanwhile, the update is refused and the save reads as above. A read that found no snapshot
 * is remembered too, so an actor's first save is one create, also without the read. An entry that does not decode
 * is logged and treated as absent (the actor is then rebuilt by a full replay) and is replaced by the next
 * save.
 *
 * <p>An entry larger than the server's max payload (less {@value #HEADER_ALLOWANCE} bytes for the KV headers) is
 * refused before it is sent, with {@link SnapshotTooLargeException} (non-transient: before, the client's refusal
 * came out as a transient {@code StoreUnavailableException} at every attempt); so is one the server refuses as too
 * large (a bucket with a smaller max message size). The snapshot stored before stays; activation replays the
 * events after it.
 *
 * <p>Thread-safe.
 */
final class SnapshotBucket {

  /** How often a save is re-tried after losing a compare-and-set race. */
  static final int MAX_ATTEMPTS = 32;

  /** How many keys' last known revision and version are remembered. */
  static final int MAX_KNOWN = 100_000;

  /** Bytes kept free in a message for the KV's headers (an expected revision: about 60 bytes). */
  static final int HEADER_ALLOWANCE = 256;

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotBucket.class);

  private final KeyValue kv;
  private final String bucket;
  private final ReadRetry retry;
  /** The server's max payload now (0 or less: unknown). */
  private final LongSupplier maxPayload;
  private final ConcurrentMap<String, Known> known = BoundedMaps.create(MAX_KNOWN);
  /** What {@link #known} holds for a key this store read and found no snapshot under. */
  private static final Known ABSENT = new Known(0, 0);

  /**
   * @param retry how a read that failed transiently is retried (a replicated bucket's replicas stop
   *     answering direct gets for about a second when its leader is lost)
   * @param maxPayload the server's max payload now (0 or less: unknown)
   */
  SnapshotBucket(KeyValue kv, String bucket, ReadRetry retry, LongSupplier maxPayload) {
    this.kv = kv;
    this.bucket = bucket;
    this.retry = retry;
    this.maxPayload = maxPayload;
  }

  /**
   * Saves a snapshot unless a newer one is stored.
   *
   * @param address the actor
   * @param snapshot the snapshot
   * @param sequence the stream sequence of the last commit it covers, or 0
   * @throws SnapshotTooLargeException when the entry is larger than the server's max payload allows, or the
   *     server refuses it as too large
   */
  void save(ActorAddress address, ActorSnapshot snapshot, long sequence) {
    byte[] value = entry(sequence, EventJson.snapshotToBytes(snapshot));
    long limit = maxPayload.getAsLong();
    if (limit > 0 && value.length > limit - HEADER_ALLOWANCE) {
      throw tooLarge(address, snapshot, value, limit, null);
    }
    String what = "saving the snapshot of actor \"" + address.streamId() + "\" in bucket " + bucket;
    try {
      for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        if (trySave(address.token(), snapshot.version(), value)) {
          return;
        }
      }
    } catch (JetStreamApiException e) {
      throw e.getApiErrorCode() == NatsFailures.MESSAGE_TOO_LARGE ? tooLarge(address, snapshot, value, limit, e)
          : NatsFailures.ofRequest(what, e);
    } catch (IllegalArgumentException e) { // the client's own max payload check (a server with a smaller limit)
      long now = maxPayload.getAsLong();
      if (now > 0 && value.length > now - HEADER_ALLOWANCE) {
        throw tooLarge(address, snapshot, value, now, e);
      }
      throw NatsFailures.ofRequest(what, e);
    } catch (IOException | RuntimeException e) {
      throw NatsFailures.ofRequest(what, e);
    }
    throw new StoreUnavailableException(what + ": lost " + MAX_ATTEMPTS + " compare-and-set races in a row", null);
  }

  private SnapshotTooLargeException tooLarge(ActorAddress address, ActorSnapshot snapshot, byte[] value,
      long maxPayload, Exception refusal) {
    String detail = refusal == null
        ? "the NATS server's max payload of " + maxPayload + " bytes, less " + HEADER_ALLOWANCE + " for headers"
        : "bucket " + bucket + " refused it: " + refusal.getMessage();
    return new SnapshotTooLargeException(address.streamId(), snapshot.version(), value.length,
        maxPayload > 0 ? maxPayload - HEADER_ALLOWANCE : 0, detail, refusal);
  }

  /**
   * Reads an actor's snapshot.
   *
   * @param address the actor
   * @return the snapshot and the sequence it covers; empty when there is none or it does not decode
   */
  Optional<Stored> get(ActorAddress address) {
    String what = "reading the snapshot of actor \"" + address.streamId() + "\" from bucket " + bucket;
    KeyValueEntry entry = retry.run(what, () -> {
      try {
        return kv.get(address.token());
      } catch (IOException | JetStreamApiException | RuntimeException e) {
        throw NatsFailures.ofRequest(what, e);
      }
    });
    if (entry == null || entry.getValue() == null) {
      known.put(address.token(), ABSENT);
      return Optional.empty();
    }
    try {
      Stored stored = decode(address.streamId(), entry.getValue());
      known.put(address.token(), new Known(entry.getRevision(), stored.snapshot().version()));
      return Optional.of(stored);
    } catch (EventDecodingException e) {
      LOG.warn("ignoring the undecodable snapshot of actor \"{}\" (bucket {}, revision {}): {}",
          address.streamId(), bucket, entry.getRevision(), e.getMessage());
      return Optional.empty();
    }
  }

  /** One attempt: true when saved or when a newer snapshot is stored, false after losing a race. */
  private boolean trySave(String key, long version, byte[] value) throws IOException, JetStreamApiException {
    Known last = known.get(key);
    if (last != null) {
      if (last.version() > version) {
        return true; // the bucket only ever holds a newer one than what this store saw
      }
      if (last == ABSENT ? created(key, value, version) : updated(key, value, last.revision(), version)) {
        return true;
      }
    }
    KeyValueEntry existing = kv.get(key);
    if (existing == null || existing.getValue() == null) {
      return created(key, value, version);
    }
    long stored = storedVersion(existing);
    if (stored > version) {
      known.put(key, new Known(existing.getRevision(), stored));
      return true;
    }
    return updated(key, value, existing.getRevision(), version);
  }

  /** Creates the key (also over a deleted one); false (forgetting the key) when another writer created it. */
  private boolean created(String key, byte[] value, long version) throws IOException, JetStreamApiException {
    try {
      known.put(key, new Known(kv.create(key, value), version));
      return true;
    } catch (JetStreamApiException e) {
      return lostRace(key, e);
    }
  }

  /** Updates the key if it is still at {@code revision}; false (forgetting the key) when it is not. */
  private boolean updated(String key, byte[] value, long revision, long version)
      throws IOException, JetStreamApiException {
    try {
      known.put(key, new Known(kv.update(key, value, revision), version));
      return true;
    } catch (JetStreamApiException e) {
      return lostRace(key, e);
    }
  }

  private boolean lostRace(String key, JetStreamApiException e) throws JetStreamApiException {
    if (e.getApiErrorCode() != NatsFailures.WRONG_LAST_SEQUENCE) {
      throw e;
    }
    known.remove(key);
    return false;
  }

  private static long storedVersion(KeyValueEntry entry) {
    try {
      return EventJson.snapshotFromBytes(JsonSlices.snapshotEntry(entry.getValue()).snapshot()).version();
    } catch (EventDecodingException e) {
      return 0;
    }
  }

  private static Stored decode(String streamId, byte[] value) {
    SnapshotEntry entry = JsonSlices.snapshotEntry(value);
    ActorSnapshot snapshot = EventJson.snapshotFromBytes(entry.snapshot());
    if (!snapshot.streamId().equals(streamId)) {
      throw new EventDecodingException("the snapshot belongs to actor \"" + snapshot.streamId() + "\"", null);
    }
    return new Stored(snapshot, entry.sequence());
  }

  private static byte[] entry(long sequence, byte[] snapshot) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(snapshot.length + 40);
    out.writeBytes(("{\"sequence\":" + sequence + ",\"snapshot\":").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(snapshot);
    out.write('}');
    return out.toByteArray();
  }

  /**
   * A stored snapshot.
   *
   * @param snapshot the snapshot
   * @param sequence the stream sequence of the last commit it covers; 0 when unknown
   */
  record Stored(ActorSnapshot snapshot, long sequence) {}

  /** A key's revision and the version of the snapshot it holds, as this store last read or wrote them. */
  private record Known(long revision, long version) {}
}
