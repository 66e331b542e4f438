package dev.aether.model;

import java.util.List;

/**
 * A command an aggregate accepts.
 *
 * @param name the command name, unique within its aggregate
 * @param fields the payload fields, with types and constraints
 * @param guards conditions (CEL over {@code state}, {@code cmd}, {@code actorId}, {@code now}) that must all
 *     hold to accept it, checked in order; the first false one rejects the command with its message
 * @param emits the events (of the same aggregate) it produces, with their data mappings
 * @param internal whether only the domain sends it (the model's policies, Java code in the node): the HTTP API
 *     and the cluster's any-language NATS subject refuse it, so a client cannot send, say, the credit half of a
 *     transfer on its own (default {@code false})
 */
public record CommandDef(String name, List<FieldDef> fields, List<GuardDef> guards, List<EmitDef> emits,
    boolean internal) {

  /** Replaces absent lists with empty ones and copies them. */
  public CommandDef {
    fields = Lists.copy(fields);
    guards = Lists.copy(guards);
    emits = Lists.copy(emits);
  }

  /**
   * A command clients may send (not {@link #internal()}).
   *
   * @param name the command name
   * @param fields the payload fields
   * @param guards the guards, in order
   * @param emits the events it produces
   */
  public CommandDef(String name, List<FieldDef> fields, List<GuardDef> guards, List<EmitDef> emits) {
    this(name, fields, guards, emits, false);
  }
}
