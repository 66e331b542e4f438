package dev.aether.nats.bus;

import dev.aether.InvalidInputException;
import dev.aether.bus.BusMetrics;
import dev.aether.bus.EventBus;
import dev.aether.bus.EventBusClosedException;
import dev.aether.bus.EventBusUnavailableException;
import dev.aether.bus.LocalEventBus;
import dev.aether.bus.NamespacePattern;
import dev.aether.bus.Namespaces;
import dev.aether.bus.OverflowPolicy;
import dev.aether.bus.Subscription;
import dev.aether.bus.SubscriptionFilter;
import dev.aether.bus.SubscriptionOptions;
import dev.aether.event.Event;
import dev.aether.support.Checks;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EventBus} across processes (DESIGN §5, upstream's {@code NATSEventBus}): an event published on one
 * node reaches the matching subscriptions of every node whose bus shares the NATS server (or cluster).
 *
 * <pre>{@code
 * try (NatsEventBus bus = NatsEventBus.create(connection)) {
 *   bus.subscribe("prod.>", event -> ...);
 *   bus.publish("prod.orders", event);
 * }
 * }</pre>
 *
 * <p><b>Delivery.</b> {@link #publish} hands the event to this node's subscriptions (a wrapped
 * {@link LocalEventBus}, with its queues, overflow policies, filters and metrics) and then publishes
 * {@code {"node_id","namespace_id","event"}} on subject {@code <prefix>.<namespace>} (default prefix
 * {@value #DEFAULT_SUBJECT_PREFIX}). Other nodes relay what they receive to their subscriptions; a node ignores
 * its own messages, so each local subscription gets each event exactly once. Core NATS: at most once, no
 * persistence, no replay of what a node missed while it was disconnected; one publisher's events arrive in
 * publish order.
 *
 * <p><b>Subscriptions.</b> A pattern maps one to one to a NATS subject ({@code prod.*} to
 * {@code <prefix>.prod.*}, so the server selects namespaces). The first local subscription of a pattern
 * subscribes its subject on this bus's {@link Dispatcher}, the last one to end unsubscribes it. A message
 * arriving for pattern P is delivered only to the local subscriptions made with P: NATS hands a message once to
 * each matching subscription of a connection, so overlapping patterns must not fan out again.
 * {@link SubscriptionFilter}s apply on the receiving node. {@code subscribe} returns once the server has
 * registered the subject (a flush round trip, at most {@link #SUBSCRIBE_FLUSH_TIMEOUT}) when the connection is
 * up; while it is reconnecting, it returns at once and the client subscribes on reconnect.
 *
 * <p><b>Failures.</b> The connection should reconnect forever (jnats resubscribes every subject after a
 * reconnect, so subscriptions survive a server restart). While it is reconnecting, publishes are buffered by
 * the client (its reconnect buffer, 8 MB by default) and sent after the reconnect, so a short outage loses no
 * event of this node's publishers. A publish that the client refuses (connection closed, reconnect buffer full
 * or disabled) has already reached the local subscribers: it is counted as a {@code publish} error of the
 * namespace and thrown as an {@link EventBusUnavailableException}. A message that is not a valid envelope, or
 * whose {@code namespace_id} differs from its subject, is logged and counted as a {@code subscribe} error of
 * the pattern, and delivery goes on. No {@code io.nats} exception leaves this class.
 *
 * <p><b>Connection.</b> The bus uses the connection it is given and does not close it, unless built with
 * {@link Builder#ownsConnection(boolean) ownsConnection(true)}. {@link #close()} unsubscribes, flushes (when
 * connected, so the server has what this bus published), closes the dispatcher and the local bus.
 *
 * <p><b>Threads.</b> Received messages are decoded, filtered and queued on the dispatcher's single thread; a
 * subscription with {@link OverflowPolicy#BLOCK} and a full queue stops it, and then the client's pending
 * limits may drop messages (a slow consumer, reported to the connection's error listener). Prefer
 * {@link OverflowPolicy#DROP_NEWEST} (the default) for subscriptions fed by other nodes. Thread-safe; the
 * NATS subscriptions are guarded as described in the package-private {@code NatsInterests}.
 */
public final class NatsEventBus implements EventBus {

  /** The default subject prefix: events of namespace N travel on {@code aether.events.N}. */
  public static final String DEFAULT_SUBJECT_PREFIX = "aether.events";
  /** The default bus name, the value of the {@code bus} tag of its meters. */
  public static final String DEFAULT_NAME = "nats";
  /** The longest wait of {@code subscribe} for the server to register a subject. */
  public static final Duration SUBSCRIBE_FLUSH_TIMEOUT = Duration.ofSeconds(2);
  /** The longest wait of {@code close} for the server to receive what this bus published. */
  public static final Duration CLOSE_FLUSH_TIMEOUT = Duration.ofSeconds(2);

  private static final Logger LOG = LoggerFactory.getLogger(NatsEventBus.class);

  private final Connection connection;
  private final boolean ownsConnection;
  private final String nodeId;
  private final String subjectPrefix;
  private final LocalEventBus local;
  private final Dispatcher dispatcher;
  private final NatsInterests interests;
  private final AtomicBoolean closed = new AtomicBoolean();

  private NatsEventBus(Builder b, Dispatcher dispatcher) {
    this.connection = b.connection;
    this.ownsConnection = b.ownsConnection;
    this.nodeId = b.nodeId;
    this.subjectPrefix = b.subjectPrefix;
    this.local = b.local.build();
    this.dispatcher = dispatcher;
    this.interests = new NatsInterests(dispatcher, subjectPrefix, this::onMessage);
  }

  /**
   * Creates a bus with every default on a connection the caller keeps owning: a random node id, subject
   * prefix {@value #DEFAULT_SUBJECT_PREFIX}, the {@link LocalEventBus} defaults for queues, named
   * {@value #DEFAULT_NAME}.
   *
   * @param connection an open connection; not closed by the bus
   * @return a new, open bus
   * @throws InvalidInputException naming {@code connection} when it is null or closed
   */
  public static NatsEventBus create(Connection connection) {
    return builder().connection(connection).build();
  }

  /**
   * Starts configuring a bus.
   *
   * @return a new builder holding the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@inheritDoc} Delivers locally first (counted as published here), then sends the event to the other
   * nodes; see the class documentation for what happens when the connection cannot take it.
   *
   * @throws InvalidInputException also naming {@code event} when its envelope exceeds the server's maximum
   *     payload; nothing is delivered then
   * @throws EventBusUnavailableException when the event was delivered locally but the client refused to send
   *     it
   */
  @Override
  public void publish(String namespace, Event event) {
    Namespaces.validateNamespace(namespace);
    Checks.notNull(event, "event");
    byte[] envelope = BusMessage.encode(nodeId, namespace, event);
    checkSize(envelope);
    local.publish(namespace, event);
    try {
      connection.publish(interests.subject(namespace), envelope);
    } catch (RuntimeException e) {
      local.countError(namespace, BusMetrics.ErrorKind.PUBLISH);
      throw new EventBusUnavailableException("event " + event.id() + " published to \"" + namespace
          + "\" reached this node's subscribers but was not sent over NATS: " + e.getMessage(), e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws EventBusUnavailableException when the subject cannot be subscribed (connection closed); nothing is
   *     subscribed then
   */
  @Override
  public Subscription subscribe(
      String pattern, SubscriptionFilter filter, SubscriptionOptions options, Consumer<Event> handler) {
    Subscription delivery = local.subscribe(pattern, filter, options, handler);
    NamespacePattern parsed = delivery.pattern();
    boolean subscribed;
    try {
      subscribed = interests.acquire(parsed);
    } catch (RuntimeException e) {
      delivery.unsubscribe();
      local.countError(parsed.value(), BusMetrics.ErrorKind.SUBSCRIBE);
      throw new EventBusUnavailableException("cannot subscribe to \"" + pattern + "\": NATS refused subject "
          + interests.subject(parsed.value()) + ": " + e.getMessage(), e);
    }
    if (!subscribed) {
      delivery.unsubscribe();
      local.countError(parsed.value(), BusMetrics.ErrorKind.SUBSCRIBE);
      throw new EventBusClosedException("subscribe to \"" + pattern + "\"");
    }
    flush(SUBSCRIBE_FLUSH_TIMEOUT, "subscribing to " + parsed);
    return new NatsBusSubscription(delivery, interests);
  }

  @Override
  public BusMetrics metrics() {
    return local.metrics();
  }

  /**
   * This node's id, written into every envelope it publishes; messages carrying it are ignored on receipt.
   *
   * @return the id
   */
  public String nodeId() {
    return nodeId;
  }

  /**
   * The subject prefix: events of namespace N travel on {@code <prefix>.N}.
   *
   * @return the prefix, for example {@value #DEFAULT_SUBJECT_PREFIX}
   */
  public String subjectPrefix() {
    return subjectPrefix;
  }

  /**
   * Tells whether {@link #close()} has been called.
   *
   * @return {@code true} once closed
   */
  public boolean isClosed() {
    return closed.get();
  }

  /**
   * {@inheritDoc} Also unsubscribes every NATS subject, waits up to {@link #CLOSE_FLUSH_TIMEOUT} until the
   * server has received what this bus published (when connected), closes the dispatcher, and closes the
   * connection when the bus owns it. Never throws.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    local.close();
    interests.closeAll();
    flush(CLOSE_FLUSH_TIMEOUT, "closing the bus");
    quietly("closing the dispatcher", () -> connection.closeDispatcher(dispatcher));
    if (ownsConnection) {
      quietly("closing the connection", connection::close);
    }
  }

  /** The NATS subjects subscribed now, sorted; for tests. */
  List<String> natsSubjects() {
    return interests.subjects();
  }

  /** How many local subscriptions share each pattern's NATS subscription now; for tests. */
  Map<String, Integer> natsSubscribers() {
    return interests.users();
  }

  private void onMessage(NatsInterests.Interest interest, Message message) {
    if (closed.get() || !interests.isCurrent(interest)) {
      return;
    }
    NamespacePattern pattern = interest.pattern();
    try {
      BusMessage envelope = BusMessage.decode(message.getData());
      if (envelope.nodeId().equals(nodeId)) {
        return;
      }
      String namespace = namespaceOf(message.getSubject(), envelope);
      local.relay(pattern, namespace, envelope.event());
    } catch (EventBusClosedException closing) {
      LOG.debug("bus closed while a message on {} was delivered", message.getSubject());
    } catch (RuntimeException malformed) {
      local.countError(pattern.value(), BusMetrics.ErrorKind.SUBSCRIBE);
      LOG.warn("dropped a malformed bus message on {} (subscription {}): {}", message.getSubject(), pattern,
          malformed.getMessage());
    }
  }

  private String namespaceOf(String subject, BusMessage envelope) {
    String namespace = subject.substring(subjectPrefix.length() + 1);
    if (!namespace.equals(envelope.namespace())) {
      throw new InvalidInputException("namespace_id", "\"" + envelope.namespace()
          + "\" differs from the namespace of subject " + subject);
    }
    return namespace;
  }

  private void checkSize(byte[] envelope) {
    long max = connection.getMaxPayload();
    if (max > 0 && envelope.length > max) {
      throw new InvalidInputException("event", "its envelope has " + envelope.length
          + " bytes, above the NATS server's maximum payload of " + max + " bytes");
    }
  }

  private void flush(Duration timeout, String what) {
    if (connection.getStatus() != Connection.Status.CONNECTED) {
      return;
    }
    try {
      connection.flush(timeout);
    } catch (TimeoutException | RuntimeException e) {
      LOG.debug("no flush round trip while {}: {}", what, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void quietly(String what, NatsAction action) {
    try {
      action.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.debug("ignored failure while {}: {}", what, e.toString());
    }
  }

  @FunctionalInterface
  private interface NatsAction {
    void run() throws InterruptedException;
  }

  /**
   * Configures a {@link NatsEventBus}. Each setter checks its value and refuses a bad one with an
   * {@link InvalidInputException} naming it; {@link #build()} requires a connection. Not thread-safe.
   */
  public static final class Builder {
    private final LocalEventBus.Builder local = LocalEventBus.builder().name(DEFAULT_NAME);
    private Connection connection;
    private boolean ownsConnection;
    private String nodeId = UUID.randomUUID().toString();
    private String subjectPrefix = DEFAULT_SUBJECT_PREFIX;

    private Builder() {}

    /**
     * Sets the connection (required). Give it unlimited reconnects ({@code maxReconnects(-1)}) so that
     * subscriptions survive a server restart.
     *
     * @param connection an open connection
     * @return this builder
     * @throws InvalidInputException naming {@code connection} when it is null
     */
    public Builder connection(Connection connection) {
      this.connection = Checks.notNull(connection, "connection");
      return this;
    }

    /**
     * Makes the bus close the connection when it is closed (by default the caller keeps owning it).
     *
     * @param owns {@code true} to hand the connection over; default {@code false}
     * @return this builder
     */
    public Builder ownsConnection(boolean owns) {
      this.ownsConnection = owns;
      return this;
    }

    /**
     * Sets this node's id. Buses that share a NATS server need distinct ids, or they ignore each other's
     * events as echoes.
     *
     * @param nodeId the id; not blank; default a random UUID
     * @return this builder
     * @throws InvalidInputException naming {@code nodeId} when it is null or blank
     */
    public Builder nodeId(String nodeId) {
      this.nodeId = Checks.notBlank(nodeId, "nodeId");
      return this;
    }

    /**
     * Sets the subject prefix. Buses talk to each other only when their prefixes are equal.
     *
     * @param prefix one or more tokens of {@code [A-Za-z0-9_-]} separated by {@code '.'}; default
     *     {@value NatsEventBus#DEFAULT_SUBJECT_PREFIX}
     * @return this builder
     * @throws InvalidInputException naming {@code subjectPrefix} when it is null, blank or breaks those rules
     */
    public Builder subjectPrefix(String prefix) {
      try {
        this.subjectPrefix = Namespaces.validateNamespace(prefix);
      } catch (InvalidInputException e) {
        throw new InvalidInputException("subjectPrefix", e.getMessage(), e);
      }
      return this;
    }

    /**
     * Sets where the bus registers its meters; see {@link LocalEventBus.Builder#meterRegistry}.
     *
     * @param registry the registry
     * @return this builder
     * @throws InvalidInputException naming {@code meterRegistry} when it is null
     */
    public Builder meterRegistry(MeterRegistry registry) {
      local.meterRegistry(registry);
      return this;
    }

    /**
     * Names the bus: the {@code bus} tag of its meters and part of its thread names; see
     * {@link LocalEventBus.Builder#name}.
     *
     * @param name the name; not blank; default {@value NatsEventBus#DEFAULT_NAME}
     * @return this builder
     * @throws InvalidInputException naming {@code name} when it is null or blank
     */
    public Builder name(String name) {
      local.name(name);
      return this;
    }

    /**
     * Sets the queue capacity of subscriptions whose options do not set one; see
     * {@link LocalEventBus.Builder#defaultQueueCapacity}.
     *
     * @param capacity events per queue; &gt; 0; default {@value LocalEventBus#DEFAULT_QUEUE_CAPACITY}
     * @return this builder
     * @throws InvalidInputException naming {@code defaultQueueCapacity} when it is not &gt; 0
     */
    public Builder defaultQueueCapacity(int capacity) {
      local.defaultQueueCapacity(capacity);
      return this;
    }

    /**
     * Sets the overflow policy of subscriptions whose options do not set one; see the class documentation
     * before choosing {@link OverflowPolicy#BLOCK}.
     *
     * @param policy the policy; default {@link OverflowPolicy#DROP_NEWEST}
     * @return this builder
     * @throws InvalidInputException naming {@code defaultOverflowPolicy} when it is null
     */
    public Builder defaultOverflowPolicy(OverflowPolicy policy) {
      local.defaultOverflowPolicy(policy);
      return this;
    }

    /**
     * Sets the factory of delivery threads; see {@link LocalEventBus.Builder#threadFactory}.
     *
     * @param factory the factory
     * @return this builder
     * @throws InvalidInputException naming {@code threadFactory} when it is null
     */
    public Builder threadFactory(ThreadFactory factory) {
      local.threadFactory(factory);
      return this;
    }

    /**
     * Builds the bus and creates its dispatcher on the connection.
     *
     * @return a new, open bus
     * @throws InvalidInputException naming {@code connection} when none was set or it is closed
     */
    public NatsEventBus build() {
      Checks.notNull(connection, "connection");
      try {
        return new NatsEventBus(this, connection.createDispatcher());
      } catch (IllegalStateException e) {
        throw new InvalidInputException("connection", "cannot be used: " + e.getMessage(), e);
      }
    }
  }
}
