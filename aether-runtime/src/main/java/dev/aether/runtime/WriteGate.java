package dev.aether.runtime;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets a runtime's writes to its stores (commits, fences, snapshots) begin only while the runtime is open, and
 * lets {@link Runtime#close()} wait for the writes that began before it closed the gate.
 *
 * <p>A write is {@link #enter() entered} just before it is handed to the store and {@link #exit() exited} when the
 * store's call returns (for {@code appendAsync}: once the commit is handed over, not acknowledged). Once
 * {@link #close} returned {@code true}, no write of the runtime reaches the store but the ones already handed to
 * it (an asynchronous commit may still be acknowledged later).
 *
 * <p>Thread-safe: {@code inFlight} and {@code closed} are read and written in opposite orders by a write and by
 * {@code close} (each writes its own, then reads the other's), so at least one of them sees the other; the lock
 * only guards the wait for the writes in flight.
 */
final class WriteGate {

  private final AtomicInteger inFlight = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition drained = lock.newCondition();
  private volatile boolean closed;

  /**
   * Begins a write.
   *
   * @return whether the write may go to the store; when {@code true}, {@link #exit()} must follow
   */
  boolean enter() {
    inFlight.incrementAndGet();
    if (closed) {
      exit();
      return false;
    }
    return true;
  }

  /** Ends a write that {@link #enter()} let begin. */
  void exit() {
    if (inFlight.decrementAndGet() == 0 && closed) {
      lock.lock();
      try {
        drained.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Closes the gate: no write begins any more; then waits for the writes in flight to be handed over.
   *
   * @param wait how long to wait for them at most
   * @return whether every write in flight was handed over within {@code wait}
   * @throws InterruptedException when the caller is interrupted while waiting
   */
  boolean close(Duration wait) throws InterruptedException {
    closed = true;
    long nanos = wait.toNanos();
    lock.lock();
    try {
      while (inFlight.get() > 0) {
        if (nanos <= 0) {
          return false;
        }
        nanos = drained.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** @return the writes in flight now (for the close's warning) */
  int inFlight() {
    return inFlight.get();
  }
}
