package dev.aether.server;

import dev.aether.store.EventStored;
import dev.aether.store.EventStoredListener;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes the event streams (SSE) when this node's store stored an event. The store calls
 * {@link #onEventStored} after each commit; a stream waits with {@link #awaitChange} and then reads the store
 * again. Writers on other processes send no notice: streams also read again after the wait's timeout.
 *
 * <p>Thread-safe. {@code generation} and {@code waiters} are atomics, so a commit with no stream waiting costs
 * one increment and one read (the store calls this on its commit path); {@code lock} guards the condition and
 * {@code closed}. A waiter counts itself before reading the generation and a notifier increments it before
 * reading the count, so no wake-up is lost.
 */
final class StreamSignals implements EventStoredListener {

  private final AtomicLong generation = new AtomicLong();
  private final AtomicInteger waiters = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private volatile boolean closed;

  @Override
  public void onEventStored(EventStored notice) {
    generation.incrementAndGet();
    if (waiters.get() > 0) {
      signalAll();
    }
  }

  /** @return a value to pass to {@link #awaitChange} */
  long generation() {
    return generation.get();
  }

  /**
   * Waits until an event was stored after {@code seen} was read, the timeout passed, or {@link #close()}.
   *
   * @return false once closed
   */
  boolean awaitChange(long seen, Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    waiters.incrementAndGet();
    lock.lock();
    try {
      while (!closed && generation.get() == seen && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      return !closed;
    } finally {
      lock.unlock();
      waiters.decrementAndGet();
    }
  }

  /** Ends every wait: the node is closing. */
  void close() {
    closed = true;
    signalAll();
  }

  /** @return whether {@link #close()} was called */
  boolean isClosed() {
    return closed;
  }

  private void signalAll() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
