package dev.aether.nats;

import io.nats.client.api.PublishAck;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that settles a store's asynchronous commits: it takes the acknowledgements jnats delivers, in
 * batches, and fails the commits whose acknowledgement does not arrive before their deadline.
 *
 * <p>Why one thread: jnats completes every {@code publishAsync} future of a connection on its single reply
 * thread, which must never run callers' code (a callback that blocks, or that waits for another reply, would
 * stall or deadlock the connection). Starting a virtual thread per acknowledgement and scheduling a timer
 * per commit ({@code orTimeout}) cost about as much client CPU as the publish itself; handing the
 * acknowledgement over through a queue to one thread that drains it, and keeping the deadlines in a
 * first-in first-out queue (every commit of a store has the same timeout, so deadlines arrive nearly in
 * order), costs a few queue operations per commit and a wake-up only when the thread was idle.
 *
 * <p>The thread starts with the first tracked commit and is a daemon. A commit's deadline is honoured within
 * {@link #sweepInterval}. After {@link #close()} the thread ends, every commit still waiting expires, and an
 * acknowledgement that arrives later is handled on the thread that delivers it.
 *
 * <p>Thread-safe: {@link #track} and {@link #deliver} may be called from any thread; each {@link Flight} is
 * settled exactly once (normally on the completion thread; after {@link #close()} possibly on another).
 */
final class CommitCompletions implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CommitCompletions.class);
  private static final long MIN_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long MAX_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final String threadName;
  private final long sweepInterval;
  private final ConcurrentLinkedQueue<Flight> answered = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Flight> deadlines = new ConcurrentLinkedQueue<>();
  private final Object startLock = new Object();
  private volatile Thread thread;
  private volatile boolean waiting;
  private volatile boolean closed;

  /**
   * @param threadName the completion thread's name
   * @param timeout the commits' timeout, which sets how often deadlines are checked (an eighth of it, between
   *     1 and 50 ms)
   */
  CommitCompletions(String threadName, Duration timeout) {
    this.threadName = threadName;
    this.sweepInterval = Math.clamp(timeout.toNanos() / 8, MIN_SWEEP_NANOS, MAX_SWEEP_NANOS);
  }

  /** How late after its deadline a commit may expire at most, besides the time its callbacks take. */
  long sweepInterval() {
    return sweepInterval;
  }

  /**
   * Watches a commit's deadline; starts the completion thread on first use.
   *
   * @param flight a commit just published
   */
  void track(Flight flight) {
    deadlines.offer(flight);
    if (thread == null) {
      start();
    }
    if (closed) {
      expireAll();
    }
  }

  /**
   * Hands over the answer to a publish; called on jnats' reply thread, does not block.
   *
   * @param flight the commit
   * @param ack the acknowledgement, or {@code null}
   * @param error the failure, or {@code null}
   */
  void deliver(Flight flight, PublishAck ack, Throwable error) {
    if (flight.settled()) {
      return;
    }
    flight.ack = ack;
    flight.error = error;
    flight.received(ack, error);
    answered.offer(flight);
    if (closed) {
      settleAnswered();
    } else if (waiting) {
      LockSupport.unpark(thread);
    }
  }

  /** True on the completion thread. */
  boolean isCompletionThread() {
    return Thread.currentThread() == thread;
  }

  /** Ends the completion thread; commits still waiting expire. Idempotent. */
  @Override
  public void close() {
    closed = true;
    Thread running = thread;
    if (running != null) {
      LockSupport.unpark(running);
    }
    settleAnswered();
    expireAll();
  }

  private void start() {
    synchronized (startLock) {
      if (thread == null && !closed) {
        thread = Thread.ofPlatform().name(threadName).daemon().start(this::run);
      }
    }
  }

  private void run() {
    while (!closed) {
      boolean settled = settleAnswered();
      sweep(System.nanoTime());
      if (!settled) {
        waiting = true;
        if (answered.isEmpty() && !closed) {
          LockSupport.parkNanos(this, sweepInterval);
        }
        waiting = false;
      }
    }
    settleAnswered();
    expireAll();
  }

  /** Settles every answer queued so far; true when there was one. */
  private boolean settleAnswered() {
    boolean any = false;
    for (Flight flight; (flight = answered.poll()) != null; ) {
      any = true;
      try {
        if (flight.claim()) {
          flight.answer(flight.ack, flight.error);
        }
      } catch (RuntimeException | Error e) {
        LOG.error("settling an asynchronous commit failed", e);
      }
    }
    return any;
  }

  /** Drops the settled commits at the head of the deadline queue and expires those past their deadline. */
  private void sweep(long now) {
    for (Flight head; (head = deadlines.peek()) != null; ) {
      if (!head.settled() && head.deadline - now > 0) {
        return;
      }
      deadlines.poll();
      if (!head.settled()) {
        expire(head, false);
      }
    }
  }

  private void expireAll() {
    for (Flight flight; (flight = deadlines.poll()) != null; ) {
      if (!flight.settled()) {
        expire(flight, true);
      }
    }
  }

  private static void expire(Flight flight, boolean closing) {
    try {
      if (flight.claim()) {
        flight.expire(closing);
      }
    } catch (RuntimeException | Error e) {
      LOG.error("expiring an asynchronous commit failed", e);
    }
  }

  /**
   * A published commit waiting for its acknowledgement. It is settled once: by its answer or by its
   * deadline, whichever {@link #claim}s it first.
   */
  abstract static class Flight {

    private static final AtomicIntegerFieldUpdater<Flight> STATE =
        AtomicIntegerFieldUpdater.newUpdater(Flight.class, "state");

    /** {@link System#nanoTime()} after which the commit expires. */
    final long deadline;
    private volatile int state;
    private PublishAck ack;
    private Throwable error;

    /**
     * @param deadline {@link System#nanoTime()} after which the commit expires
     */
    Flight(long deadline) {
      this.deadline = deadline;
    }

    /** True once the commit was claimed by its answer or its deadline. */
    final boolean settled() {
      return state != 0;
    }

    /** Claims the commit for its answer or its deadline; true for the first caller only. */
    final boolean claim() {
      return state == 0 && STATE.compareAndSet(this, 0, 1);
    }

    /**
     * Takes note of the answer to its publish on the thread that delivers it, before the commit is settled;
     * for short, non-blocking work of the store that need not wait for the completion thread (such as
     * recording the new position, true whether or not the commit has expired meanwhile). Does nothing by
     * default.
     *
     * @param ack the acknowledgement, or {@code null} when {@code error} is set
     * @param error the failure, or {@code null}
     */
    void received(PublishAck ack, Throwable error) {}

    /**
     * Settles the commit with the answer to its publish; called once, after a successful {@link #claim}.
     *
     * @param ack the acknowledgement, or {@code null} when {@code error} is set
     * @param error the failure, or {@code null}
     */
    abstract void answer(PublishAck ack, Throwable error);

    /**
     * Settles the commit as not acknowledged in time; called once, after a successful {@link #claim}.
     *
     * @param closing true when the store closed before the deadline
     */
    abstract void expire(boolean closing);
  }
}
