package dev.aether.nats.bus;

import dev.aether.bus.NamespacePattern;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus's NATS subscriptions, one per distinct local subscription pattern, reference-counted: the first
 * local subscriber of a pattern subscribes its subject on the dispatcher, later ones only count, and the last
 * one to leave unsubscribes it. Each NATS subscription is an {@link Interest}; its messages go to
 * {@code onMessage} together with it, and {@link #isCurrent(Interest)} tells whether it still stands, so that
 * a message still queued for an interest that was removed (and perhaps replaced) is not delivered twice.
 *
 * <p>Thread-safe: {@code lock} serialises {@link #acquire}, {@link #release} and {@link #closeAll} and guards
 * the counts and {@code closed}; {@code interests} is a concurrent map so {@link #isCurrent} reads it on the
 * dispatcher thread without locking. Unsubscribing sends a protocol line and does not wait.
 */
final class NatsInterests {

  private static final Logger LOG = LoggerFactory.getLogger(NatsInterests.class);

  /** One NATS subscription for one pattern, and how many local subscriptions use it. */
  static final class Interest {
    private final NamespacePattern pattern;
    private Subscription subscription;
    private int users;

    private Interest(NamespacePattern pattern) {
      this.pattern = pattern;
    }

    NamespacePattern pattern() {
      return pattern;
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final ConcurrentMap<NamespacePattern, Interest> interests = new ConcurrentHashMap<>();
  private final Dispatcher dispatcher;
  private final String subjectPrefix;
  private final BiConsumer<Interest, Message> onMessage;
  private boolean closed;

  NatsInterests(Dispatcher dispatcher, String subjectPrefix, BiConsumer<Interest, Message> onMessage) {
    this.dispatcher = dispatcher;
    this.subjectPrefix = subjectPrefix;
    this.onMessage = onMessage;
  }

  /** The NATS subject of a namespace or namespace pattern: wildcards map one to one. */
  String subject(String namespaceOrPattern) {
    return subjectPrefix + "." + namespaceOrPattern;
  }

  /**
   * Counts one more local subscription of {@code pattern}, subscribing its subject when it is the first.
   *
   * @return {@code false} when closed (nothing counted)
   * @throws IllegalStateException when the dispatcher or connection is closed (nothing counted)
   */
  boolean acquire(NamespacePattern pattern) {
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      Interest interest = interests.get(pattern);
      if (interest == null) {
        interest = subscribe(pattern);
      }
      interest.users++;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Counts one local subscription of {@code pattern} less, unsubscribing its subject when it was the last. */
  void release(NamespacePattern pattern) {
    lock.lock();
    try {
      Interest interest = interests.get(pattern);
      if (interest == null || --interest.users > 0) {
        return;
      }
      interests.remove(pattern);
      unsubscribe(interest);
    } finally {
      lock.unlock();
    }
  }

  /** Tells whether a message of this interest should still be delivered. */
  boolean isCurrent(Interest interest) {
    return interests.get(interest.pattern) == interest;
  }

  /** Unsubscribes every subject; later {@link #acquire} calls return {@code false}. Idempotent. */
  void closeAll() {
    lock.lock();
    try {
      closed = true;
      interests.values().forEach(this::unsubscribe);
      interests.clear();
    } finally {
      lock.unlock();
    }
  }

  /** The subjects subscribed now, for tests and diagnostics. */
  List<String> subjects() {
    return interests.keySet().stream().map(p -> subject(p.value())).sorted().toList();
  }

  /** How many local subscriptions use each pattern now, for tests and diagnostics. */
  Map<String, Integer> users() {
    lock.lock();
    try {
      Map<String, Integer> users = new HashMap<>();
      interests.forEach((pattern, interest) -> users.put(pattern.value(), interest.users));
      return users;
    } finally {
      lock.unlock();
    }
  }

  private Interest subscribe(NamespacePattern pattern) {
    Interest interest = new Interest(pattern);
    interest.subscription = dispatcher.subscribe(subject(pattern.value()), m -> onMessage.accept(interest, m));
    interests.put(pattern, interest);
    return interest;
  }

  private void unsubscribe(Interest interest) {
    try {
      dispatcher.unsubscribe(interest.subscription);
    } catch (RuntimeException e) {
      // The dispatcher or connection is closed: the server has dropped the subscription with the connection.
      LOG.debug("cannot unsubscribe {}: {}", interest.subscription.getSubject(), e.toString());
    }
  }
}
