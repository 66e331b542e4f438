package dev.aether.model.exec;

import dev.aether.store.ReadModelStore;
import dev.aether.runtime.ModelError;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.spi.Behavior;
import dev.aether.runtime.spi.ModelHost;
import dev.aether.runtime.spi.ModelPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link ModelPlan} of a {@link CompiledModel} in one runtime: model-driven behaviours for the aggregates
 * without Java ones, the payload check, and the policy runner. Thread-safe (delegates to immutable or
 * thread-safe parts).
 */
final class RuntimeModelPlan implements ModelPlan, ModelExecution {

  private final CompiledModel model;
  private final List<Behavior<?>> behaviors = new ArrayList<>();
  private final PolicyRunner policies;
  private final Map<String, Projector> projectors = new LinkedHashMap<>();

  RuntimeModelPlan(CompiledModel model, ModelHost host, ReadModelStore readModels) {
    this.model = model;
    model.aggregates().stream().filter(a -> !host.hasJavaBehavior(a.name()))
        .forEach(a -> behaviors.add(model.behavior(a.name()).orElseThrow()));
    this.policies = new PolicyRunner(model.policies(), host, readModels);
    model.readModels().forEach(p -> projectors.put(p.name(), new Projector(p, readModels, host.eventStore())));
  }

  @Override
  public List<Behavior<?>> behaviors() {
    return List.copyOf(behaviors);
  }

  @Override
  public List<ModelError> warnings() {
    return model.warnings();
  }

  @Override
  public Optional<CommandResult.Rejected> check(RuntimeMessage message) {
    return model.check(message);
  }

  @Override
  public void onAccepted(RuntimeMessage message, CommandResult.Accepted result) {
    // duplicates too: runners skip events at or below their checkpoints, and deliver those they missed
    policies.onAccepted(message.aggregateType(), result.events());
    projectors.values().forEach(p -> p.onEvents(message.aggregateType(), result.events()));
  }

  @Override
  public CompiledModel compiled() {
    return model;
  }

  @Override
  public long pendingPolicyDeliveries() {
    return policies.pending();
  }

  @Override
  public long failedPolicyDeliveries() {
    return policies.failed();
  }

  @Override
  public Optional<ReadModel> readModel(String name) {
    return Optional.ofNullable(projectors.get(name));
  }

  @Override
  public void close() {
    projectors.values().forEach(Projector::close);
    policies.close();
  }
}
