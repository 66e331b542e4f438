package dev.aether.bus;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import java.util.function.Consumer;

/**
 * Publish/subscribe of events by namespace (upstream's {@code EventBroadcaster}): a publisher sends an
 * event to one namespace; a subscriber receives the events of one exact namespace, or of every namespace
 * matching a NATS-style pattern ({@code *} one token, {@code >} one or more trailing tokens; see
 * {@link Namespaces} and {@link NamespacePattern}), optionally narrowed by a {@link SubscriptionFilter}.
 *
 * <p>Guarantees every implementation gives:
 * <ul>
 *   <li>An exact subscription never receives an event published to another namespace. Wildcard patterns
 *       deliberately cross namespaces; let only trusted components create them.</li>
 *   <li>Each subscription's handler is called by one thread at a time, never concurrently with itself, and
 *       never on the publisher's thread.</li>
 *   <li>A subscription receives the events published by one thread in the order they were published (minus
 *       any dropped or filtered out). Events of concurrent publishers interleave in some order, not
 *       necessarily the same for every subscriber.</li>
 *   <li>A handler that throws does not end its subscription: the failure is logged and counted as an error
 *       of kind {@code handler}, and delivery continues with the next event.</li>
 *   <li>Bad input is refused with an {@link InvalidInputException} naming the field ({@code namespace},
 *       {@code pattern}, {@code event}, {@code filter}, {@code options}, {@code handler}); nothing is
 *       published or subscribed then.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe.
 */
public interface EventBus extends AutoCloseable {

  /**
   * Publishes an event to a namespace: it is handed to every matching subscription (queued, or dropped and
   * counted when a queue is full, according to that subscription's {@link OverflowPolicy}). Returns when the
   * event has been offered to every local subscription, without waiting for handlers.
   *
   * @param namespace the namespace, for example {@code prod.orders}; never a pattern
   * @param event the event
   * @throws InvalidInputException naming {@code namespace} or {@code event} when one is refused
   * @throws EventBusClosedException when the bus is closed
   * @throws EventBusUnavailableException when a bus that spans processes delivered the event locally but
   *     could not send it to the other processes
   */
  void publish(String namespace, Event event);

  /**
   * Subscribes to every event of the namespaces matching a pattern, with the bus's default options.
   *
   * @param pattern an exact namespace ({@code prod.orders}) or a pattern ({@code prod.*}, {@code prod.>})
   * @param handler called with each event, on the subscription's own thread
   * @return the subscription
   * @throws InvalidInputException naming {@code pattern} or {@code handler} when one is refused
   * @throws EventBusClosedException when the bus is closed
   */
  default Subscription subscribe(String pattern, Consumer<Event> handler) {
    return subscribe(pattern, SubscriptionFilter.all(), SubscriptionOptions.defaults(), handler);
  }

  /**
   * Subscribes to the events of the namespaces matching a pattern that pass a filter, with the bus's default
   * options.
   *
   * @param pattern an exact namespace or a pattern
   * @param filter which events of those namespaces to deliver
   * @param handler called with each event, on the subscription's own thread
   * @return the subscription
   * @throws InvalidInputException naming {@code pattern}, {@code filter} or {@code handler} when one is
   *     refused
   * @throws EventBusClosedException when the bus is closed
   */
  default Subscription subscribe(String pattern, SubscriptionFilter filter, Consumer<Event> handler) {
    return subscribe(pattern, filter, SubscriptionOptions.defaults(), handler);
  }

  /**
   * Subscribes to the events of the namespaces matching a pattern that pass a filter.
   *
   * @param pattern an exact namespace or a pattern
   * @param filter which events of those namespaces to deliver
   * @param options the queue capacity and overflow policy of this subscription
   * @param handler called with each event, on the subscription's own thread
   * @return the subscription
   * @throws InvalidInputException naming {@code pattern}, {@code filter}, {@code options} or
   *     {@code handler} when one is refused
   * @throws EventBusClosedException when the bus is closed
   * @throws EventBusUnavailableException when a bus that spans processes could not register the
   *     subscription with the network; nothing is subscribed then
   */
  Subscription subscribe(
      String pattern, SubscriptionFilter filter, SubscriptionOptions options, Consumer<Event> handler);

  /**
   * The bus's counters.
   *
   * @return a live view; values keep growing after it is returned
   */
  BusMetrics metrics();

  /**
   * Closes the bus: every subscription is {@linkplain Subscription#unsubscribe() ended} (queued events are
   * discarded, delivery threads end after any handler call in progress) and later {@code publish} and
   * {@code subscribe} calls fail with {@link EventBusClosedException}. Metrics stay readable. Idempotent;
   * does not wait for handler calls in progress.
   */
  @Override
  void close();
}
