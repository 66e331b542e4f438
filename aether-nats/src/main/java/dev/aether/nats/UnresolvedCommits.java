package dev.aether.nats;

import java.util.concurrent.ConcurrentMap;

/**
 * Commits whose outcome this store does not know (published, but the acknowledgement was lost or timed out),
 * by message id, with the sequence each expected: a retry of such a commit that finds the actor moved on is
 * recognised as stored when the message after that sequence carries its id, instead of ending in a conflict
 * (see {@link CommitPublisher}).
 *
 * <p>Thread-safe. At most {@link #MAX_REMEMBERED} commits are remembered ({@link BoundedMaps}: when full, single
 * entries are evicted; clearing them all at once, as before, could turn this store's own retries into
 * conflicts). A cache of their own, so that positions of many actors never push them out.
 */
final class UnresolvedCommits {

  /** The most unresolved commits remembered. */
  static final int MAX_REMEMBERED = 10_000;

  private final ConcurrentMap<String, Long> expectedSequences = BoundedMaps.create(MAX_REMEMBERED);

  /**
   * Remembers a commit whose outcome is unknown.
   *
   * @param messageId the commit's message id
   * @param expectedSequence the last subject sequence its publish expected
   */
  void remember(String messageId, long expectedSequence) {
    expectedSequences.put(messageId, expectedSequence);
  }

  /**
   * The sequence an unresolved commit's publish expected.
   *
   * @param messageId the commit's message id
   * @return the sequence, or {@code null} when the commit is not remembered
   */
  Long expectedSequence(String messageId) {
    return expectedSequences.get(messageId);
  }

  /**
   * Forgets a commit that is now known to be stored.
   *
   * @param messageId the commit's message id
   */
  void resolved(String messageId) {
    if (!expectedSequences.isEmpty()) {
      expectedSequences.remove(messageId);
    }
  }

  /** The number of commits remembered (for tests). */
  int size() {
    return expectedSequences.size();
  }
}
