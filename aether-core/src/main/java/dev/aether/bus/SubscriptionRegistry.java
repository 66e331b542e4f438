package dev.aether.bus;

import dev.aether.event.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The live subscriptions of a bus and the routing of a published event to them. Exact subscriptions sit in
 * a map by namespace, so routing to them is one lookup; wildcard subscriptions sit in one list and each
 * pattern is tested against the namespace (as upstream does).
 *
 * <p>Thread-safe, copy-on-write: {@code lock} serialises changes ({@link #add}, {@link #remove},
 * {@link #closeAll}) and guards {@code closed}; the lists in {@code exact} and {@code wildcard} are immutable
 * and replaced whole, so {@link #dispatch} reads them without locking.
 */
final class SubscriptionRegistry {

  private final ReentrantLock lock = new ReentrantLock();
  private final ConcurrentMap<String, List<LocalSubscription>> exact = new ConcurrentHashMap<>();
  private volatile List<LocalSubscription> wildcard = List.of();
  private boolean closed;

  /**
   * Adds a subscription.
   *
   * @return {@code false} when the registry is closed (nothing added)
   */
  boolean add(LocalSubscription subscription) {
    NamespacePattern pattern = subscription.pattern();
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      if (pattern.isWildcard()) {
        wildcard = with(wildcard, subscription);
      } else {
        exact.put(pattern.value(), with(exact.getOrDefault(pattern.value(), List.of()), subscription));
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Removes a subscription; does nothing when it is not registered. */
  void remove(LocalSubscription subscription) {
    NamespacePattern pattern = subscription.pattern();
    lock.lock();
    try {
      if (pattern.isWildcard()) {
        wildcard = without(wildcard, subscription);
        return;
      }
      List<LocalSubscription> rest = without(exact.getOrDefault(pattern.value(), List.of()), subscription);
      if (rest.isEmpty()) {
        exact.remove(pattern.value());
      } else {
        exact.put(pattern.value(), rest);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Closes the registry: later {@link #add} calls fail, and every registered subscription is removed.
   *
   * @return the subscriptions that were registered
   */
  List<LocalSubscription> closeAll() {
    lock.lock();
    try {
      closed = true;
      List<LocalSubscription> all = new ArrayList<>(wildcard);
      exact.values().forEach(all::addAll);
      exact.clear();
      wildcard = List.of();
      return all;
    } finally {
      lock.unlock();
    }
  }

  /** Offers an event published to {@code namespace} to every subscription whose pattern matches it. */
  void dispatch(String namespace, Event event) {
    dispatchExact(namespace, event);
    for (LocalSubscription subscription : wildcard) {
      if (subscription.pattern().matches(namespace)) {
        subscription.offer(event);
      }
    }
  }

  /**
   * Offers an event published to {@code namespace} only to the subscriptions made with exactly
   * {@code pattern}, which the caller has checked matches the namespace.
   */
  void dispatch(NamespacePattern pattern, String namespace, Event event) {
    if (!pattern.isWildcard()) {
      dispatchExact(namespace, event);
      return;
    }
    for (LocalSubscription subscription : wildcard) {
      if (subscription.pattern().equals(pattern)) {
        subscription.offer(event);
      }
    }
  }

  private void dispatchExact(String namespace, Event event) {
    List<LocalSubscription> exactMatches = exact.get(namespace);
    if (exactMatches != null) {
      for (LocalSubscription subscription : exactMatches) {
        subscription.offer(event);
      }
    }
  }

  private static List<LocalSubscription> with(List<LocalSubscription> list, LocalSubscription added) {
    List<LocalSubscription> copy = new ArrayList<>(list.size() + 1);
    copy.addAll(list);
    copy.add(added);
    return List.copyOf(copy);
  }

  private static List<LocalSubscription> without(List<LocalSubscription> list, LocalSubscription removed) {
    List<LocalSubscription> copy = new ArrayList<>(list);
    copy.remove(removed);
    return List.copyOf(copy);
  }
}
