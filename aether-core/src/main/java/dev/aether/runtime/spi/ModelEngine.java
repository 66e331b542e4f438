package dev.aether.runtime.spi;

import dev.aether.model.Model;

/**
 * Executes EventStorming models for a {@link dev.aether.runtime.Runtime}: the extension point through which
 * {@code aether-model} (CEL guards and mappings, model-driven behaviours, policies, read models) plugs into
 * the model-agnostic core runtime.
 *
 * <p>{@code Runtime.loadModel} uses the engine given to {@code Runtime.Builder.modelEngine}, else the first
 * one found with {@link java.util.ServiceLoader} ({@code aether-model} registers one), else none: then every
 * aggregate of a model needs a registered behaviour. Implementations are thread-safe.
 */
public interface ModelEngine {

  /**
   * Compiles a structurally valid model for one runtime.
   *
   * @param model the model; {@link Model#validate()} found no problem
   * @param host what the runtime offers the plan
   * @return the executable plan
   * @throws dev.aether.model.InvalidModelException listing every problem with its path
   */
  ModelPlan plan(Model model, ModelHost host);
}
