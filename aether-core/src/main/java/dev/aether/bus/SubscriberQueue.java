package dev.aether.bus;

import dev.aether.event.Event;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue between the publishers and the delivery thread of one subscription. Unlike a
 * {@code BlockingQueue} it can be closed: closing discards what is queued and wakes every waiting publisher
 * and the delivery thread, so nobody waits on a subscription that has ended.
 *
 * <p>Thread-safe: {@code lock} guards {@code items} and {@code closed}; {@code notEmpty} is signalled when an
 * event is added, {@code notFull} when one is taken; both are signalled on close.
 */
final class SubscriberQueue {

  /** The outcome of an offer. */
  enum Offer {
    /** The event is queued. */
    ENQUEUED,
    /** The queue was full (and stayed full for the whole wait, if any). */
    FULL,
    /** The queue is closed; the event was discarded. */
    CLOSED
  }

  private static final int INITIAL_ALLOCATION = 64;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final ArrayDeque<Event> items;
  private final int capacity;
  private boolean closed;

  SubscriberQueue(int capacity) {
    this.capacity = capacity;
    this.items = new ArrayDeque<>(Math.min(capacity, INITIAL_ALLOCATION));
  }

  /** Adds the event if there is room, without waiting. */
  Offer offer(Event event) {
    lock.lock();
    try {
      return addIfRoom(event);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Adds the event, waiting for room up to {@code timeoutNanos} ({@code Long.MAX_VALUE}: without bound).
   *
   * @throws InterruptedException when the calling thread is interrupted while it would wait
   */
  Offer offer(Event event, long timeoutNanos) throws InterruptedException {
    lock.lock();
    try {
      long remaining = timeoutNanos;
      while (!closed && items.size() >= capacity) {
        if (timeoutNanos == Long.MAX_VALUE) {
          notFull.await();
        } else if (remaining <= 0) {
          return Offer.FULL;
        } else {
          remaining = notFull.awaitNanos(remaining);
        }
      }
      return addIfRoom(event);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes the oldest event, waiting (uninterruptibly) until there is one.
   *
   * @return the event, or {@code null} once the queue is closed
   */
  Event take() {
    lock.lock();
    try {
      while (!closed && items.isEmpty()) {
        notEmpty.awaitUninterruptibly();
      }
      if (closed) {
        return null;
      }
      Event event = items.poll();
      notFull.signal();
      return event;
    } finally {
      lock.unlock();
    }
  }

  /** Closes the queue: discards queued events and wakes every waiter. Idempotent. */
  void close() {
    lock.lock();
    try {
      closed = true;
      items.clear();
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Converts a timeout to nanoseconds, saturating at {@code Long.MAX_VALUE - 1} (bounded). */
  static long boundedNanos(Duration timeout) {
    long nanos;
    try {
      nanos = timeout.toNanos();
    } catch (ArithmeticException tooLong) {
      nanos = Long.MAX_VALUE;
    }
    return Math.min(nanos, Long.MAX_VALUE - 1);
  }

  private Offer addIfRoom(Event event) {
    if (closed) {
      return Offer.CLOSED;
    }
    if (items.size() >= capacity) {
      return Offer.FULL;
    }
    items.add(event);
    notEmpty.signal();
    return Offer.ENQUEUED;
  }
}
