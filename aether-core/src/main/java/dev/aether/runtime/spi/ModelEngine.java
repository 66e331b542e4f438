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
   * Validates and compiles a model for one runtime. The model is not validated before: the engine reports
   * {@link Model#validate()}'s structural problems together with its own (expressions), in one exception, so
   * that none hides another.
   *
   * @param model the model, possibly broken
   * @param host what the runtime offers the plan
   * @return the executable plan
   * @throws dev.aether.model.InvalidModelException listing every problem with its path
   */
  ModelPlan plan(Model model, ModelHost host);
}
