package dev.aether.model;

/**
 * A policy: when an event happens (and a condition holds), send a command to an actor.
 *
 * @param name the policy name, unique in the model
 * @param when the triggering event: {@code Aggregate.Event}, or {@code Event} when that name is unique
 * @param condition an optional condition (CEL); empty when absent
 * @param then the command to send: {@code Aggregate.Command}, or {@code Command} when unique
 * @param target an expression (CEL) giving the id of the actor that receives the command
 */
public record PolicyDef(String name, String when, String condition, String then, String target) {

  /** Replaces an absent condition with an empty one. */
  public PolicyDef {
    condition = condition == null ? "" : condition;
  }
}
