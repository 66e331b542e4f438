package dev.aether.model;

import dev.aether.model.exec.AetherModelEngine;
import dev.aether.runtime.ModelError;
import dev.aether.runtime.spi.DomainModel;
import dev.aether.runtime.spi.ModelHost;
import dev.aether.runtime.spi.ModelPlan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An EventStorming model of a domain: aggregates (state, commands, events), policies and read models.
 *
 * <p>A model is plain data: the records accept anything (absent lists become empty) so that
 * {@link #validate()} can report every structural problem at once, with its path. {@link ModelLoader} reads
 * one from JSON or YAML and refuses it when invalid. Expressions (guards, state updates, conditions, keys)
 * are kept as text here and compiled when the model is {@linkplain #plan planned} for a runtime
 * ({@code runtime.loadModel(model)}), which is why a model is a {@link DomainModel}. Immutable and
 * thread-safe.
 *
 * @param name the model name
 * @param version the model's version, for example {@code 3} (free text; empty when absent)
 * @param aggregates the aggregate types
 * @param policies the policies
 * @param readModels the read models
 */
public record Model(String name, String version, List<AggregateDef> aggregates, List<PolicyDef> policies,
    List<ReadModelDef> readModels) implements DomainModel {

  /** Replaces absent values with empty ones and copies the lists. */
  public Model {
    version = version == null ? "" : version;
    aggregates = Lists.copy(aggregates);
    policies = Lists.copy(policies);
    readModels = Lists.copy(readModels);
  }

  /**
   * Checks the model's structure: names present, valid and unique; field types known; initial values of the
   * right type; every reference (emitted events, state fields updated by events, policy events and commands,
   * read-model events) resolvable.
   *
   * @return every problem found, in model order; empty when the model is valid
   */
  public List<ModelError> validate() {
    return new ModelValidator(this).validate();
  }

  /**
   * Finds an aggregate by name.
   *
   * @param aggregateName the aggregate type
   * @return the aggregate, when declared
   */
  public Optional<AggregateDef> aggregate(String aggregateName) {
    return aggregates.stream().filter(a -> aggregateName.equals(a.name())).findFirst();
  }

  @Override
  public Map<String, List<String>> commandsByAggregate() {
    Map<String, List<String>> commands = new LinkedHashMap<>();
    for (AggregateDef aggregate : aggregates) {
      if (aggregate != null && aggregate.name() != null) {
        commands.putIfAbsent(aggregate.name(), aggregate.commands().stream().filter(Objects::nonNull)
            .map(CommandDef::name).filter(Objects::nonNull).toList());
      }
    }
    return commands;
  }

  @Override
  public boolean isInternal(String aggregateType, String command) {
    return aggregate(aggregateType).stream().flatMap(a -> a.commands().stream())
        .anyMatch(c -> c != null && c.internal() && command.equals(c.name()));
  }

  /**
   * {@inheritDoc} Validates the structure and compiles every expression ({@link AetherModelEngine}).
   */
  @Override
  public ModelPlan plan(ModelHost host) {
    return AetherModelEngine.plan(this, host);
  }
}
