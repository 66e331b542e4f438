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
 */
public record CommandDef(String name, List<FieldDef> fields, List<GuardDef> guards, List<EmitDef> emits) {

  /** Replaces absent lists with empty ones and copies them. */
  public CommandDef {
    fields = Lists.copy(fields);
    guards = Lists.copy(guards);
    emits = Lists.copy(emits);
  }
}
