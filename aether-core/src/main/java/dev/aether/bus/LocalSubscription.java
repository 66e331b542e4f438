package dev.aether.bus;

import dev.aether.NonTransientAetherException;
import dev.aether.event.Event;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription of a {@link LocalEventBus}: a filter, a bounded {@link SubscriberQueue} filled by
 * publishers through {@link #offer(Event)}, and one delivery thread that takes events from the queue and
 * calls the handler, one at a time, in queue order.
 *
 * <p>Thread-safe: publishers only touch the queue (which has its own lock) and the counters (adders);
 * {@code active} makes {@link #unsubscribe()} run once; the handler runs only on {@code thread}.
 */
final class LocalSubscription implements Subscription {

  private static final Logger LOG = LoggerFactory.getLogger(LocalSubscription.class);

  private final NamespacePattern pattern;
  private final SubscriptionFilter filter;
  private final Consumer<Event> handler;
  private final SubscriberQueue queue;
  private final OverflowPolicy policy;
  private final long blockNanos;
  private final MicrometerBusMetrics metrics;
  private final LongAdder received;
  private final LongAdder dropped;
  private final LongAdder handlerErrors;
  private final LongAdder delivered = new LongAdder();
  private final LongAdder droppedHere = new LongAdder();
  private final AtomicBoolean active = new AtomicBoolean(true);
  private final Consumer<LocalSubscription> onEnd;
  private final Thread thread;

  LocalSubscription(Settings settings, Consumer<Event> handler, MicrometerBusMetrics metrics,
      ThreadFactory threads, Consumer<LocalSubscription> onEnd) {
    this.pattern = settings.pattern();
    this.filter = settings.filter();
    this.handler = handler;
    this.queue = new SubscriberQueue(settings.capacity());
    this.policy = settings.policy();
    this.blockNanos = settings.blockNanos();
    this.metrics = metrics;
    this.received = metrics.receivedCounter(pattern.value());
    this.dropped = metrics.droppedCounter(pattern.value());
    this.handlerErrors = metrics.errorCounter(pattern.value(), BusMetrics.ErrorKind.HANDLER);
    this.onEnd = onEnd;
    this.thread = threads.newThread(this::drain);
    if (thread == null) {
      throw new NonTransientAetherException("the event bus thread factory refused to make a thread", null);
    }
  }

  /**
   * The resolved delivery settings of one subscription.
   *
   * @param blockNanos how long a blocked publisher waits; {@code Long.MAX_VALUE} without bound
   */
  record Settings(
      NamespacePattern pattern, SubscriptionFilter filter, int capacity, OverflowPolicy policy, long blockNanos) {}

  /** Starts the delivery thread. Called once, after the subscription is registered. */
  void start() {
    thread.start();
  }

  /**
   * Offers a published event from a namespace that matches this subscription's pattern: applies the filter,
   * then queues, waits or drops according to the overflow policy.
   */
  void offer(Event event) {
    if (!filter.matches(event)) {
      return;
    }
    SubscriberQueue.Offer outcome = queue.offer(event);
    if (outcome == SubscriberQueue.Offer.FULL && policy == OverflowPolicy.BLOCK) {
      outcome = waitForRoom(event);
    }
    if (outcome == SubscriberQueue.Offer.FULL) {
      droppedHere.increment();
      dropped.increment();
    }
  }

  private SubscriberQueue.Offer waitForRoom(Event event) {
    if (Thread.currentThread() == thread) {
      return SubscriberQueue.Offer.FULL;
    }
    try {
      return queue.offer(event, blockNanos);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return SubscriberQueue.Offer.FULL;
    }
  }

  private void drain() {
    try {
      for (Event event = queue.take(); event != null; event = queue.take()) {
        Thread.interrupted();
        deliver(event);
      }
    } finally {
      unsubscribe();
    }
  }

  private void deliver(Event event) {
    try {
      handler.accept(event);
    } catch (VirtualMachineError fatal) {
      throw fatal;
    } catch (Throwable failure) {
      handlerErrors.increment();
      LOG.warn("event handler of subscription \"{}\" failed on {}; delivery continues", pattern, event, failure);
    } finally {
      delivered.increment();
      received.increment();
    }
  }

  @Override
  public NamespacePattern pattern() {
    return pattern;
  }

  @Override
  public SubscriptionFilter filter() {
    return filter;
  }

  @Override
  public boolean isActive() {
    return active.get();
  }

  @Override
  public long deliveredCount() {
    return delivered.sum();
  }

  @Override
  public long droppedCount() {
    return droppedHere.sum();
  }

  @Override
  public void unsubscribe() {
    if (!active.compareAndSet(true, false)) {
      return;
    }
    onEnd.accept(this);
    queue.close();
    metrics.subscriptionEnded(pattern.value());
  }

  @Override
  public String toString() {
    return "Subscription[" + pattern + (filter.isAll() ? "" : " " + filter) + (isActive() ? "" : " ended") + "]";
  }
}
