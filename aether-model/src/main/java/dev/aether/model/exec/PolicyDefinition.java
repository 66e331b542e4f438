package dev.aether.model.exec;

import dev.aether.event.Event;
import dev.aether.runtime.RuntimeMessage;

/**
 * What {@link PolicyRunner} needs of a policy, whether a model declares it ({@link PolicyProgram}) or Java code
 * does ({@link Policy}): the events it reacts to and the command it sends for one. The runner gives the command
 * its deterministic id and its metadata.
 */
interface PolicyDefinition {

  /** @return the policy's name: its shared group, meters, dead letters and command ids */
  String name();

  /** @return whether a first run starts at the end of the feed instead of its beginning */
  boolean startsNow();

  /**
   * @param event a stored event of any stream
   * @return whether the policy reacts to events of its aggregate and type (before any condition)
   */
  boolean reactsTo(Event event);

  /**
   * The command for an event the policy reacts to.
   *
   * @param event the event
   * @return the command's target, name and payload; {@code null} when the policy sends none for this event
   * @throws RuntimeException when the policy cannot compute it (the delivery is dead-lettered with its message)
   */
  RuntimeMessage.Builder command(Event event);

  /**
   * The id of the command the policy sends for an event: the same on every delivery, so a redelivery is applied
   * once. A model's policy: {@link PolicyRunner#commandId}.
   *
   * @param eventId the event's id
   * @return the command id
   */
  default String commandId(String eventId) {
    return PolicyRunner.commandId(name(), eventId);
  }

  /**
   * @param e what {@link #command} threw
   * @return how a dead letter says it
   */
  default String failure(RuntimeException e) {
    return "the policy failed: " + e;
  }
}
