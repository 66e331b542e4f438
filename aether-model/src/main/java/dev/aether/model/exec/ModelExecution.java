package dev.aether.model.exec;

import dev.aether.support.Checks;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.CommandResult;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The model a runtime executes, as {@code aether-model} runs it: the compiled model, its read models and the
 * state of its policies (pending work, dead letters). Obtain it with {@link #of(Runtime)} after {@code runtime.loadModel(model)}. Thread-safe.
 */
public interface ModelExecution {

  /**
   * The model execution of a runtime.
   *
   * @param runtime the runtime
   * @return its model execution, when it loaded an EventStorming model
   */
  static Optional<ModelExecution> of(Runtime runtime) {
    return Checks.notNull(runtime, "runtime").modelPlan().filter(ModelExecution.class::isInstance)
        .map(ModelExecution.class::cast);
  }

  /**
   * The command id a policy gives the command it sends for an event: a name-based UUID of the policy name
   * and the event id, the same on every delivery, so a repeated delivery is applied once.
   *
   * @param policyName the policy
   * @param eventId the triggering event's id
   * @return the command id
   */
  static String policyCommandId(String policyName, String eventId) {
    return PolicyRunner.commandId(Checks.notNull(policyName, "policyName"), Checks.notNull(eventId, "eventId"));
  }

  /** @return the compiled model */
  CompiledModel compiled();

  /**
   * Policy work this process has not finished: deliveries in hand, plus one per policy that has not yet
   * seen the end of the feed. Zero means every event stored before the call has been handed out to the
   * policies' groups and this process is done with its share (another process of the group may still hold
   * some).
   *
   * @return the count
   */
  long pendingPolicyDeliveries();

  /**
   * A read model of the loaded model.
   *
   * @param name the read model's name
   * @return the read model, when declared
   */
  Optional<ReadModel> readModel(String name);

  /**
   * A policy's backlog: the commits stored and not yet handled by its group (every process's share), asked of
   * the store: what {@code aether.policy.backlog} shows, read now.
   *
   * @param policy the policy's name
   * @return the number of commits
   * @throws dev.aether.InvalidInputException naming {@code policy} when the model has no such policy
   * @throws dev.aether.store.StoreUnavailableException when the store cannot answer
   */
  long policyBacklog(String policy);

  /** @return policy deliveries of this process that ended in a dead letter (see the log) */
  long failedPolicyDeliveries();

  /**
   * The policies' dead letters, of every process (kept in the runtime's read-model store), oldest first; those
   * of policies the loaded model no longer has too.
   *
   * @return the records
   */
  List<DeadLetter> deadLetters();

  /**
   * One dead letter, read directly (no listing).
   *
   * @param id the record's id ({@link DeadLetter#id()})
   * @return the record, when there is one
   * @throws dev.aether.InvalidInputException naming {@code id} when blank
   */
  Optional<DeadLetter> deadLetter(String id);

  /**
   * Removes a dead letter without delivering it again (its event was handled another way, or must not be).
   *
   * @param id the record's id ({@link DeadLetter#id()})
   * @return whether there was such a record
   * @throws dev.aether.InvalidInputException naming {@code id} when blank
   */
  boolean discardDeadLetter(String id);

  /**
   * Delivers a dead letter's event to its policy once more. The record is removed when the command is
   * accepted (or the policy's condition no longer holds); otherwise it stays, with one more attempt and the
   * new error.
   *
   * @param id the record's id ({@link DeadLetter#id()})
   * @return the command's outcome; empty when the policy no longer sends a command for the event
   * @throws dev.aether.InvalidInputException naming {@code id} when there is no such record, its policy is
   *     not in the loaded model, or its event is no longer stored
   */
  CompletableFuture<Optional<CommandResult>> replayDeadLetter(String id);
}
