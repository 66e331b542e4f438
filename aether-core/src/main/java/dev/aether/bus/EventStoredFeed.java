package dev.aether.bus;

import dev.aether.event.Event;
import dev.aether.support.Checks;
import dev.aether.store.EventStored;
import dev.aether.store.EventStoredListener;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries a store's {@link EventStored} notices over an {@link EventBus}, so that every process sharing the
 * store learns what the others wrote: one side is an {@link EventStoredListener} that publishes each notice,
 * the other a subscription that hands each notice to a consumer, typically
 * {@code dev.aether.runtime.Runtime.onEventStored} (or simply {@code Runtime.Builder.eventStoredFeed(bus,
 * namespace)}).
 *
 * <pre>{@code
 * // every node: the store announces its commits, the runtime listens to everyone's
 * JetStreamEventStore store = JetStreamEventStore.connect(JetStreamConfig.builder().namespace("shop").build(),
 *     EventStoredFeed.publisher(bus, "shop"));
 * Runtime runtime = Runtime.builder().eventStore(store).eventStoredFeed(bus, "shop").behavior(...).build();
 * }</pre>
 *
 * <h2>Wire form</h2>
 * The notices of store namespace {@code N} travel on bus namespace {@code N.stored}
 * ({@link #namespaceOf}), apart from the application's own events of {@code N}. Each notice is an
 * {@link Event} of type {@value EventStored#EVENT_TYPE} whose stream id, version and timestamp are the stored
 * event's, whose data is {@code {"eventId": <the stored event's id>}}, and whose own id is fresh (so it is never
 * mistaken for the stored event).
 *
 * <h2>Guarantees</h2>
 * What the bus gives: at most once, in order per publishing thread, a subscription's queue may drop notices
 * when full. A lost notice costs nothing but speed: a runtime that misses one decides on its older state, its
 * append conflicts, and it catches up then. The subscription ignores events of other types on the namespace.
 * A publishing bus that is closed is ignored (logged at DEBUG), so closing the bus before the store is
 * harmless; any other publish failure is thrown to the store, which logs it and keeps the write.
 *
 * <p>Stateless and thread-safe.
 */
public final class EventStoredFeed {

  /** The last token of the bus namespace of a store namespace's notices. */
  public static final String NAMESPACE_SUFFIX = "stored";

  private static final Logger LOG = LoggerFactory.getLogger(EventStoredFeed.class);
  private static final String EVENT_ID = "eventId";

  private EventStoredFeed() {}

  /**
   * The bus namespace of a store namespace's notices.
   *
   * @param storeNamespace the store's namespace (for example the {@code JetStreamConfig} namespace), or any
   *     name a group of processes sharing one store agree on
   * @return {@code <storeNamespace>.stored}
   * @throws dev.aether.InvalidInputException naming {@code namespace} when it is not a valid namespace
   */
  public static String namespaceOf(String storeNamespace) {
    return Namespaces.validateNamespace(storeNamespace) + "." + NAMESPACE_SUFFIX;
  }

  /**
   * Converts a notice to the event published on the bus.
   *
   * @param notice the notice
   * @return an event of type {@value EventStored#EVENT_TYPE}
   * @throws dev.aether.InvalidInputException when the notice has a blank id or stream id or a version below 1
   */
  public static Event toEvent(EventStored notice) {
    Checks.notNull(notice, "notice");
    return Event.builder()
        .eventType(EventStored.EVENT_TYPE)
        .streamId(notice.streamId())
        .version(notice.version())
        .data(Map.of(EVENT_ID, Checks.notBlank(notice.eventId(), "eventId")))
        .timestamp(notice.timestamp())
        .build();
  }

  /**
   * Reads a notice back from a bus event.
   *
   * @param event an event received on a notice namespace
   * @return the notice, or empty when the event is not one (another type, or no {@code eventId})
   */
  public static Optional<EventStored> fromEvent(Event event) {
    Checks.notNull(event, "event");
    if (!EventStored.EVENT_TYPE.equals(event.eventType())
        || !(event.data().get(EVENT_ID) instanceof String eventId) || eventId.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(new EventStored(eventId, event.streamId(), event.version(), event.timestamp()));
  }

  /**
   * A store listener that publishes each notice to {@link #namespaceOf namespaceOf(storeNamespace)}.
   *
   * @param bus the bus to publish on; the caller keeps owning it
   * @param storeNamespace the store's namespace
   * @return the listener, for the store's configuration
   * @throws dev.aether.InvalidInputException naming {@code bus} or {@code namespace} when refused
   */
  public static EventStoredListener publisher(EventBus bus, String storeNamespace) {
    Checks.notNull(bus, "bus");
    String namespace = namespaceOf(storeNamespace);
    return notice -> {
      try {
        bus.publish(namespace, toEvent(notice));
      } catch (EventBusClosedException e) {
        LOG.debug("not publishing the notice of {} v{}: the bus is closed", notice.streamId(), notice.version());
      }
    };
  }

  /**
   * Subscribes to the notices of a store namespace with the bus's default options.
   *
   * @param bus the bus; the caller keeps owning it
   * @param storeNamespace the store's namespace
   * @param target called with each notice, on the subscription's thread (for example
   *     {@code runtime::onEventStored}); keep it quick
   * @return the subscription; end it with {@link Subscription#unsubscribe()}
   * @throws dev.aether.InvalidInputException naming {@code bus}, {@code namespace} or {@code target}
   * @throws EventBusClosedException when the bus is closed
   * @throws EventBusUnavailableException when a bus spanning processes cannot register the subscription
   */
  public static Subscription subscribe(EventBus bus, String storeNamespace, Consumer<EventStored> target) {
    Checks.notNull(bus, "bus");
    Checks.notNull(target, "target");
    return bus.subscribe(namespaceOf(storeNamespace), SubscriptionFilter.eventTypes(EventStored.EVENT_TYPE),
        event -> fromEvent(event).ifPresent(target));
  }
}
