/**
 * The event bus across processes: {@link dev.aether.nats.bus.NatsEventBus}, an {@link dev.aether.bus.EventBus}
 * that wraps a {@link dev.aether.bus.LocalEventBus} and carries events between nodes over core NATS (DESIGN
 * §5). Everything else in this package is implementation.
 */
package dev.aether.nats.bus;
