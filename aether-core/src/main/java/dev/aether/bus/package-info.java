/**
 * Publish/subscribe of events by namespace: the {@link dev.aether.bus.EventBus} contract, its in-process
 * implementation {@link dev.aether.bus.LocalEventBus}, and the namespace and pattern rules
 * ({@link dev.aether.bus.Namespaces}, {@link dev.aether.bus.NamespacePattern}) every bus shares, and
 * {@link dev.aether.bus.EventStoredFeed}, which carries a store's {@code EventStored} notices over a bus.
 *
 * <p>Typical use:
 * <pre>{@code
 * try (LocalEventBus bus = LocalEventBus.create()) {
 *   Subscription orders = bus.subscribe("prod.>",
 *       SubscriptionFilter.eventTypes("OrderPlaced"), event -> System.out.println(event));
 *   bus.publish("prod.orders", event);
 * }
 * }</pre>
 */
package dev.aether.bus;
