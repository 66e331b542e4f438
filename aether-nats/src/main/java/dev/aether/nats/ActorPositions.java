package dev.aether.nats;

import dev.aether.nats.StoreLayout.ActorAddress;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Actors' current positions: read from the server (the last message's headers, by direct get) and kept in
 * a bounded cache of hints. A cached position is a true but possibly outdated fact, so it may save the read
 * before an append; the server's expected-sequence check is the real fence.
 *
 * <p>Thread-safe: the cache is a concurrent map whose entries only move forward, bounded at
 * {@link #MAX_CACHED} entries ({@link BoundedMaps}: a full cache evicts single entries, keeping the actors in
 * use; a miss costs one direct get).
 */
final class ActorPositions {

  /** The most positions kept. */
  static final int MAX_CACHED = 100_000;

  private static final Logger LOG = LoggerFactory.getLogger(ActorPositions.class);

  private final StreamReads reads;
  private final Replayer replayer;
  private final ConcurrentMap<String, Position> cache = BoundedMaps.create(MAX_CACHED);

  ActorPositions(StreamReads reads, Replayer replayer) {
    this.reads = reads;
    this.replayer = replayer;
  }

  /** The cached position of an actor, or {@code null}. */
  Position cached(String streamId) {
    return cache.get(streamId);
  }

  /**
   * Reads an actor's position from the server and caches it.
   *
   * @param address the actor
   * @return the position and the last message
   */
  Current read(ActorAddress address) {
    Optional<StoredMessage> found = reads.last(address);
    if (found.isEmpty()) {
      return new Current(Position.NONE, Optional.empty());
    }
    StoredMessage last = found.get();
    CommitCodec.Versions versions = CommitCodec.versions(last.headers());
    long current;
    if (versions != null) {
      current = versions.last();
    } else {
      LOG.warn("the last message (stream {} sequence {}) of actor \"{}\" has no valid version header; "
          + "replaying to find the actor's version", address.stream(), last.sequence(), address.streamId());
      current = replayer.lastDecodableVersion(address, last.sequence());
    }
    Position position = new Position(current, last.sequence(), versions != null && versions.isFence());
    if (!position.fence()) {
      // a fence's position is cached only from the writer's read of the history or from this store's own fence:
      // a commit starting from it would pass over a fence its writer may not have read
      cache(address.streamId(), position);
    }
    return new Current(position, found);
  }

  /** Records the position a commit reached, keeping the later of it and the cached one. */
  void advance(String streamId, Position position) {
    cache.merge(streamId, position, (old, fresh) -> fresh.sequence() >= old.sequence() ? fresh : old);
  }

  /**
   * Records a position just read: the truth at that moment, so it replaces the cached one (which may be
   * ahead of it only if the stream was recreated; a concurrent commit it hides costs one more read).
   */
  private void cache(String streamId, Position position) {
    cache.put(streamId, position);
  }

  /** The number of cached positions (for tests). */
  int cachedCount() {
    return cache.size();
  }

  /**
   * An actor's position as just read.
   *
   * @param position the position
   * @param last the last message, when the actor has one
   */
  record Current(Position position, Optional<StoredMessage> last) {}
}
