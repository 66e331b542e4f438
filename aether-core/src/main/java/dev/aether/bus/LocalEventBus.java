package dev.aether.bus;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.support.Checks;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * An {@link EventBus} inside one process: events published here reach subscriptions made here. It is also
 * the local-delivery part of a cluster-wide bus, which wraps it and adds the network hop.
 *
 * <p>Delivery: every subscription has its own bounded queue (capacity {@link Builder#defaultQueueCapacity
 * default} {@value #DEFAULT_QUEUE_CAPACITY} events, or its {@link SubscriptionOptions}) and its own delivery
 * thread (a virtual thread by default), which calls the handler with one event at a time in queue order.
 * {@link #publish} filters and queues on the caller's thread and returns without waiting for handlers; when a
 * queue is full the subscription's {@link OverflowPolicy} applies ({@link OverflowPolicy#DROP_NEWEST} by
 * default: drop and count, never wait).
 *
 * <p>Metrics: the meters listed in {@link BusMetrics}, registered in the builder's {@link MeterRegistry} (a
 * private {@link SimpleMeterRegistry} by default) and tagged with the bus's {@link Builder#name name}.
 *
 * <p>Thread-safe. Routing reads an immutable snapshot of the subscriptions (see the package-private
 * {@code SubscriptionRegistry}), so publishing takes no bus-wide lock: an exact subscription costs one map
 * lookup, a wildcard one a pattern match per publish.
 */
public final class LocalEventBus implements EventBus {

  /** The default capacity of a subscription's queue. */
  public static final int DEFAULT_QUEUE_CAPACITY = 1024;
  /** The default overflow policy. */
  public static final OverflowPolicy DEFAULT_OVERFLOW_POLICY = OverflowPolicy.DROP_NEWEST;
  /** The default bus name, the value of the {@code bus} tag of its meters. */
  public static final String DEFAULT_NAME = "local";

  private final SubscriptionRegistry registry = new SubscriptionRegistry();
  private final MicrometerBusMetrics metrics;
  private final int defaultCapacity;
  private final OverflowPolicy defaultPolicy;
  private final ThreadFactory threads;
  private volatile boolean closed;

  private LocalEventBus(Builder b) {
    this.metrics = new MicrometerBusMetrics(
        b.meterRegistry != null ? b.meterRegistry : new SimpleMeterRegistry(), b.name);
    this.defaultCapacity = b.defaultQueueCapacity;
    this.defaultPolicy = b.defaultOverflowPolicy;
    this.threads = b.threadFactory != null
        ? b.threadFactory
        : Thread.ofVirtual().name("aether-bus-" + b.name + "-", 1).factory();
  }

  /**
   * Creates a bus with every default: queue capacity {@value #DEFAULT_QUEUE_CAPACITY},
   * {@link OverflowPolicy#DROP_NEWEST}, virtual delivery threads, a private {@link SimpleMeterRegistry}.
   *
   * @return a new, open bus
   */
  public static LocalEventBus create() {
    return builder().build();
  }

  /**
   * Starts configuring a bus.
   *
   * @return a new builder holding the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@inheritDoc} Counts the event as published to {@code namespace} even when nobody subscribes to it. */
  @Override
  public void publish(String namespace, Event event) {
    route(namespace, event, true);
  }

  /**
   * Delivers an event that was published elsewhere, for example received from another node by a cluster-wide
   * bus that wraps this one, to this bus's subscriptions. Validation, routing, filters, queues and counting of
   * deliveries, drops and errors are those of {@link #publish}, but the event is not counted as published
   * here: it was counted by the bus that published it.
   *
   * @param namespace the namespace it was published to
   * @param event the event
   * @throws InvalidInputException naming {@code namespace} or {@code event} when one is refused
   * @throws EventBusClosedException when the bus is closed
   */
  public void relay(String namespace, Event event) {
    route(namespace, event, false);
  }

  /**
   * Like {@link #relay(String, Event)}, but delivers only to the subscriptions made with exactly
   * {@code pattern} (equal text), not to every subscription whose pattern matches the namespace. For a
   * cluster-wide bus that holds one network subscription per distinct local pattern: the network delivers a
   * message once to each of its matching subscriptions, so relaying each copy to every matching local
   * subscription would deliver the event several times to each.
   *
   * @param pattern the subscription pattern whose subscriptions get the event
   * @param namespace the namespace it was published to; must match {@code pattern}
   * @param event the event
   * @throws InvalidInputException naming {@code pattern} when it is null, {@code namespace} when it is refused
   *     or does not match the pattern, or {@code event} when it is null
   * @throws EventBusClosedException when the bus is closed
   */
  public void relay(NamespacePattern pattern, String namespace, Event event) {
    Checks.notNull(pattern, "pattern");
    Namespaces.validateNamespace(namespace);
    if (!pattern.matches(namespace)) {
      throw new InvalidInputException("namespace", "\"" + namespace + "\" does not match pattern \"" + pattern
          + "\"");
    }
    Checks.notNull(event, "event");
    checkOpen(namespace);
    registry.dispatch(pattern, namespace, event);
  }

  /**
   * Counts a failure that happened outside this bus in its {@value BusMetrics#ERRORS} meter, for a bus that
   * wraps this one and moves events over a network: a publish that reached the local subscribers but could
   * not be sent ({@link BusMetrics.ErrorKind#PUBLISH}, keyed by namespace), or a message from the network that
   * could not be read or a network subscription that could not be made ({@link BusMetrics.ErrorKind#SUBSCRIBE},
   * keyed by subscription pattern). Works on a closed bus too.
   *
   * @param key a namespace or a subscription pattern, as {@link BusMetrics#errors(String, BusMetrics.ErrorKind)}
   *     reads it
   * @param kind the kind of failure
   * @throws InvalidInputException naming {@code key} when it is null or blank, or {@code kind} when it is null
   */
  public void countError(String key, BusMetrics.ErrorKind kind) {
    Checks.notBlank(key, "key");
    Checks.notNull(kind, "kind");
    metrics.errorCounter(key, kind).increment();
  }

  @Override
  public Subscription subscribe(
      String pattern, SubscriptionFilter filter, SubscriptionOptions options, Consumer<Event> handler) {
    NamespacePattern parsed = NamespacePattern.parse(pattern);
    Checks.notNull(filter, "filter");
    Checks.notNull(options, "options");
    Checks.notNull(handler, "handler");
    if (closed) {
      throw closedForSubscribe(parsed);
    }
    LocalSubscription subscription = newSubscription(parsed, filter, options, handler);
    if (!registry.add(subscription)) {
      throw closedForSubscribe(parsed);
    }
    metrics.subscriptionStarted(parsed.value());
    try {
      subscription.start();
    } catch (RuntimeException | Error failure) {
      subscription.unsubscribe();
      countSubscribeError(parsed);
      throw failure;
    }
    return subscription;
  }

  @Override
  public BusMetrics metrics() {
    return metrics;
  }

  /**
   * Tells whether {@link #close()} has been called.
   *
   * @return {@code true} once closed
   */
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
    registry.closeAll().forEach(LocalSubscription::unsubscribe);
  }

  private void route(String namespace, Event event, boolean countPublished) {
    Namespaces.validateNamespace(namespace);
    Checks.notNull(event, "event");
    checkOpen(namespace);
    if (countPublished) {
      metrics.publishedCounter(namespace).increment();
    }
    registry.dispatch(namespace, event);
  }

  private void checkOpen(String namespace) {
    if (closed) {
      metrics.errorCounter(namespace, BusMetrics.ErrorKind.PUBLISH).increment();
      throw new EventBusClosedException("publish to \"" + namespace + "\"");
    }
  }

  private LocalSubscription newSubscription(
      NamespacePattern pattern, SubscriptionFilter filter, SubscriptionOptions options, Consumer<Event> handler) {
    try {
      return new LocalSubscription(settings(pattern, filter, options), handler, metrics, threads, registry::remove);
    } catch (RuntimeException | Error failure) {
      countSubscribeError(pattern);
      throw failure;
    }
  }

  private void countSubscribeError(NamespacePattern pattern) {
    metrics.errorCounter(pattern.value(), BusMetrics.ErrorKind.SUBSCRIBE).increment();
  }

  private LocalSubscription.Settings settings(
      NamespacePattern pattern, SubscriptionFilter filter, SubscriptionOptions options) {
    int capacity = options.queueCapacity().orElse(defaultCapacity);
    OverflowPolicy policy = options.overflowPolicy().orElse(defaultPolicy);
    long blockNanos = options.blockTimeout().map(SubscriberQueue::boundedNanos).orElse(Long.MAX_VALUE);
    return new LocalSubscription.Settings(pattern, filter, capacity, policy, blockNanos);
  }

  private EventBusClosedException closedForSubscribe(NamespacePattern pattern) {
    countSubscribeError(pattern);
    return new EventBusClosedException("subscribe to \"" + pattern + "\"");
  }

  /**
   * Configures a {@link LocalEventBus}. Each setter checks its value and refuses a bad one with an
   * {@link InvalidInputException} naming it. Not thread-safe.
   */
  public static final class Builder {
    private MeterRegistry meterRegistry;
    private String name = DEFAULT_NAME;
    private int defaultQueueCapacity = DEFAULT_QUEUE_CAPACITY;
    private OverflowPolicy defaultOverflowPolicy = DEFAULT_OVERFLOW_POLICY;
    private ThreadFactory threadFactory;

    private Builder() {}

    /**
     * Sets where the bus registers its meters (by default a new {@link SimpleMeterRegistry} of its own).
     *
     * @param registry the registry
     * @return this builder
     * @throws InvalidInputException naming {@code meterRegistry} when it is null
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Checks.notNull(registry, "meterRegistry");
      return this;
    }

    /**
     * Names the bus: the value of the {@code bus} tag of its meters and part of its thread names. Buses that
     * share a meter registry need distinct names, or only the first one's meters appear in it.
     *
     * @param name the name; not blank; default {@value LocalEventBus#DEFAULT_NAME}
     * @return this builder
     * @throws InvalidInputException naming {@code name} when it is null or blank
     */
    public Builder name(String name) {
      this.name = Checks.notBlank(name, "name");
      return this;
    }

    /**
     * Sets the queue capacity of subscriptions whose options do not set one.
     *
     * @param capacity events per queue; &gt; 0; default {@value LocalEventBus#DEFAULT_QUEUE_CAPACITY}
     * @return this builder
     * @throws InvalidInputException naming {@code defaultQueueCapacity} when it is not &gt; 0
     */
    public Builder defaultQueueCapacity(int capacity) {
      this.defaultQueueCapacity = (int) Checks.positive(capacity, "defaultQueueCapacity");
      return this;
    }

    /**
     * Sets the overflow policy of subscriptions whose options do not set one.
     *
     * @param policy the policy; default {@link OverflowPolicy#DROP_NEWEST}
     * @return this builder
     * @throws InvalidInputException naming {@code defaultOverflowPolicy} when it is null
     */
    public Builder defaultOverflowPolicy(OverflowPolicy policy) {
      this.defaultOverflowPolicy = Checks.notNull(policy, "defaultOverflowPolicy");
      return this;
    }

    /**
     * Sets the factory of delivery threads, one per subscription (by default virtual threads named
     * {@code aether-bus-<name>-<n>}). The factory must return a new, unstarted thread.
     *
     * @param factory the factory
     * @return this builder
     * @throws InvalidInputException naming {@code threadFactory} when it is null
     */
    public Builder threadFactory(ThreadFactory factory) {
      this.threadFactory = Checks.notNull(factory, "threadFactory");
      return this;
    }

    /**
     * Builds the bus.
     *
     * @return a new, open bus
     */
    public LocalEventBus build() {
      return new LocalEventBus(this);
    }
  }
}
