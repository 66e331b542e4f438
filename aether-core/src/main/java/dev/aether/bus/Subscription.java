package dev.aether.bus;

/**
 * A live subscription to an {@link EventBus}: the handle returned by {@code subscribe}, used to read its
 * counters and to end it.
 *
 * <p>Implementations are thread-safe: every method may be called from any thread, including from inside the
 * subscription's own handler.
 */
public interface Subscription extends AutoCloseable {

  /**
   * The namespace pattern this subscription was made with.
   *
   * @return the pattern; {@link NamespacePattern#isWildcard()} tells whether it is an exact namespace
   */
  NamespacePattern pattern();

  /**
   * The filter applied to events of matching namespaces.
   *
   * @return the filter; {@link SubscriptionFilter#all()} when none was given
   */
  SubscriptionFilter filter();

  /**
   * Tells whether events are still delivered to this subscription.
   *
   * @return {@code false} once it has been unsubscribed or its bus closed
   */
  boolean isActive();

  /**
   * How many events the handler has been called with and has returned from (normally or by throwing).
   *
   * @return the count since the subscription was made
   */
  long deliveredCount();

  /**
   * How many events matching this subscription were dropped because its queue was full.
   *
   * @return the count since the subscription was made
   */
  long droppedCount();

  /**
   * Ends the subscription: events still queued for it are discarded (not counted as dropped), publishers
   * waiting for room in its queue are released, and its delivery thread ends. Does not wait: after it
   * returns, at most one more handler call runs (the one in progress, or one that was just starting).
   * Idempotent; may be called from the subscription's own handler.
   */
  void unsubscribe();

  /** Same as {@link #unsubscribe()}, so a subscription can be used in try-with-resources. */
  @Override
  default void close() {
    unsubscribe();
  }
}
