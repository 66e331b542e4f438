package dev.aether.store;

import java.time.Duration;

/**
 * One event handed to one member of a {@link SharedFeed}, to be acknowledged once handled.
 *
 * <p>Thread-safe: it may be settled from any thread. Only the first of {@link #ack()} and {@link #nak} counts;
 * later calls do nothing.
 */
public interface FeedDelivery {

  /**
   * The event and its position in its partition.
   *
   * @return the entry
   */
  FeedEntry entry();

  /**
   * How many times the event's commit has been handed out, this time included.
   *
   * @return 1 for the first delivery, 2 for the first redelivery, ...
   */
  int attempt();

  /**
   * Marks the event as handled. When every event of its commit is acknowledged, the commit is acknowledged to
   * the store and returns only once the store has recorded it; the commit is then never handed out again.
   *
   * @throws StoreUnavailableException when the store did not confirm the acknowledgement (the commit may come
   *     back: handling must be idempotent anyway)
   */
  void ack();

  /**
   * Gives the event back: its whole commit is handed out again (to any member) after {@code delay}.
   *
   * @param delay how long to wait before the redelivery; zero for at once
   * @throws dev.aether.InvalidInputException naming {@code delay} when it is null or negative
   */
  void nak(Duration delay);

  /**
   * Tells the group the event is still being handled: its commit's ack timeout starts over (JetStream's
   * in-progress acknowledgement), so a handler that may take longer than the ack timeout keeps its delivery
   * instead of seeing it handed to another member. Call it again before each ack timeout runs out; a member
   * that stops calling it (a crash, a handler that hangs) loses the delivery after one ack timeout, as before.
   * Does nothing once the delivery is settled ({@link #ack()} or {@link #nak}).
   *
   * <p>Never waits for the store: a notice that does not reach it (the store unreachable) is not reported, and
   * the commit may then come back after the ack timeout, as at-least-once delivery allows anyway.
   */
  void inProgress();
}
