/**
 * Executing an EventStorming {@link dev.aether.model.Model}: {@link dev.aether.model.exec.CompiledModel}
 * compiles every CEL expression once and collects every error with its path; the
 * {@link dev.aether.model.exec.AetherModelEngine} turns the compiled model into the plan the runtime runs
 * ({@code Runtime.loadModel}): model-driven behaviours, a command check, policies and read models.
 */
package dev.aether.model.exec;
