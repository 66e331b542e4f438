package dev.aether.model;

import java.util.List;

/**
 * A read model: a projection of events into rows, one row per key, each row holding typed fields.
 *
 * @param name the read model name, unique in the model
 * @param key the default CEL key expression (a string) for the events in {@code on} that give none;
 *     empty when absent
 * @param fields the row's fields, with types and initial values (a new row starts from them)
 * @param on the events that update rows, each with its key and field updates
 */
public record ReadModelDef(String name, String key, List<StateFieldDef> fields, List<ProjectionDef> on) {

  /** Replaces absent values with empty ones and copies the lists. */
  public ReadModelDef {
    key = key == null ? "" : key;
    fields = Lists.copy(fields);
    on = Lists.copy(on);
  }
}
