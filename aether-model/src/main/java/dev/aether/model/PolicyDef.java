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
 * @param start where the policy starts the first time it runs (its group on the feed does not exist yet):
 *     {@value #FROM_BEGINNING} (the default: it also reacts to the events stored before) or {@value #FROM_NOW}
 *     (only to the events stored from then on); a policy that ran before goes on where it stopped
 */
public record PolicyDef(String name, String when, String condition, String then, String target,
    Map<String, String> data, String start) {

  /** {@code start}: react to every stored event, from the beginning of the feed. */
  public static final String FROM_BEGINNING = "beginning";
  /** {@code start}: react to the events stored from the policy's first run on. */
  public static final String FROM_NOW = "now";

  /** Replaces absent values with empty ones and the defaults, and copies the mapping. */
  public PolicyDef {
    condition = condition == null ? "" : condition;
    data = data == null ? Map.of() : Lists.copy(data);
    start = start == null ? FROM_BEGINNING : start;
  }

  /** A policy that starts at the beginning of the feed ({@link #FROM_BEGINNING}). */
  public PolicyDef(String name, String when, String condition, String then, String target,
      Map<String, String> data) {
    this(name, when, condition, then, target, data, null);
  }

  /** @return whether a first run starts at the feed's end ({@link #FROM_NOW}) */
  public boolean startsNow() {
    return FROM_NOW.equals(start);
  }
}
