package dev.aether.testkit.bus;

import dev.aether.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A subscription handler that remembers every event it receives, with waits for tests: use it as the
 * handler of {@code EventBus.subscribe}, then {@link #awaitCount(int)} or {@link #awaitType(String)} and
 * assert on {@link #events()}. A wait that is not satisfied within {@link #TIMEOUT} fails with an
 * {@link AssertionError} that lists what did arrive. Waiting is signalled, not polled.
 *
 * <p>Thread-safe: {@code lock} guards {@code events} and signals {@code changed} on every arrival.
 */
public final class EventRecorder implements Consumer<Event> {

  /** How long a wait lasts before it fails. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<Event> events = new ArrayList<>();

  private EventRecorder() {}

  /**
   * Creates a recorder that has received nothing yet.
   *
   * @return the recorder
   */
  public static EventRecorder create() {
    return new EventRecorder();
  }

  /**
   * Records an event and wakes the waiting threads.
   *
   * @param event the event
   */
  @Override
  public void accept(Event event) {
    lock.lock();
    try {
      events.add(event);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Every event received so far.
   *
   * @return an unmodifiable copy, in arrival order
   */
  public List<Event> events() {
    lock.lock();
    try {
      return List.copyOf(events);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The types of the events received so far.
   *
   * @return the types, in arrival order
   */
  public List<String> types() {
    return events().stream().map(Event::eventType).toList();
  }

  /**
   * The versions of the events received so far.
   *
   * @return the versions, in arrival order
   */
  public List<Long> versions() {
    return events().stream().map(Event::version).toList();
  }

  /**
   * Waits until at least {@code count} events have arrived.
   *
   * @param count how many
   * @return this recorder
   * @throws AssertionError when fewer arrived within {@link #TIMEOUT}
   */
  public EventRecorder awaitCount(int count) {
    return await(list -> list.size() >= count, count + " events");
  }

  /**
   * Waits until an event of a type has arrived.
   *
   * @param type the event type
   * @return this recorder
   * @throws AssertionError when none arrived within {@link #TIMEOUT}
   */
  public EventRecorder awaitType(String type) {
    return await(list -> list.stream().anyMatch(e -> e.eventType().equals(type)), "an event of type " + type);
  }

  private EventRecorder await(Predicate<List<Event>> done, String what) {
    long left = TIMEOUT.toNanos();
    lock.lock();
    try {
      while (!done.test(events)) {
        if (left <= 0) {
          throw new AssertionError("expected " + what + " within " + TIMEOUT.toSeconds() + " s, got "
              + events.stream().map(Event::eventType).toList());
        }
        left = changed.awaitNanos(left);
      }
      return this;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + what, e);
    } finally {
      lock.unlock();
    }
  }
}
