package dev.aether.model;

import java.util.List;

/**
 * A command an aggregate accepts.
 *
 * @param name the command name, unique within its aggregate
 * @param fields the payload fields
 * @param emits the names of the events (of the same aggregate) it may produce
 * @param guards conditions (CEL expressions, checked by {@code aether-model}) that must hold to accept it
 */
public record CommandDef(String name, List<FieldDef> fields, List<String> emits, List<String> guards) {

  /** Replaces absent lists with empty ones and copies them. */
  public CommandDef {
    fields = Lists.copy(fields);
    emits = Lists.copy(emits);
    guards = Lists.copy(guards);
  }
}
