package dev.aether.model.exec;

import dev.aether.model.Model;
import dev.aether.runtime.spi.ModelEngine;
import dev.aether.runtime.spi.ModelHost;
import dev.aether.runtime.spi.ModelPlan;

/**
 * The {@link ModelEngine} of {@code aether-model}, registered with {@link java.util.ServiceLoader}: with
 * {@code aether-model} on the class path, {@code Runtime.loadModel(model)} compiles the model
 * ({@link CompiledModel#compile}), runs every aggregate without a Java behaviour as a model-driven behaviour,
 * checks every command against the model before it reaches an actor, runs the policies and projects the read
 * models into a {@link ReadModelStore}. Stateless and
 * thread-safe.
 */
public final class AetherModelEngine implements ModelEngine {

  private final ReadModelStore readModels;

  /**
   * Creates the engine with read models in memory, kept as long as the engine. Public only because
   * {@link java.util.ServiceLoader} needs it; use {@link #create()}.
   */
  public AetherModelEngine() {
    this.readModels = InMemoryReadModelStore.create();
  }

  private AetherModelEngine(ReadModelStore readModels) {
    this.readModels = readModels;
  }

  /** @return an engine with read models in memory, kept as long as the engine */
  public static AetherModelEngine create() {
    return new AetherModelEngine();
  }

  /**
   * Creates an engine with the given read-model store; give it to {@code Runtime.Builder.modelEngine}.
   *
   * @param readModels where read models keep rows and checkpoints
   * @return the engine
   */
  public static AetherModelEngine create(ReadModelStore readModels) {
    return new AetherModelEngine(dev.aether.internal.Checks.notNull(readModels, "readModels"));
  }

  @Override
  public ModelPlan plan(Model model, ModelHost host) {
    return new RuntimeModelPlan(CompiledModel.compile(model, host.clock()), host, readModels);
  }
}
