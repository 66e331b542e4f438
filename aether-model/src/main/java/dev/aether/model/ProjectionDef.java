package dev.aether.model;

import java.util.Map;

/**
 * How one event updates a read model: which row (a key expression) and the new value of some of its
 * fields (CEL expressions over {@code row}, {@code event}, {@code actorId} and {@code now}).
 *
 * @param event the event: {@code Aggregate.Event}, or {@code Event} when that name is unique in the model
 * @param key a CEL expression giving the row key (a string); empty = the read model's default key
 * @param set row field name to CEL expression (unmodifiable)
 */
public record ProjectionDef(String event, String key, Map<String, String> set) {

  /** Replaces absent values with empty ones and copies the mapping. */
  public ProjectionDef {
    key = key == null ? "" : key;
    set = set == null ? Map.of() : Lists.copy(set);
  }
}
