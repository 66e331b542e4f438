package dev.aether.runtime.spi;

import dev.aether.runtime.ModelError;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.RuntimeMessage;
import java.util.List;
import java.util.Optional;

/**
 * A model planned by a {@link DomainModel} for one runtime: the behaviours it runs, the check every command
 * passes before it reaches an actor, and the reaction to accepted commands (policies, read models).
 *
 * <p>The runtime calls {@link #check} on the sender's thread, and {@link #onAccepted} on the thread that
 * completes the reply, after the commit and before the sender's future completes: the actor's thread, or for a
 * command relayed from another node ({@code Runtime.sendMessageToRelay}) the store's thread that received the
 * commit's acknowledgement. Both must be quick and must not block (hand work off to another thread): a blocked
 * acknowledgement thread holds up every commit of the store. Thread-safe.
 */
public interface ModelPlan extends AutoCloseable {

  /**
   * The model-driven behaviours, one per aggregate of the model without a Java behaviour.
   *
   * @return the behaviours
   */
  List<Behavior<?>> behaviors();

  /**
   * Problems that do not stop the model from loading, for example policy cycles.
   *
   * @return the warnings (paths and stable ids as for errors)
   */
  List<ModelError> warnings();

  /**
   * Checks a command against the model before it reaches its actor: aggregate and command known, payload
   * fields present, typed and within their constraints.
   *
   * @param message the command
   * @return a rejection ({@code UNKNOWN_COMMAND} or {@code INVALID_PAYLOAD} with field errors), or empty
   *     when the command may proceed (also for aggregates the model does not declare)
   */
  Optional<CommandResult.Rejected> check(RuntimeMessage message);

  /**
   * Reacts to a command that was accepted with events (also to a duplicate's remembered outcome, so a
   * resent command triggers its policies again; policy commands are idempotent).
   *
   * @param message the command
   * @param result its outcome, with at least one event
   */
  void onAccepted(RuntimeMessage message, CommandResult.Accepted result);

  /**
   * Starts the plan's reactions (policy deliveries, read-model projections), once the runtime has installed the
   * plan's behaviours and runs: a policy that ran before could send commands to aggregate types the runtime does
   * not run yet (refused as unknown, then dead-lettered) or to a runtime not yet started (refused, retried), and
   * a refused model's reactions would act or write rows. Called at most once per plan, by the runtime: at the
   * load into a running runtime, else when it starts; a refused plan is closed without being started. The
   * default does nothing.
   */
  default void start() {}

  /**
   * Stops the plan's background work (policy deliveries, projections) and waits for the work in hand (a
   * projection's batch: its rows and feed position): the runtime closes a replaced plan before it starts the next
   * one, whose projections may reset the same read models. Idempotent.
   */
  @Override
  void close();
}
