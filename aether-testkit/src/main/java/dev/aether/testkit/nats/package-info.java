/**
 * Real nats-server fixtures for integration tests: {@link dev.aether.testkit.nats.NatsServer} (one
 * server with JetStream on a free loopback port and a temporary store), {@link
 * dev.aether.testkit.nats.NatsCluster} (a 3-node JetStream cluster), and the JUnit 5 extensions
 * {@link dev.aether.testkit.nats.NatsServerExtension} and {@link dev.aether.testkit.nats.NatsClusterExtension}
 * with the meta-annotation {@link dev.aether.testkit.nats.NatsTest}.
 *
 * <p>The fixtures spawn the binary directly (about 10 ms to readiness) and need no NATS client.
 */
package dev.aether.testkit.nats;
