package dev.aether.model;

import java.util.List;

/**
 * A read model: a projection of events into rows, one row per key.
 *
 * @param name the read model name, unique in the model
 * @param from the events it is built from ({@code Aggregate.Event} or unique {@code Event} names)
 * @param key an expression (CEL) giving the row key of an event
 * @param fields the row's fields
 */
public record ReadModelDef(String name, List<String> from, String key, List<FieldDef> fields) {

  /** Replaces absent lists with empty ones and copies them. */
  public ReadModelDef {
    from = Lists.copy(from);
    fields = Lists.copy(fields);
  }
}
