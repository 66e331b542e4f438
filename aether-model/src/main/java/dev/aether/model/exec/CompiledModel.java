package dev.aether.model.exec;

import dev.aether.internal.Checks;
import dev.aether.model.AggregateDef;
import dev.aether.model.InvalidModelException;
import dev.aether.model.Model;
import dev.aether.model.ModelError;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.FieldError;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.spi.Behavior;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An EventStorming model compiled for execution: every CEL expression (guards, invariants, event data
 * mappings, state updates, policy conditions, targets and data) parsed, type-checked against the declared
 * fields and planned once; a model-driven {@link Behavior} per aggregate; a payload check per command; the
 * policies.
 *
 * <p>{@link #compile} refuses a broken model with an {@link InvalidModelException} listing every problem with
 * its path: the structural ones of {@link Model#validate()} first, then the expression errors
 * ({@code aggregates.Account.commands.Withdraw.guards[0]: undeclared reference 'cmd.amout' (cmd has amount)
 * at column 1 [unknown-reference]}), wrong result types, implicit copies that do not fit. Policy cycles are
 * {@linkplain #warnings() warnings}. Usually the runtime compiles a model itself ({@code Runtime.loadModel},
 * through {@link AetherModelEngine}); compile directly to check a model in a build or a test. Immutable and
 * thread-safe.
 */
public final class CompiledModel {

  private final Model model;
  private final Map<String, ModelBehavior> behaviors;
  private final List<PolicyProgram> policies;
  private final List<ReadModelProgram> readModels;
  private final List<ModelError> warnings;

  private CompiledModel(Model model, Map<String, ModelBehavior> behaviors, List<PolicyProgram> policies,
      List<ReadModelProgram> readModels, List<ModelError> warnings) {
    this.model = model;
    this.behaviors = behaviors;
    this.policies = List.copyOf(policies);
    this.readModels = List.copyOf(readModels);
    this.warnings = List.copyOf(warnings);
  }

  /**
   * Compiles a model; guards see the system clock's time as {@code now}.
   *
   * @param model the model
   * @return the compiled model
   * @throws InvalidModelException listing every problem with its path
   */
  public static CompiledModel compile(Model model) {
    return compile(model, Clock.systemUTC());
  }

  /**
   * Compiles a model.
   *
   * @param model the model
   * @param clock the clock whose instant guards and data mappings see as {@code now} when deciding
   * @return the compiled model
   * @throws InvalidModelException listing every problem with its path
   */
  public static CompiledModel compile(Model model, Clock clock) {
    Checks.notNull(model, "model");
    Checks.notNull(clock, "clock");
    List<ModelError> errors = new ArrayList<>(model.validate());
    if (!errors.isEmpty()) {
      throw new InvalidModelException(errors);
    }
    ModelCompiler compiler = new ModelCompiler(model, clock);
    Map<String, ModelBehavior> behaviors = compiler.behaviors();
    List<PolicyProgram> policies = compiler.policies();
    List<ReadModelProgram> readModels = compiler.readModels();
    if (!compiler.errors().isEmpty()) {
      throw new InvalidModelException(compiler.errors());
    }
    return new CompiledModel(model, Map.copyOf(behaviors), policies, readModels,
        PolicyCycles.find(model.aggregates(), policies));
  }

  /** @return the model this was compiled from */
  public Model model() {
    return model;
  }

  /** @return problems that do not stop execution, such as policy cycles (id {@code policy-cycle}) */
  public List<ModelError> warnings() {
    return warnings;
  }

  /**
   * The model-driven behaviour of an aggregate: state = a JSON map of its state fields, snapshot schema =
   * {@code model:} + a hash of the state fields' names and types.
   *
   * @param aggregateType the aggregate type
   * @return the behaviour, when the model declares the aggregate
   */
  public Optional<Behavior<Map<String, Object>>> behavior(String aggregateType) {
    return Optional.ofNullable(behaviors.get(aggregateType));
  }

  /**
   * Checks a command against the model: known command, payload fields declared, present when required,
   * typed, and within their constraints.
   *
   * @param message the command
   * @return the rejection ({@code UNKNOWN_COMMAND}, or {@code INVALID_PAYLOAD} with one field error per
   *     problem), or empty when the command may proceed or its aggregate is not in the model
   */
  public Optional<CommandResult.Rejected> check(RuntimeMessage message) {
    ModelBehavior behavior = behaviors.get(message.aggregateType());
    if (behavior == null) {
      return Optional.empty();
    }
    CommandProgram command = behavior.command(message.command());
    if (command == null) {
      return Optional.of(CommandResult.Rejected.of(message.commandId(), RejectionReason.UNKNOWN_COMMAND,
          "aggregate type " + message.aggregateType() + " has no command " + message.command() + " in model "
              + model.name() + "; known: " + behavior.commandNames()));
    }
    List<FieldError> errors = command.validator().validate(message.payload());
    if (errors.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CommandResult.Rejected(message.commandId(), RejectionReason.INVALID_PAYLOAD,
        "invalid payload for " + message.aggregateType() + "." + message.command() + ": "
            + String.join("; ", errors.stream().map(FieldError::toString).toList()), errors));
  }

  List<PolicyProgram> policies() {
    return policies;
  }

  List<ReadModelProgram> readModels() {
    return readModels;
  }

  /** @return the aggregates of the model, by name */
  List<AggregateDef> aggregates() {
    return model.aggregates();
  }
}
