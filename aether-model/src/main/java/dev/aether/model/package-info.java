/**
 * The EventStorming model: {@link dev.aether.model.Model} and its definitions (aggregates with state,
 * invariants, commands with typed and constrained fields, guards and emitted events, events with state
 * updates; policies; read models), reading from JSON/YAML ({@link dev.aether.model.ModelLoader}) and
 * structural validation with stable error ids and paths ({@link dev.aether.runtime.ModelError}). A model is
 * the runtime's {@link dev.aether.runtime.spi.DomainModel}: it plans its own execution (CEL expressions,
 * model-driven behaviours, policies, read models: {@code dev.aether.model.exec}). The format is documented
 * in {@code docs/model.md}.
 */
package dev.aether.model;
