package dev.aether.support;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Timeouts for many pending replies at a low cost per reply: a hashed timing wheel with a resolution of
 * {@value #RESOLUTION_MILLIS} ms, turned by one task that is scheduled only while replies are pending, and
 * then only when an entry falls due or every {@value #DRAIN_MILLIS} ms, whichever comes first. The runtime's
 * command deadlines use one per runtime; the store's acknowledgements and the cluster's requests share
 * {@link #shared()}.
 *
 * <h2>Cost</h2>
 * A timer per reply ({@code CompletableFuture.orTimeout}, a {@code ScheduledThreadPoolExecutor} task) takes
 * a lock to schedule and to cancel, and wakes the timer thread whenever its queue was empty: with one reply
 * outstanding at a time, two wake-ups per reply. Here a sender pushes its entry on a lock-free stack and
 * compares its deadline with the next scheduled tick (one volatile read; it schedules an earlier tick only
 * when its deadline comes first), and completing a reply is one CAS (plus one push when the tick has already
 * filed the entry); the tick thread alone files entries into the wheel's slots and unlinks completed ones
 * (intrusive doubly linked lists, O(1) each). A reply completed before the next tick never reaches a slot.
 * Replies that complete long before their deadlines (the usual case: seconds of timeout, milliseconds of
 * reply) cost a tick every {@value #DRAIN_MILLIS} ms, not every {@value #RESOLUTION_MILLIS} ms.
 *
 * <h2>Semantics</h2>
 * An entry's deadline is a clock instant in milliseconds; it expires at the first tick at or after it. Ticks
 * fall on multiples of the resolution of {@link Clock#millis()}, and a tick is scheduled at every pending
 * entry's deadline rounded up to the resolution, so a timeout fires then: never early, at most
 * {@value #RESOLUTION_MILLIS} ms late (plus the scheduler's own lateness). An entry is expired at most once
 * and only while its reply is pending ({@link Entry#cancel()} and the tick's expiry race through one CAS; the
 * reply itself completes once). A completed entry is dropped or unlinked at the next tick, so nothing is
 * retained longer than {@value #DRAIN_MILLIS} ms after completion. {@link #close()} expires every entry still
 * pending with its {@link Entry#expireOnClose()} outcome.
 *
 * <p>Thread-safe: {@link #register}, {@link #within} and {@link Entry#cancel()} from any thread; the slots, the
 * links and {@code lastTick} are guarded by {@code lock}, held by the tick (and by {@link #close()}), never by
 * senders. One tick is scheduled at a time ({@code arm}): a sender that needs an earlier one replaces it by
 * compare-and-set, and a replaced tick does nothing when it runs.
 */
public final class TimeoutWheel {

  /** The wheel's tick, in milliseconds of the runtime's clock. */
  public static final long RESOLUTION_MILLIS = 10;
  /** The longest time between two ticks while entries are pending (so the longest a completed one is kept). */
  public static final long DRAIN_MILLIS = 100;
  private static final long DRAIN_TICKS = DRAIN_MILLIS / RESOLUTION_MILLIS;
  private static final long NONE = Long.MAX_VALUE;
  private static final int SLOTS = 512;
  private static final Logger LOG = LoggerFactory.getLogger(TimeoutWheel.class);
  private static final VarHandle INCOMING;
  private static final VarHandle CANCELLED;
  private static final VarHandle ARM;
  private static final VarHandle STATE;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      INCOMING = lookup.findVarHandle(TimeoutWheel.class, "incoming", Entry.class);
      CANCELLED = lookup.findVarHandle(TimeoutWheel.class, "cancelled", Entry.class);
      ARM = lookup.findVarHandle(TimeoutWheel.class, "arm", Arm.class);
      STATE = lookup.findVarHandle(Entry.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * A reply with a deadline. {@code state} moves NEW (registered) to FILED (in a slot, tick thread) to DONE
   * (completed), EXPIRED or CLOSED (expired by {@link #close()}); NEW may go to DONE directly (completed before
   * the tick saw it).
   */
  public abstract static class Entry {
    private static final int NEW = 0;
    private static final int FILED = 1;
    private static final int DONE = 2;
    private static final int EXPIRED = 3;
    private static final int CLOSED = 4;

    private volatile int state;
    private TimeoutWheel owner;
    private long tick;
    /** Link of the incoming or the cancelled stack (one at a time). */
    private Entry stackNext;
    private Entry prev;
    private Entry next;

    /** Creates an entry, to be registered once. */
    protected Entry() {}

    /**
     * Completes the reply with its timeout outcome (the message is built only now); runs on the tick, and once
     * more on the thread of a {@link #claim()} that lost: completing the reply must be idempotent.
     */
    protected abstract void expire();

    /** Completes the reply because the wheel closed before it had an outcome; idempotent as {@link #expire()}. */
    protected abstract void expireOnClose();

    /**
     * Decides between the reply's own outcome and its timeout, before the caller completes the reply with its
     * outcome. When the timeout fired first, its outcome stands and is completed here (the wheel's thread may
     * not have completed it yet: between the expiry and the completion of an entry, others expire), so the
     * reply never carries a later outcome than one the wheel had decided, whichever thread completes it first:
     * once {@link #close()} returns, a reply it expired is answered with the close's outcome.
     *
     * @return whether the caller's outcome stands (the timeout is withdrawn); {@code false} when the timeout
     *     fired first and the reply has its outcome
     */
    public final boolean claim() {
      cancel();
      int s = state;
      if (s == EXPIRED) {
        expire();
        return false;
      }
      if (s == CLOSED) {
        expireOnClose();
        return false;
      }
      return true;
    }

    /** Marks the reply complete: it will not expire, and leaves the wheel at the next tick. */
    public final void cancel() {
      while (true) {
        int s = state;
        if (s == NEW) {
          if (STATE.compareAndSet(this, NEW, DONE)) {
            return;
          }
        } else if (s == FILED) {
          if (STATE.compareAndSet(this, FILED, DONE)) {
            owner.pushCancelled(this);
            return;
          }
        } else {
          return;
        }
      }
    }
  }

  /** How the wheel schedules its next tick: once, after a delay (on a thread that may run the expiries). */
  @FunctionalInterface
  public interface Ticks {

    /**
     * Runs a task once after a delay.
     *
     * @param tick the task
     * @param delay zero or more
     */
    void schedule(Runnable tick, Duration delay);
  }

  /** A scheduled tick, by identity: only the one in {@code arm} when it runs does the work. */
  private record Arm(long tick) {}

  private final Clock clock;
  private final Ticks scheduler;
  private final ReentrantLock lock = new ReentrantLock();
  private final Entry[] slots = new Entry[SLOTS];
  private volatile Entry incoming;
  private volatile Entry cancelled;
  /** The tick scheduled next; {@code null} when none is (no entry pending). */
  private volatile Arm arm;
  private volatile boolean closed;
  private long lastTick;
  private int filed;

  /**
   * Creates a wheel.
   *
   * @param clock the clock of the deadlines
   * @param scheduler schedules the ticks (the runtime's scheduler; a daemon thread for {@link #shared()})
   */
  public TimeoutWheel(Clock clock, Ticks scheduler) {
    this.clock = clock;
    this.scheduler = scheduler;
    this.lastTick = clock.millis() / RESOLUTION_MILLIS;
  }

  /**
   * Registers a pending reply.
   *
   * @param entry a new entry, registered once
   * @param deadlineMillis when it expires, in the clock's milliseconds
   */
  public void register(Entry entry, long deadlineMillis) {
    entry.owner = this;
    entry.tick = Math.ceilDiv(deadlineMillis, RESOLUTION_MILLIS);
    Entry head;
    do {
      head = incoming;
      entry.stackNext = head;
    } while (!INCOMING.compareAndSet(this, head, entry));
    if (closed) {
      sweepClosed();
    } else {
      armBy(entry.tick);
    }
  }

  /**
   * The process's wheel on the system clock, for timeouts that belong to no runtime (a store's
   * acknowledgements, a cluster's requests); its ticks run on one daemon thread ({@code aether-timeouts}),
   * started on first use, that also completes the timed-out futures (their callbacks must not block). Never
   * closed, as Netty's shared {@code HashedWheelTimer}: while no entry is pending it schedules no tick and its
   * thread waits without waking, and it holds an entry only until its deadline, or at most
   * {@value #DRAIN_MILLIS} ms after its reply completed, so it keeps nothing of a closed user (a store, a
   * cluster node) reachable for longer.
   *
   * @return the shared wheel
   */
  public static TimeoutWheel shared() {
    return Shared.WHEEL;
  }

  /**
   * Fails {@code future} with a {@link TimeoutException} if it is not complete {@code timeoutMillis} after now
   * (rounded up to the resolution), like {@link CompletableFuture#orTimeout} without a timer per future.
   *
   * @param future the future; completing it (any way) cancels the timeout
   * @param timeoutMillis how long it may take, at least 1
   * @param <T> its type
   * @return {@code future}
   * @throws IllegalArgumentException when {@code timeoutMillis} is less than 1
   */
  public <T> CompletableFuture<T> within(CompletableFuture<T> future, long timeoutMillis) {
    if (timeoutMillis < 1) {
      throw new IllegalArgumentException("timeoutMillis must be at least 1, was " + timeoutMillis);
    }
    if (future.isDone()) {
      return future;
    }
    FutureTimeout entry = new FutureTimeout(future, timeoutMillis);
    register(entry, clock.millis() + timeoutMillis);
    future.whenComplete(entry);
    return future;
  }

  /** Expires every pending entry ({@link Entry#expireOnClose()}) and stops the ticks. */
  public void close() {
    closed = true;
    sweepClosed();
  }

  /** @return entries filed in the slots (completed ones count until the next tick); for tests */
  public int filed() {
    lock.lock();
    try {
      return filed;
    } finally {
      lock.unlock();
    }
  }

  private void pushCancelled(Entry entry) {
    Entry head;
    do {
      head = cancelled;
      entry.stackNext = head;
    } while (!CANCELLED.compareAndSet(this, head, entry));
  }

  /**
   * Makes sure a tick is scheduled at or before {@code tick}: nothing to do when one is (the usual case, one
   * volatile read); else schedules one there, or within {@link #DRAIN_TICKS} when none was scheduled.
   */
  private void armBy(long tick) {
    while (true) {
      Arm current = arm;
      long target = current == null ? Math.min(tick, Math.floorDiv(clock.millis(), RESOLUTION_MILLIS) + DRAIN_TICKS)
          : tick;
      if (current != null && current.tick() <= target) {
        return;
      }
      Arm earlier = new Arm(target);
      if (ARM.compareAndSet(this, current, earlier)) {
        schedule(earlier);
        return;
      }
    }
  }

  private void schedule(Arm next) {
    long delay = next.tick() * RESOLUTION_MILLIS - clock.millis();
    scheduler.schedule(() -> tick(next), Duration.ofMillis(Math.max(0, delay)));
  }

  private void tick(Arm mine) {
    if (closed || arm != mine) {
      return; // replaced by an earlier tick, which took over
    }
    Entry expired = null;
    long next = NONE;
    lock.lock();
    try {
      long now = Math.floorDiv(clock.millis(), RESOLUTION_MILLIS);
      try {
        expired = fileIncoming(now, null);
        unlinkCancelled();
        expired = expireUpTo(now, expired);
        if (filed > 0 || incoming != null) {
          next = Math.min(now + DRAIN_TICKS, nextFiledDue(now));
        }
      } catch (RuntimeException | Error e) {
        LOG.warn("the timeout tick failed", e);
        next = now + 1;
      }
    } finally {
      lock.unlock();
    }
    expireAll(expired, false); // outside the lock: a reply's callbacks run here
    Arm following = next == NONE ? null : new Arm(next);
    if (closed || !ARM.compareAndSet(this, mine, following)) {
      return; // a sender scheduled an earlier tick meanwhile: that one goes on
    }
    if (following != null) {
      schedule(following);
    }
    // senders that registered while this tick ran compared their deadlines with it, not with the next one
    long due;
    lock.lock();
    try {
      due = earliestIncoming();
    } finally {
      lock.unlock();
    }
    if (due != NONE) {
      armBy(due);
    }
  }

  /** The first tick within the drain interval after {@code now} at which a filed entry falls due, or NONE. */
  private long nextFiledDue(long now) {
    for (long t = now + 1; t < now + DRAIN_TICKS; t++) {
      for (Entry e = slots[(int) Math.floorMod(t, SLOTS)]; e != null; e = e.next) {
        if (e.tick == t) {
          return t;
        }
      }
    }
    return NONE;
  }

  /** The earliest deadline tick of the registered entries not yet filed and still pending, or NONE. */
  private long earliestIncoming() {
    long earliest = NONE;
    for (Entry e = incoming; e != null; e = e.stackNext) {
      if (e.state == Entry.NEW) {
        earliest = Math.min(earliest, e.tick);
      }
    }
    return earliest;
  }

  /**
   * Files the registered entries into their slots and drops the completed ones.
   *
   * @return the overdue entries, chained before {@code expired}
   */
  private Entry fileIncoming(long now, Entry expired) {
    Entry e = (Entry) INCOMING.getAndSet(this, null);
    while (e != null) {
      Entry after = e.stackNext;
      e.stackNext = null;
      if (e.tick <= now) {
        if (STATE.compareAndSet(e, Entry.NEW, Entry.EXPIRED)) {
          e.stackNext = expired;
          expired = e;
        }
      } else if (STATE.compareAndSet(e, Entry.NEW, Entry.FILED)) {
        link(e);
      }
      e = after;
    }
    return expired;
  }

  private void unlinkCancelled() {
    Entry e = (Entry) CANCELLED.getAndSet(this, null);
    while (e != null) {
      Entry after = e.stackNext;
      e.stackNext = null;
      unlink(e);
      e = after;
    }
  }

  /**
   * Takes the filed entries due by tick {@code now} out of the wheel: each slot once, even after a long pause.
   *
   * @return them, chained before {@code expired}
   */
  private Entry expireUpTo(long now, Entry expired) {
    long from = Math.max(lastTick + 1, now - SLOTS + 1);
    for (long t = from; t <= now; t++) {
      Entry e = slots[(int) Math.floorMod(t, SLOTS)];
      while (e != null) {
        Entry after = e.next;
        if (e.tick <= now && STATE.compareAndSet(e, Entry.FILED, Entry.EXPIRED)) {
          unlink(e);
          e.stackNext = expired;
          expired = e;
        }
        e = after;
      }
    }
    lastTick = Math.max(lastTick, now);
    return expired;
  }

  private void sweepClosed() {
    Entry expired = null;
    lock.lock();
    try {
      Entry e = (Entry) INCOMING.getAndSet(this, null);
      while (e != null) {
        Entry after = e.stackNext;
        if (STATE.compareAndSet(e, Entry.NEW, Entry.CLOSED)) {
          e.stackNext = expired;
          expired = e;
        } else {
          e.stackNext = null;
        }
        e = after;
      }
      unlinkCancelled();
      for (int i = 0; i < SLOTS; i++) {
        while (slots[i] != null) {
          Entry head = slots[i];
          unlink(head);
          if (STATE.compareAndSet(head, Entry.FILED, Entry.CLOSED)) {
            head.stackNext = expired;
            expired = head;
          }
        }
      }
    } finally {
      lock.unlock();
    }
    expireAll(expired, true);
  }

  private static void expireAll(Entry chain, boolean onClose) {
    Entry e = chain;
    while (e != null) {
      Entry after = e.stackNext;
      e.stackNext = null;
      try {
        if (onClose) {
          e.expireOnClose();
        } else {
          e.expire();
        }
      } catch (RuntimeException | Error failure) {
        LOG.warn("completing a timed-out reply failed", failure); // a callback of the reply threw
      }
      e = after;
    }
  }

  private void link(Entry e) {
    int slot = (int) Math.floorMod(e.tick, SLOTS);
    Entry head = slots[slot];
    e.prev = null;
    e.next = head;
    if (head != null) {
      head.prev = e;
    }
    slots[slot] = e;
    filed++;
  }

  private void unlink(Entry e) {
    int slot = (int) Math.floorMod(e.tick, SLOTS);
    if (e.prev == null) {
      if (slots[slot] != e) {
        return; // not linked (already unlinked)
      }
      slots[slot] = e.next;
    } else {
      e.prev.next = e.next;
    }
    if (e.next != null) {
      e.next.prev = e.prev;
    }
    e.prev = null;
    e.next = null;
    filed--;
  }
  /** The timeout of one future of {@link #within}: cancelled when the future completes. */
  private static final class FutureTimeout extends Entry implements BiConsumer<Object, Throwable> {
    private final CompletableFuture<?> future;
    private final long timeoutMillis;

    FutureTimeout(CompletableFuture<?> future, long timeoutMillis) {
      this.future = future;
      this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void accept(Object result, Throwable failure) {
      cancel();
    }

    @Override
    protected void expire() {
      future.completeExceptionally(new TimeoutException("no outcome within " + timeoutMillis + " ms"));
    }

    @Override
    protected void expireOnClose() {
      expire();
    }
  }

  /**
   * The thread of {@link #shared()}'s ticks: a daemon that takes nothing from the thread that happened to use
   * the wheel first (a web application's, whose class loader or inheritable thread-local values the never-ending
   * thread would keep from being collected after the application is undeployed): its context class loader is
   * this class's, and it inherits no inheritable thread-locals.
   */
  static Thread sharedTickThread(Runnable task) {
    Thread thread = Thread.ofPlatform().name("aether-timeouts").daemon(true).inheritInheritableThreadLocals(false)
        .unstarted(task);
    thread.setContextClassLoader(TimeoutWheel.class.getClassLoader());
    return thread;
  }

  /** The holder of {@link #shared()}: created on first use. */
  private static final class Shared {
    private static final ScheduledExecutorService TICKS =
        Executors.newSingleThreadScheduledExecutor(TimeoutWheel::sharedTickThread);
    static final TimeoutWheel WHEEL = new TimeoutWheel(Clock.systemUTC(),
        (tick, delay) -> TICKS.schedule(tick, delay.toNanos(), TimeUnit.NANOSECONDS));
  }
}
