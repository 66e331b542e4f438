package dev.aether.model.exec;

import dev.aether.InvalidInputException;
import dev.aether.store.EventFeed;
import dev.aether.store.ReadModelStore;
import dev.aether.support.Checks;
import io.micrometer.core.instrument.MeterRegistry;
import dev.aether.runtime.ModelError;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.ReactionPlacement;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.spi.Behavior;
import dev.aether.runtime.spi.ModelHost;
import dev.aether.runtime.spi.ModelPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The {@link ModelPlan} of a {@link CompiledModel} in one runtime: model-driven behaviours for the aggregates
 * without Java ones, the payload check, the policy runner and the read models (both on the host's event feed). Thread-safe (delegates to immutable or
 * thread-safe parts).
 */
final class RuntimeModelPlan implements ModelPlan, ModelExecution {

  private final CompiledModel model;
  private final ModelHost host;
  private final List<Behavior<?>> behaviors = new ArrayList<>();
  private final PolicyRunner policies;
  private final DeadLetterStore deadLetters;
  private final Map<String, ModelReadModel> readModels = new LinkedHashMap<>();
  /** Whether the runtime runs this plan: its read models project and its policies take deliveries. */
  private volatile boolean started;

  RuntimeModelPlan(CompiledModel model, ModelHost host, ReadModelStore store) {
    this.model = model;
    this.host = host;
    model.aggregates().stream().filter(a -> !host.hasJavaBehavior(a.name()))
        .forEach(a -> behaviors.add(model.behavior(a.name()).orElseThrow()));
    boolean reacts = !model.policies().isEmpty() || !model.readModels().isEmpty();
    EventFeed feed = host.eventFeed().orElse(null);
    if (reacts && feed == null) {
      throw new IllegalStateException("model " + model.model().name() + " has policies or read models, which run"
          + " from the event feed, but the event store (" + host.eventStore().getClass().getName()
          + ") does not implement " + EventFeed.class.getName());
    }
    MeterRegistry registry = host.meterRegistry().orElse(null);
    this.deadLetters = new DeadLetterStore(store);
    this.policies = model.policies().isEmpty() ? null : new PolicyRunner(model.model().name(), model.policies(),
        host::sendMessage, feed, host.eventStore(), deadLetters, host.clock(), registry);
    try {
      ReactionPlacement placement = host.reactionPlacement();
      model.readModels().forEach(p -> {
        String reaction = "readModel/" + p.name();
        // standing by until the runtime runs this plan (start): a refused plan's projections write nothing
        BooleanSupplier runsHere = store.isShared()
            ? () -> started && placement.runsHere(reaction) : () -> started;
        readModels.put(p.name(), new ModelReadModel(ModelReadModel.projection(p).start(feed, store, registry,
            runsHere)));
      });
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public List<Behavior<?>> behaviors() {
    return List.copyOf(behaviors);
  }

  @Override
  public List<ModelError> warnings() {
    return model.warnings();
  }

  /**
   * The model's check of a command ({@link CompiledModel#check}), but for a command the model does not declare to
   * an aggregate that runs the model's behaviour: that one goes on to its actor, which answers a command id it
   * applied before with its first outcome ({@code duplicate}: a resend of a command accepted before the command
   * was renamed or removed) and refuses any other as {@code UNKNOWN_COMMAND} (the runtime remembers accepted
   * command ids only in the actor, so an unknown command costs an activation, as any command to the actor does).
   * An aggregate whose Java behaviour replaced the model's keeps the refusal here.
   */
  @Override
  public Optional<CommandResult.Rejected> check(RuntimeMessage message) {
    Optional<CommandResult.Rejected> refused = model.check(message);
    if (refused.isPresent() && refused.get().reason() == RejectionReason.UNKNOWN_COMMAND
        && !host.hasJavaBehavior(message.aggregateType())) {
      return Optional.empty();
    }
    return refused;
  }

  @Override
  public void onAccepted(RuntimeMessage message, CommandResult.Accepted result) {
    // nothing to do: policies and read models read every writer's events from the feed
  }

  @Override
  public CompiledModel compiled() {
    return model;
  }

  @Override
  public long pendingPolicyDeliveries() {
    return policies == null ? 0 : policies.pending();
  }

  @Override
  public long failedPolicyDeliveries() {
    return policies == null ? 0 : policies.failed();
  }

  @Override
  public long policyBacklog(String policy) {
    Checks.notBlank(policy, "policy");
    if (policies == null) {
      throw new InvalidInputException("policy", "model " + model.model().name() + " has no policies");
    }
    return policies.backlog(policy);
  }

  @Override
  public List<DeadLetter> deadLetters() {
    return deadLetters.all();
  }

  @Override
  public Optional<DeadLetter> deadLetter(String id) {
    return deadLetters.get(Checks.notBlank(id, "id"));
  }

  @Override
  public CompletableFuture<Optional<CommandResult>> replayDeadLetter(String id) {
    if (policies == null) {
      throw new InvalidInputException("id", deadLetter(id).isEmpty() ? "no dead letter \"" + id + "\""
          : "dead letter " + id + " is of a policy the loaded model does not have (it has none)");
    }
    return policies.replay(id);
  }

  @Override
  public boolean discardDeadLetter(String id) {
    if (deadLetter(id).isEmpty()) {
      return false;
    }
    deadLetters.remove(id);
    return true;
  }

  @Override
  public Optional<ReadModel> readModel(String name) {
    return Optional.ofNullable(readModels.get(name));
  }

  @Override
  public void start() {
    started = true;
    readModels.values().forEach(ReadModel::checkRunsHere); // project now, not at the next stand-by check
    if (policies != null) {
      policies.start();
    }
  }

  /** Closes the read models and the policies all at once: each waits for its own batch in hand. */
  @Override
  public void close() {
    List<Runnable> closes = new ArrayList<>();
    readModels.values().forEach(readModel -> closes.add(readModel::close));
    if (policies != null) {
      closes.add(policies::close);
    }
    List<Thread> closing = closes.stream().map(c -> Thread.ofVirtual().name("aether-plan-close").start(c)).toList();
    for (Thread thread : closing) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
