package dev.aether.model.exec;

import dev.aether.support.Checks;
import dev.aether.model.Model;
import dev.aether.runtime.spi.ModelHost;
import dev.aether.runtime.spi.ModelPlan;

/**
 * Compiles an EventStorming {@link Model} into the plan a runtime executes ({@link Model#plan} calls it, so
 * {@code runtime.loadModel(model)} needs nothing else): the model is validated and its expressions compiled
 * ({@link CompiledModel#compile}), every aggregate without a Java behaviour runs as a model-driven
 * behaviour, every command is checked against the model before it reaches an actor, the policies run and
 * the read models are projected into the runtime's {@linkplain ModelHost#readModelStore() read-model store}.
 * Stateless and thread-safe.
 */
public final class AetherModelEngine {

  private AetherModelEngine() {}

  /**
   * Compiles a model for one runtime.
   *
   * @param model the model, not yet validated
   * @param host what the runtime offers the plan
   * @return the plan
   * @throws dev.aether.runtime.InvalidModelException listing every structural and expression error
   */
  public static ModelPlan plan(Model model, ModelHost host) {
    Checks.notNull(model, "model");
    Checks.notNull(host, "host");
    return new RuntimeModelPlan(CompiledModel.compile(model, host.clock()), host, host.readModelStore());
  }
}
