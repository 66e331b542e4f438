package dev.aether.model.exec;

import dev.aether.support.Checks;
import dev.aether.runtime.Runtime;
import java.util.Optional;

/**
 * The model a runtime executes, as {@code aether-model} runs it: the compiled model and the state of its
 * policies. Obtain it with {@link #of(Runtime)} after {@code runtime.loadModel(model)}. Thread-safe.
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

  /** @return policy deliveries started and not yet finished (accepted, refused or given up) */
  long pendingPolicyDeliveries();

  /**
   * A read model of the loaded model.
   *
   * @param name the read model's name
   * @return the read model, when declared
   */
  Optional<ReadModel> readModel(String name);

  /** @return policy deliveries that ended without their command being accepted (see the log) */
  long failedPolicyDeliveries();
}
