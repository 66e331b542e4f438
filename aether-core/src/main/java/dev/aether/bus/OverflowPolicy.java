package dev.aether.bus;

/**
 * What a local bus does when an event is published for a subscriber whose queue is full.
 *
 * <p>Every subscription has its own bounded queue, drained by its own thread. The policy only decides what
 * happens to the subscriber whose queue is full; other subscribers of the same event are not affected,
 * except that a publisher waiting under {@link #BLOCK} reaches them later.
 */
public enum OverflowPolicy {

  /**
   * Drop the new event for this subscriber and count it: the subscription's
   * {@link Subscription#droppedCount()} and the {@code aether.bus.events.dropped} meter grow by one. The
   * publisher never waits. This is the upstream behaviour (which dropped silently) and the default: a slow or
   * stuck subscriber can never slow the publishers or the other subscribers, at the price of losing events
   * for that subscriber only.
   */
  DROP_NEWEST,

  /**
   * Make the publisher wait until the subscriber's queue has room, so no event is lost. Consequences: a slow
   * subscriber slows every publisher of the namespaces it matches, and the subscribers after it in the same
   * {@code publish} call; a stuck subscriber stops them. The wait ends when there is room, when the
   * subscription ends or the bus closes (the event is then discarded for that subscriber, not counted as
   * dropped), when the publishing thread is interrupted (dropped and counted, interrupt status kept), or
   * after {@link SubscriptionOptions#blockTimeout()} when one is set (dropped and counted). Without a
   * timeout the wait is unbounded.
   *
   * <p>A handler that publishes into its own full queue would wait for itself forever; such a publish does
   * not wait, it drops and counts instead. Longer cycles (handler of A publishes to B, whose handler
   * publishes to A) can still block each other: give such subscriptions a timeout or {@link #DROP_NEWEST}.
   */
  BLOCK
}
