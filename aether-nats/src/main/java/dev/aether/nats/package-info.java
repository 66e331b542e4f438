/**
 * The JetStream event and snapshot store: {@link dev.aether.nats.JetStreamEventStore}, configured by
 * {@link dev.aether.nats.JetStreamConfig} (with {@link dev.aether.nats.NatsCredentials}), and the errors
 * particular to NATS: {@link dev.aether.nats.NatsAuthenticationException},
 * {@link dev.aether.nats.JetStreamStoreException} and {@link dev.aether.nats.IncompatibleStreamException}.
 * Everything else in this package is implementation.
 */
package dev.aether.nats;
