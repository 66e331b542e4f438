/**
 * Executing an EventStorming {@link dev.aether.model.Model}: {@link dev.aether.model.exec.CompiledModel}
 * compiles every CEL expression once and collects every error with its path; the
 * {@link dev.aether.model.exec.AetherModelEngine} plugs the compiled model into the core runtime
 * ({@code Runtime.loadModel}) as model-driven behaviours, a command check and policies.
 */
package dev.aether.model.exec;
