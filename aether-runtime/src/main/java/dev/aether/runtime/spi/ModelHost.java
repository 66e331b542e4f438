package dev.aether.runtime.spi;

import dev.aether.runtime.CommandResult;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.store.EventStore;
import dev.aether.store.ReadModelStore;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * What a runtime offers a {@link ModelPlan}: which aggregates have Java behaviours, a way to send commands
 * (for policies), the event store (for catching up read models), the read-model store and the clock. Thread-safe.
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
}
