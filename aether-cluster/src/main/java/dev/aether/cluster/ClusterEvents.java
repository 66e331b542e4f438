package dev.aether.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's {@link ClusterListener}s and the virtual thread that tells them: it looks at the node's status when
 * woken ({@link #changed}: a lease tick, a lease deleted, a new map) and at least every {@code interval}, and tells
 * every listener the events since the status before ({@link ClusterEventTracker}); a listener just added is first
 * told what is now. The thread starts with the first listener, so a node that never had one does nothing for
 * them. Thread-safe.
 */
final class ClusterEvents implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterEvents.class);

  private final String self;
  private final Supplier<ClusterStatus> status;
  private final Duration interval;
  private final ClusterEventTracker tracker = new ClusterEventTracker();
  private final List<Registration> listeners = new CopyOnWriteArrayList<>();
  private final Queue<Registration> added = new ConcurrentLinkedQueue<>();
  private final Semaphore wake = new Semaphore(0);
  private final ReentrantLock lock = new ReentrantLock();
  private Registration handing; // under lock: taken from added, being told what is now, not yet in listeners
  private volatile Thread thread;
  private volatile boolean closed;

  /**
   * @param status the node's status now; throws {@link IllegalStateException} once the node stopped
   * @param interval how often the status is looked at when nothing wakes the thread (the lease interval)
   */
  ClusterEvents(String self, Supplier<ClusterStatus> status, Duration interval) {
    this.self = self;
    this.status = status;
    this.interval = interval;
  }

  /** One addition of a listener; a removal ends it, also while it is being handed from {@link #added}. */
  private static final class Registration {
    final ClusterListener listener;
    volatile boolean active = true;

    Registration(ClusterListener listener) {
      this.listener = listener;
    }
  }

  /** @return false when closed (the node stopped): the listener is not added */
  boolean add(ClusterListener listener) {
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      added.add(new Registration(listener));
      if (thread == null) {
        thread = Thread.ofVirtual().name("aether-cluster-events-" + self).start(this::run);
      }
    } finally {
      lock.unlock();
    }
    wake.release();
    return true;
  }

  /** Ends every registration of {@code listener}: it is told nothing after the event it may be told now. */
  void remove(ClusterListener listener) {
    lock.lock(); // a registration is always in added, in hand or in listeners while the lock is free
    try {
      added.forEach(r -> r.active &= r.listener != listener);
      listeners.forEach(r -> r.active &= r.listener != listener);
      if (handing != null && handing.listener == listener) {
        handing.active = false;
      }
      added.removeIf(r -> !r.active);
      listeners.removeIf(r -> !r.active);
    } finally {
      lock.unlock();
    }
  }

  /** Something may have changed: look at the status soon. */
  void changed() {
    if (thread != null) {
      wake.release();
    }
  }

  private void run() {
    while (!closed) {
      try {
        wake.tryAcquire(interval.toNanos(), TimeUnit.NANOSECONDS);
        wake.drainPermits();
      } catch (InterruptedException e) {
        return;
      }
      ClusterStatus now;
      try {
        now = status.get();
      } catch (IllegalStateException e) {
        return; // the node stopped
      } catch (RuntimeException e) {
        LOG.debug("cluster: node {} could not read its status for its listeners: {}", self, e.toString());
        continue;
      }
      for (ClusterEvent event : tracker.update(now)) {
        listeners.forEach(registration -> tell(registration, event));
      }
      for (Registration registration; !closed && (registration = take()) != null; ) {
        for (ClusterEvent event : tracker.current()) {
          tell(registration, event);
        }
        lock.lock();
        try {
          handing = null;
          if (registration.active) { // not removed while it was told what is now
            listeners.add(registration);
          }
        } finally {
          lock.unlock();
        }
      }
    }
  }

  /** @return the next listener added, now in hand; null when none is waiting */
  private Registration take() {
    lock.lock();
    try {
      handing = added.poll();
      return handing;
    } finally {
      lock.unlock();
    }
  }

  private void tell(Registration registration, ClusterEvent event) {
    if (closed || !registration.active) {
      return;
    }
    try {
      registration.listener.onEvent(event);
    } catch (RuntimeException e) {
      LOG.warn("cluster: a listener of node {} failed on {}: {}", self, event, e.toString());
    }
  }

  /** Tells nothing more; waits a moment for a listener at work (not when a listener closes its own node). */
  @Override
  public void close() {
    Thread running;
    lock.lock();
    try {
      closed = true;
      running = thread;
    } finally {
      lock.unlock();
    }
    wake.release();
    if (running != null && running != Thread.currentThread()) {
      try {
        running.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
