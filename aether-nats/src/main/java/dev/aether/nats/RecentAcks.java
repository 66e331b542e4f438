package dev.aether.nats;

/**
 * The stream sequences a shared-feed member acknowledged last on one partition, at most {@link #CAPACITY}.
 *
 * <p>Why: nats-server before 2.10.15 (2.9.10 included, fixed by nats-server#5305) can deliver a commit once more
 * as new (delivered count 1) after it was redelivered, when the redelivery first met only pull requests that
 * had expired or lost their subscriber: the consumer's position goes back by one. The copy always is the
 * consumer's last newly delivered commit, so the last few acknowledged sequences are enough to recognise it;
 * a genuine first delivery never repeats a sequence the group acknowledged.
 *
 * <p>Thread-safety: safe for concurrent use (synchronized; acks and polls of one member).
 */
final class RecentAcks {

  static final int CAPACITY = 64;

  private final long[] sequences = new long[CAPACITY];
  private int next;

  /** Remembers that {@code sequence} was acknowledged, forgetting the oldest beyond the capacity. */
  synchronized void add(long sequence) {
    sequences[next] = sequence;
    next = (next + 1) % CAPACITY;
  }

  /** Whether {@code sequence} (at least 1) is among the last acknowledged. */
  synchronized boolean contains(long sequence) {
    if (sequence <= 0) {
      return false;
    }
    for (long s : sequences) {
      if (s == sequence) {
        return true;
      }
    }
    return false;
  }
}
