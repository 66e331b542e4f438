package dev.aether.store;

import java.time.Duration;
import java.util.List;

/**
 * One member of a durable group sharing an {@link EventFeed} ({@link EventFeed#openShared}): deliveries are
 * spread over the group's members, each commit handed to one member at a time, and come back when not
 * acknowledged in time.
 *
 * <h2>Delivery</h2>
 * At least once. The events of one commit come in one delivery round to one member and are acknowledged
 * together: the commit counts as handled once every one of its events is {@linkplain FeedDelivery#ack()
 * acknowledged}; a {@linkplain FeedDelivery#nak nak} of any of them, or the ack timeout, hands the whole
 * commit out again (its acknowledged events come back as duplicates). A member that closes (or crashes)
 * leaves its unacknowledged deliveries to the ack timeout. {@link FeedDelivery#attempt()} counts the
 * deliveries of the commit.
 *
 * <h2>Order</h2>
 * Each partition's commits are handed out in stored order, but a redelivery comes after later commits were
 * handed out, and with several members (or more than one commit in flight) the handling of commits overlaps:
 * in general no order holds, not even per stream. With {@link SharedFeedOptions#maxInFlight()} 1, each
 * partition has one commit in flight in the whole group, and a redelivered commit comes back before any later
 * one: then every partition, and so every stream, is handled strictly in order (at the cost of throughput).
 * Consumers that need no order should make their effects idempotent (for policies, deterministic command ids
 * turn a redelivery into a duplicate).
 *
 * <p>Thread-safety: {@link #poll} is for one thread at a time; deliveries may be acknowledged from any
 * thread; {@link #close()} may be called from any thread.
 */
public interface SharedFeed extends AutoCloseable {

  /**
   * The group's name.
   *
   * @return the name given to {@link EventFeed#openShared}
   */
  String group();

  /**
   * Returns the next deliveries for this member, waiting up to {@code wait} for at least one.
   *
   * <p>An interrupt ends the wait: the poll returns what it has (maybe nothing) with the interrupt flag set.
   *
   * @param max the most deliveries (events) to return, positive
   * @param wait the longest wait for the first delivery
   * @return 1 to {@code max} deliveries, or an empty list when none came within {@code wait}
   * @throws dev.aether.InvalidInputException naming {@code max} when it is not positive, {@code wait} when it
   *     is null or negative
   * @throws UnreadableFeedRecordException when a delivered record cannot be decoded; it is left
   *     unacknowledged (see there)
   * @throws FeedClosedException when the member or its store is closed
   * @throws StoreUnavailableException when the store failed and the member cannot go on
   */
  List<FeedDelivery> poll(int max, Duration wait);

  /**
   * The group's backlog: commits stored and not yet acknowledged by the group, over every partition (not handed
   * out yet, or handed out to any member and not settled). What a consumer's lag gauge shows; it asks the store
   * (on JetStream one request per partition), so it is for a monitor, not for a hot path. Thread-safe.
   *
   * @return the number of commits, 0 when the group has settled everything stored
   * @throws FeedClosedException when the member is closed
   * @throws StoreUnavailableException when the store cannot answer
   */
  long backlog();

  /**
   * Leaves the group; idempotent. Deliveries not acknowledged yet are handed out again after the ack timeout.
   * The group itself (its progress) stays in the store.
   */
  @Override
  void close();
}
