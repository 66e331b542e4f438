/**
 * The EventStorming model: {@link dev.aether.model.Model} and its definitions (aggregates with state,
 * invariants, commands with typed and constrained fields, guards and emitted events, events with state
 * updates; policies; read models), reading from JSON/YAML ({@link dev.aether.model.ModelLoader}) and
 * structural validation with stable error ids and paths ({@link dev.aether.runtime.ModelError}). Executing a
 * model (CEL expressions, model-driven behaviours, policies, read models) belongs to {@code aether-model},
 * which plugs into the runtime through {@link dev.aether.runtime.spi.ModelEngine}. The format is documented
 * in {@code docs/model.md}.
 */
package dev.aether.model;
