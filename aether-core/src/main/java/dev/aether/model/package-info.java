/**
 * The EventStorming model: {@link dev.aether.model.Model} and its definitions (aggregates, commands, events,
 * policies, read models), reading from JSON/YAML ({@link dev.aether.model.ModelLoader}) and structural
 * validation with stable error ids and paths ({@link dev.aether.model.ModelError}). Executing a model
 * (CEL expressions, model-driven behaviours) belongs to {@code aether-model}.
 */
package dev.aether.model;
