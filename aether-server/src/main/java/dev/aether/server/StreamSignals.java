package dev.aether.server;

import dev.aether.store.EventStored;
import dev.aether.store.EventStoredListener;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes the event streams (SSE) when this node's store stored an event. The store calls
 * {@link #onEventStored} after each commit; a stream waits with {@link #awaitChange} and then reads the store
 * again. Writers on other processes send no notice: streams also read again after the wait's timeout.
 *
 * <p>Thread-safe: {@code lock} guards {@code generation}; nothing blocking is done while holding it except the
 * condition wait.
 */
final class StreamSignals implements EventStoredListener {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private long generation;
  private boolean closed;

  @Override
  public void onEventStored(EventStored notice) {
    lock.lock();
    try {
      generation++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** @return a value to pass to {@link #awaitChange} */
  long generation() {
    lock.lock();
    try {
      return generation;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until an event was stored after {@code seen} was read, the timeout passed, or {@link #close()}.
   *
   * @return false once closed
   */
  boolean awaitChange(long seen, Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (!closed && generation == seen && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      return !closed;
    } finally {
      lock.unlock();
    }
  }

  /** Ends every wait: the node is closing. */
  void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** @return whether {@link #close()} was called */
  boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

}
