/**
 * Read-model storage on NATS: {@link dev.aether.model.nats.JetStreamReadModelStore} keeps read-model rows and
 * checkpoints in a JetStream key-value bucket. Needs {@code io.nats:jnats} on the class path (an optional
 * dependency of {@code aether-model}).
 */
package dev.aether.model.nats;
