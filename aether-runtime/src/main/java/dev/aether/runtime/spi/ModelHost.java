package dev.aether.runtime.spi;

import dev.aether.runtime.CommandResult;
import dev.aether.runtime.ReactionPlacement;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.store.EventFeed;
import dev.aether.store.EventStore;
import dev.aether.store.ReadModelStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What a runtime offers a {@link ModelPlan}: which aggregates have Java behaviours, a way to send commands
 * (for policies), the event store and its feed (for policies and read models), the read-model store, the clock
 * and the meter registry. Thread-safe.
 */
public interface ModelHost {

  /**
   * Tells whether a Java (not model-driven) behaviour is registered for an aggregate type; such behaviours
   * take precedence over the model's.
   *
   * @param aggregateType the aggregate type
   * @return {@code true} when registered
   */
  boolean hasJavaBehavior(String aggregateType);

  /**
   * Sends a command through the runtime, validated like any other.
   *
   * @param message the command
   * @return the outcome, never exceptionally
   */
  CompletableFuture<CommandResult> sendMessage(RuntimeMessage message);

  /** @return the runtime's event store */
  EventStore eventStore();

  /** @return where the model's read models keep their rows and checkpoints (the runtime's, kept as long as it) */
  ReadModelStore readModelStore();

  /** @return the runtime's clock */
  Clock clock();

  /**
   * The feed of every writer's events that reactions (policies, read models) consume: the event store itself
   * when it implements {@link EventFeed} (the in-memory and JetStream stores do).
   *
   * @return the feed, or empty when the event store offers none
   */
  default Optional<EventFeed> eventFeed() {
    return eventStore() instanceof EventFeed feed ? Optional.of(feed) : Optional.empty();
  }

  /**
   * Where reactions that run once per cluster run: read models on a shared store ask it, by name
   * ({@code readModel/<name>}), whether to run here now. Ask it again over time: the answer changes as nodes
   * join and leave.
   *
   * @return the runtime's current reaction placement ({@link ReactionPlacement#EVERYWHERE} unless a cluster set one)
   */
  default ReactionPlacement reactionPlacement() {
    return ReactionPlacement.EVERYWHERE;
  }

  /** @return the registry the runtime publishes its meters to, when one was given to its builder */
  default Optional<MeterRegistry> meterRegistry() {
    return Optional.empty();
  }
}
