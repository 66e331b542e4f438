package dev.aether.runtime;

import dev.aether.runtime.spi.Behavior;
import dev.aether.runtime.spi.DomainModel;
import dev.aether.runtime.spi.ModelHost;
import dev.aether.runtime.spi.ModelPlan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** A domain model for the runtime's tests: declared commands per aggregate and a plan made by a function. */
record TestModel(String name, String version, Map<String, List<String>> commandsByAggregate,
    Function<ModelHost, ModelPlan> planner) implements DomainModel {

  /**
   * A model whose plan runs no behaviour of its own: every aggregate needs a registered Java behaviour.
   *
   * @param aggregates aggregate type, then its commands, per entry: {@code "Account:Open,Deposit"}
   */
  static TestModel withoutBehaviours(String name, String version, String... aggregates) {
    Map<String, List<String>> commands = new LinkedHashMap<>();
    for (String aggregate : aggregates) {
      int colon = aggregate.indexOf(':');
      commands.put(colon < 0 ? aggregate : aggregate.substring(0, colon),
          colon < 0 ? List.of() : List.of(aggregate.substring(colon + 1).split(",")));
    }
    return new TestModel(name, version, commands, host -> new EmptyPlan());
  }

  @Override
  public ModelPlan plan(ModelHost host) {
    return planner.apply(host);
  }

  /** A plan with no behaviour, check or reaction. */
  static class EmptyPlan implements ModelPlan {
    @Override
    public List<Behavior<?>> behaviors() {
      return List.of();
    }

    @Override
    public List<ModelError> warnings() {
      return List.of();
    }

    @Override
    public Optional<CommandResult.Rejected> check(RuntimeMessage message) {
      return Optional.empty();
    }

    @Override
    public void onAccepted(RuntimeMessage message, CommandResult.Accepted result) {}

    @Override
    public void close() {}
  }
}
