package dev.aether.model;

import java.util.List;
import java.util.Optional;

/**
 * An aggregate type of the model: its state, the commands it accepts, the events it produces and the
 * invariants its state must always satisfy.
 *
 * @param name the aggregate type (the runtime's {@code aggregateType}), unique in the model
 * @param state the state fields
 * @param invariants conditions over {@code state} (and {@code actorId}) that every accepted command must
 *     leave true; a command whose events would break one is rejected with its message
 * @param commands the commands
 * @param events the events
 */
public record AggregateDef(String name, List<StateFieldDef> state, List<GuardDef> invariants,
    List<CommandDef> commands, List<EventDef> events) {

  /** Replaces absent lists with empty ones and copies them. */
  public AggregateDef {
    state = Lists.copy(state);
    invariants = Lists.copy(invariants);
    commands = Lists.copy(commands);
    events = Lists.copy(events);
  }

  /**
   * Finds a command by name.
   *
   * @param commandName the name
   * @return the command, when declared
   */
  public Optional<CommandDef> command(String commandName) {
    return commands.stream().filter(c -> c != null && commandName.equals(c.name())).findFirst();
  }

  /**
   * Finds an event by name.
   *
   * @param eventName the name
   * @return the event, when declared
   */
  public Optional<EventDef> event(String eventName) {
    return events.stream().filter(e -> e != null && eventName.equals(e.name())).findFirst();
  }
}
