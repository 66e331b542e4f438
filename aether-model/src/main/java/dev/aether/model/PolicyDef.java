package dev.aether.model;

import java.util.Map;

/**
 * A policy: when an event happens (and a condition holds), send a command to an actor. Policies run
 * asynchronously after the event is stored, at least once; the command's id is derived from the policy and
 * the event, so a repeated delivery is applied once.
 *
 * @param name the policy name, unique in the model
 * @param when the triggering event: {@code Aggregate.Event}, or {@code Event} when that name is unique
 * @param condition an optional condition (CEL, {@code bool}); empty when absent
 * @param then the command to send: {@code Aggregate.Command}, or {@code Command} when unique
 * @param target a CEL expression ({@code string}) giving the id of the actor that receives the command
 * @param data command field name to CEL expression; a command field without a mapping takes the event field
 *     of the same name when there is one (unmodifiable)
 */
public record PolicyDef(String name, String when, String condition, String then, String target,
    Map<String, String> data) {

  /** Replaces absent values with empty ones and copies the mapping. */
  public PolicyDef {
    condition = condition == null ? "" : condition;
    data = data == null ? Map.of() : Lists.copy(data);
  }
}
