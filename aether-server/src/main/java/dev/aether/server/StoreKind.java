package dev.aether.server;

/** Where a node keeps its events: a JetStream store on NATS (durable) or process memory (nothing durable). */
public enum StoreKind {
  /** JetStream on the configured NATS server, or on the embedded nats-server when none is configured. */
  NATS,
  /** In-memory stores: nothing survives the process; for trying things out only. */
  MEMORY
}
