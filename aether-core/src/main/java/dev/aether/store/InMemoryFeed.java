package dev.aether.store;

import dev.aether.event.Event;
import dev.aether.support.FeedChecks;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link EventFeed} of an {@link InMemoryEventStore}: one partition (0) holding every commit in the order
 * it was stored, numbered 1, 2, 3, ...; readers and shared groups over it.
 *
 * <p>Thread-safe. One lock guards the log, every reader's and group's state; {@link #changed} is signalled
 * on every change a waiting poll may be waiting for (a commit, an acknowledgement or nak, a close), so polls
 * block without polling. The store appends under the stream's lock, so a stream's commits enter the log in
 * version order. Nothing here blocks on I/O while holding the lock.
 */
final class InMemoryFeed {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** Commit {@code s} is at index {@code s - 1}. */
  private final List<StoredCommit> commits = new ArrayList<>();
  private final Map<String, Group> groups = new HashMap<>();

  /** A stored commit, read back on demand (the store keeps its events compactly). */
  interface StoredCommit {

    /** @return the commit's events, in version order */
    List<Event> events();
  }

  /** Appends one commit (called by the store under the stream's lock) and wakes the waiting polls. */
  void append(StoredCommit commit) {
    lock.lock();
    try {
      commits.add(commit);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  FeedPosition head() {
    lock.lock();
    try {
      return commits.isEmpty() ? FeedPosition.START : FeedPosition.START.with(0, commits.size());
    } finally {
      lock.unlock();
    }
  }

  FeedReader open(FeedStart start) {
    FeedChecks.start(start, "start", 1);
    lock.lock();
    try {
      return new Reader(Cursor.of(start, commits.size()));
    } finally {
      lock.unlock();
    }
  }

  SharedFeed openShared(String group, FeedStart startIfNew, SharedFeedOptions options) {
    FeedChecks.shared(group, startIfNew, options);
    FeedChecks.start(startIfNew, "startIfNew", 1);
    lock.lock();
    try {
      Group g = groups.computeIfAbsent(group, name -> new Group(Cursor.of(startIfNew, commits.size())));
      g.options = options;
      changed.signalAll();
      return new Member(group, g);
    } finally {
      lock.unlock();
    }
  }

  /** The position of an event inside its commit: the whole commit after its last event. */
  private static FeedPosition after(FeedPosition base, long sequence, int index, int size) {
    return index == size - 1 ? base.with(0, sequence) : base.with(0, sequence, index);
  }

  /**
   * Waits on {@link #changed} for at most {@code nanos}; the caller holds the lock.
   *
   * @return the nanoseconds left, or -1 after an interrupt (flag set again)
   */
  private long await(long nanos) {
    try {
      return changed.awaitNanos(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The next commit to read and the events of it already delivered; guarded by the feed's lock. */
  private static final class Cursor {
    long next;
    int skipThrough;
    FeedPosition position;

    Cursor(long next, int skipThrough, FeedPosition position) {
      this.next = next;
      this.skipThrough = skipThrough;
      this.position = position;
    }

    static Cursor of(FeedStart start, int size) {
      return switch (start) {
        case FeedStart.Beginning b -> new Cursor(1, -1, FeedPosition.START);
        case FeedStart.Now n -> new Cursor(size + 1L, -1,
            size == 0 ? FeedPosition.START : FeedPosition.START.with(0, size));
        case FeedStart.After a -> {
          long sequence = a.position().sequence(0);
          OptionalInt index = a.position().eventIndex(0);
          yield index.isPresent() ? new Cursor(sequence, index.getAsInt(), a.position())
              : new Cursor(sequence + 1, -1, a.position());
        }
      };
    }
  }

  /** A plain reader: its cursor is guarded by the feed's lock. */
  private final class Reader implements FeedReader {
    private final Cursor cursor;
    private volatile boolean closed;

    Reader(Cursor cursor) {
      this.cursor = cursor;
    }

    @Override
    public List<FeedEntry> poll(int max, Duration wait) {
      long nanos = FeedChecks.poll(max, wait);
      lock.lock();
      try {
        while (true) {
          if (closed) {
            throw new FeedClosedException("the feed reader is closed: cannot poll");
          }
          if (cursor.next <= commits.size()) {
            return collect(max);
          }
          if (nanos <= 0) {
            return List.of();
          }
          nanos = await(nanos);
        }
      } finally {
        lock.unlock();
      }
    }

    private List<FeedEntry> collect(int max) {
      List<FeedEntry> out = new ArrayList<>(Math.min(max, 256));
      while (out.size() < max && cursor.next <= commits.size()) {
        List<Event> commit = commits.get((int) (cursor.next - 1)).events();
        for (int i = cursor.skipThrough + 1; i < commit.size() && out.size() < max; i++) {
          cursor.position = after(cursor.position, cursor.next, i, commit.size());
          out.add(new FeedEntry(commit.get(i), 0, cursor.position));
          cursor.skipThrough = i;
        }
        if (cursor.skipThrough >= commit.size() - 1) {
          cursor.next++;
          cursor.skipThrough = -1;
        }
      }
      return out;
    }

    @Override
    public FeedPosition position() {
      lock.lock();
      try {
        return cursor.position;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void close() {
      closed = true;
      lock.lock();
      try {
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** A commit handed out and not yet acknowledged; guarded by the feed's lock. */
  private static final class Pending {
    /** When it may be handed out again: the ack deadline, or the end of a nak's delay. */
    long due;
    int attempts;
    /** The current delivery round; a nak of an older round is ignored. */
    Object round;
  }

  /** A shared group's progress; guarded by the feed's lock. */
  private static final class Group {
    final Cursor cursor;
    final long skipSequence;
    final int skipThrough;
    final TreeMap<Long, Pending> pending = new TreeMap<>();
    SharedFeedOptions options = SharedFeedOptions.DEFAULTS;

    Group(Cursor start) {
      this.cursor = start;
      this.skipSequence = start.skipThrough >= 0 ? start.next : 0;
      this.skipThrough = start.skipThrough;
      start.skipThrough = -1;
    }

    /** The earliest time a pending commit becomes due, or {@link Long#MAX_VALUE}. */
    long nextDue(long now) {
      long earliest = Long.MAX_VALUE;
      for (Pending p : pending.values()) {
        earliest = Math.min(earliest, p.due - now);
      }
      return earliest;
    }
  }

  /** Settles the events of one delivery round of one commit together. */
  private final class RoundAcks {
    final Group group;
    final long sequence;
    final Object round = new Object();
    final AtomicInteger remaining;
    final AtomicBoolean nakked = new AtomicBoolean();

    RoundAcks(Group group, long sequence, int events) {
      this.group = group;
      this.sequence = sequence;
      this.remaining = new AtomicInteger(events);
    }

    void acked() {
      if (remaining.decrementAndGet() == 0 && !nakked.get()) {
        lock.lock();
        try {
          group.pending.remove(sequence);
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }

    void nak(Duration delay) {
      if (!nakked.compareAndSet(false, true)) {
        return;
      }
      lock.lock();
      try {
        Pending p = group.pending.get(sequence);
        if (p != null && p.round == round) {
          p.due = System.nanoTime() + delay.toNanos();
          changed.signalAll();
        }
      } finally {
        lock.unlock();
      }
    }

    /**
     * Starts this round's ack timeout over, while the round is the commit's current one and not settled (the
     * nak's check under the lock: a nak's delay is never overwritten).
     */
    void inProgress() {
      lock.lock();
      try {
        Pending p = group.pending.get(sequence);
        if (p != null && p.round == round && !nakked.get() && remaining.get() > 0) {
          p.due = System.nanoTime() + group.options.ackTimeout().toNanos();
        }
      } finally {
        lock.unlock();
      }
    }
  }

  private record Delivery(FeedEntry entry, int attempt, RoundAcks acks, AtomicBoolean settled)
      implements FeedDelivery {
    @Override
    public void ack() {
      if (settled.compareAndSet(false, true)) {
        acks.acked();
      }
    }

    @Override
    public void nak(Duration delay) {
      FeedChecks.delay(delay);
      if (settled.compareAndSet(false, true)) {
        acks.nak(delay);
      }
    }

    @Override
    public void inProgress() {
      if (!settled.get()) {
        acks.inProgress();
      }
    }
  }

  /** One member of a shared group; its buffer is guarded by the feed's lock. */
  private final class Member implements SharedFeed {
    private final String name;
    private final Group group;
    private final ArrayDeque<FeedDelivery> buffer = new ArrayDeque<>();
    private volatile boolean closed;

    Member(String name, Group group) {
      this.name = name;
      this.group = group;
    }

    @Override
    public String group() {
      return name;
    }

    @Override
    public List<FeedDelivery> poll(int max, Duration wait) {
      long nanos = FeedChecks.poll(max, wait);
      long deadline = System.nanoTime() + nanos;
      lock.lock();
      try {
        while (true) {
          if (closed) {
            throw new FeedClosedException("the shared feed member of group \"" + name + "\" is closed: cannot poll");
          }
          long now = System.nanoTime();
          handOut(now, max);
          List<FeedDelivery> out = drain(max);
          if (!out.isEmpty()) {
            return out;
          }
          long left = deadline - now;
          if (left <= 0 || nanos == 0) {
            return List.of();
          }
          if (await(Math.max(1, Math.min(left, group.nextDue(now)))) < 0) {
            return List.of();
          }
        }
      } finally {
        lock.unlock();
      }
    }

    /** Hands out due redeliveries first, then new commits while the in-flight bound allows. */
    private void handOut(long now, int max) {
      for (Iterator<Map.Entry<Long, Pending>> it = group.pending.entrySet().iterator();
          it.hasNext() && buffer.size() < max; ) {
        Map.Entry<Long, Pending> e = it.next();
        if (e.getValue().due - now <= 0) {
          deliver(e.getKey(), e.getValue(), now);
        }
      }
      while (buffer.size() < max && group.pending.size() < group.options.maxInFlight()
          && group.cursor.next <= commits.size()) {
        long sequence = group.cursor.next++;
        Pending p = new Pending();
        group.pending.put(sequence, p);
        if (!deliver(sequence, p, now)) {
          group.pending.remove(sequence);
        }
      }
    }

    /** Adds one round of a commit's deliveries to the buffer; false when the start skipped all its events. */
    private boolean deliver(long sequence, Pending p, long now) {
      List<Event> commit = commits.get((int) (sequence - 1)).events();
      int from = sequence == group.skipSequence ? group.skipThrough + 1 : 0;
      if (from >= commit.size()) {
        return false;
      }
      p.attempts++;
      p.due = now + group.options.ackTimeout().toNanos();
      RoundAcks acks = new RoundAcks(group, sequence, commit.size() - from);
      p.round = acks.round;
      for (int i = from; i < commit.size(); i++) {
        FeedEntry entry = new FeedEntry(commit.get(i), 0, after(FeedPosition.START, sequence, i, commit.size()));
        buffer.add(new Delivery(entry, p.attempts, acks, new AtomicBoolean()));
      }
      return true;
    }

    /**
     * Hands out up to {@code max} buffered deliveries; their ack timeout starts now (what waited in the buffer
     * for this poll, a commit longer than the previous poll's {@code max}, was the member's to keep). A buffered
     * delivery whose commit was settled or handed out again meanwhile (its round is no longer the current one)
     * is dropped: the commit's current round is someone else's.
     */
    private List<FeedDelivery> drain(int max) {
      List<FeedDelivery> out = new ArrayList<>(Math.min(max, buffer.size()));
      long due = System.nanoTime() + group.options.ackTimeout().toNanos();
      while (out.size() < max && !buffer.isEmpty()) {
        Delivery d = (Delivery) buffer.poll();
        Pending p = group.pending.get(d.acks().sequence);
        if (p == null || p.round != d.acks().round || d.acks().nakked.get()) {
          continue;
        }
        if (due - p.due > 0) {
          p.due = due;
        }
        out.add(d);
      }
      return out;
    }

    @Override
    public long backlog() {
      lock.lock();
      try {
        if (closed) {
          throw new FeedClosedException("the shared feed member of group \"" + name + "\" is closed");
        }
        return commits.size() - (group.cursor.next - 1) + group.pending.size();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void close() {
      closed = true;
      lock.lock();
      try {
        buffer.clear();
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }
}
