package dev.aether.runtime;

import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.spi.Behavior;
import dev.aether.runtime.spi.DomainModel;
import dev.aether.runtime.spi.ModelHost;
import dev.aether.runtime.spi.ModelPlan;
import dev.aether.store.EventStore;
import dev.aether.store.ReadModelStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's side of model execution: compiles a {@link DomainModel} into its plan, installs the plan's
 * model-driven behaviours, and gives {@link LocalRuntime} the plan's command check and acceptance hook.
 *
 * <p>A plan's reactions start ({@link ModelPlan#start}) once its behaviours are installed and the runtime runs:
 * at the load into a running runtime, else when the runtime starts.
 *
 * <p>Thread-safe: {@code lock} serialises loads and the start; {@code model} and {@code plan} are volatile and
 * read without the lock on the hot path; {@code modelDriven} is a concurrent set of the aggregate types the plan
 * runs.
 */
final class ModelSupport {

  private static final Logger LOG = LoggerFactory.getLogger(ModelSupport.class);

  private final ReentrantLock lock = new ReentrantLock();
  private final Set<String> modelDriven = ConcurrentHashMap.newKeySet();
  private volatile DomainModel model;
  private volatile ModelPlan plan;
  private final ReadModelStore readModels;
  private volatile ReactionPlacement reactionPlacement = ReactionPlacement.EVERYWHERE;
  /** Whether the runtime runs; guarded by {@code lock}. */
  private boolean running;

  ModelSupport(ReadModelStore readModels) {
    this.readModels = readModels;
  }

  void setReactionPlacement(ReactionPlacement placement) {
    this.reactionPlacement = placement;
  }

  Optional<DomainModel> model() {
    return Optional.ofNullable(model);
  }

  Optional<ModelPlan> plan() {
    return Optional.ofNullable(plan);
  }

  boolean isModelDriven(String aggregateType) {
    return modelDriven.contains(aggregateType);
  }

  /** Forgets that an aggregate type is model-driven (a Java behaviour replaced it). */
  void javaReplaced(String aggregateType) {
    modelDriven.remove(aggregateType);
  }

  /** The runtime now runs: starts the installed plan's reactions, if any. Idempotent. */
  void runtimeStarted() {
    lock.lock();
    try {
      if (!running) {
        running = true;
        if (plan != null) {
          plan.start();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Loads a model: compiles it for this runtime and installs its plan.
   *
   * @param aggregates the runtime's behaviours by aggregate type (changed in place)
   * @param passivateType stops the active VMs of an aggregate type whose behaviour changes
   */
  void load(DomainModel next, ConcurrentMap<String, AggregateContext<?>> aggregates, RuntimeServices rt,
      CommandGateway gateway, Consumer<String> passivateType) {
    lock.lock();
    try {
      install(next, next.plan(host(aggregates, rt, gateway)), aggregates, rt, passivateType);
    } finally {
      lock.unlock();
    }
  }

  private void install(DomainModel next, ModelPlan nextPlan, ConcurrentMap<String, AggregateContext<?>> aggregates,
      RuntimeServices rt, Consumer<String> passivateType) {
    Map<String, AggregateContext<?>> proposed = new HashMap<>(aggregates);
    modelDriven.forEach(proposed::remove);
    Map<String, AggregateContext<?>> driven = new HashMap<>();
    for (Behavior<?> behavior : nextPlan.behaviors()) {
      AggregateContext<?> ctx;
      try {
        ctx = new AggregateContext<>(behavior, rt);
      } catch (RuntimeException broken) { // a behaviour that breaks the SPI's contract: the plan is not installed
        nextPlan.close();
        throw broken;
      }
      driven.put(behavior.aggregateType(), ctx);
      proposed.put(behavior.aggregateType(), ctx);
    }
    List<ModelError> errors = ModelCheck.against(next, proposed);
    if (!errors.isEmpty()) {
      nextPlan.close();
      throw new InvalidModelException(errors);
    }
    for (String type : List.copyOf(modelDriven)) {
      if (!driven.containsKey(type)) {
        aggregates.remove(type);
        modelDriven.remove(type);
        passivateType.accept(type);
      }
    }
    driven.forEach((type, ctx) -> {
      aggregates.put(type, ctx);
      modelDriven.add(type);
      passivateType.accept(type);
    });
    ModelPlan previous = plan;
    plan = nextPlan;
    model = next;
    if (previous != null) {
      // first: a projector of the replaced plan still finishing its batch would write rows and a feed position
      // into a read model the next plan resets and rebuilds
      previous.close();
    }
    if (running) {
      nextPlan.start(); // its reactions run only now that its behaviours are installed
    }
    nextPlan.warnings().forEach(w -> LOG.warn("model {} {}: {}", next.name(), next.version(), w));
  }

  private ModelHost host(Map<String, AggregateContext<?>> aggregates, RuntimeServices rt,
      CommandGateway gateway) {
    return new ModelHost() {
      @Override
      public boolean hasJavaBehavior(String aggregateType) {
        return aggregates.containsKey(aggregateType) && !modelDriven.contains(aggregateType);
      }

      @Override
      public CompletableFuture<CommandResult> sendMessage(RuntimeMessage message) {
        return gateway.sendMessage(message);
      }

      @Override
      public EventStore eventStore() {
        return rt.store;
      }

      @Override
      public ReadModelStore readModelStore() {
        return readModels;
      }

      @Override
      public Clock clock() {
        return rt.clock;
      }

      @Override
      public Optional<MeterRegistry> meterRegistry() {
        return Optional.ofNullable(rt.meterRegistry);
      }

      @Override
      public ReactionPlacement reactionPlacement() {
        return reaction -> reactionPlacement.runsHere(reaction); // the current one, also after a later set
      }
    };
  }

  /** @return the plan's rejection of a command, or {@code null} when it may proceed */
  CommandResult.Rejected check(RuntimeMessage message) {
    ModelPlan p = plan;
    return p == null ? null : p.check(message).orElse(null);
  }

  /**
   * Lets the plan react to the command's acceptance before the caller sees the reply: the returned future
   * completes after {@link ModelPlan#onAccepted} returned.
   */
  CompletableFuture<CommandResult> observe(RuntimeMessage message, CompletableFuture<CommandResult> reply) {
    ModelPlan p = plan;
    if (p == null) {
      return reply;
    }
    return reply.thenApply(result -> {
      if (result instanceof Accepted a && !a.events().isEmpty()) {
        try {
          p.onAccepted(message, a);
        } catch (RuntimeException e) {
          LOG.warn("model plan failed to react to command {}", message.commandId(), e);
        }
      }
      return result;
    });
  }

  void close() {
    ModelPlan p = plan;
    if (p != null) {
      p.close();
    }
  }
}
