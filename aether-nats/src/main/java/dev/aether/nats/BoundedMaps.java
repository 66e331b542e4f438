package dev.aether.nats;

import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.ConcurrentMap;

/**
 * The store's bounded caches of hints (actor positions, unresolved commits, snapshot positions, settings
 * already warned about), on Caffeine. A full cache evicts single entries, chosen by recency and frequency
 * (W-TinyLFU: an actor in use keeps its entry while one-off actors churn), where the hand-made caches it
 * replaced cleared every entry at once.
 *
 * <p>Eviction runs on the writing thread ({@code executor(Runnable::run)}), not on the common pool: the size
 * is back within the bound when a write returns, and no store work depends on a shared pool that the
 * application may keep busy. It costs a writer amortised constant time.
 */
final class BoundedMaps {

  private BoundedMaps() {}

  /**
   * A concurrent map of at most {@code maximumSize} entries; thread-safe.
   *
   * @param maximumSize the bound, positive
   * @return the map (the view of a Caffeine cache: {@code get}, {@code put}, {@code merge}, {@code remove}
   *     and the rest behave as for any {@link ConcurrentMap}, but an entry may be evicted at any time)
   */
  static <K, V> ConcurrentMap<K, V> create(long maximumSize) {
    return Caffeine.newBuilder().maximumSize(maximumSize).executor(Runnable::run).<K, V>build().asMap();
  }
}
