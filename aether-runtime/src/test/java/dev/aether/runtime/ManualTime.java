package dev.aether.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/** A clock and scheduler driven by hand: {@link #advance} moves time and runs the tasks that fall due. */
final class ManualTime extends Clock implements Scheduler {

  private record Task(Instant due, long seq, Runnable runnable) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final List<Task> tasks = new ArrayList<>();
  private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private long seq;

  @Override
  public Cancellable schedule(Runnable task, Duration delay) {
    lock.lock();
    try {
      Task t = new Task(now.plus(delay), seq++, task);
      tasks.add(t);
      return () -> remove(t);
    } finally {
      lock.unlock();
    }
  }

  /** Moves time forward and runs every task due by then, in due order, on the calling thread. */
  void advance(Duration by) {
    Instant target = now.plus(by);
    while (true) {
      Task next;
      lock.lock();
      try {
        next = tasks.stream().filter(t -> !t.due().isAfter(target))
            .min(Comparator.comparing(Task::due).thenComparing(Task::seq)).orElse(null);
        if (next == null) {
          now = target;
          return;
        }
        tasks.remove(next);
        if (next.due().isAfter(now)) {
          now = next.due();
        }
      } finally {
        lock.unlock();
      }
      next.runnable().run();
    }
  }

  int pendingTasks() {
    lock.lock();
    try {
      return tasks.size();
    } finally {
      lock.unlock();
    }
  }

  private void remove(Task t) {
    lock.lock();
    try {
      tasks.remove(t);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
