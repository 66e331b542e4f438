package dev.aether.model.exec;

import dev.aether.runtime.ModelError;
import dev.aether.support.Checks;

/**
 * An event field whose type a model version changes so that the events already stored no longer read as the new
 * type ({@code int} to {@code string}, {@code double} to {@code int}, ...): models have no upcasts, so from then
 * on every actor whose history holds such an event fails when it replays it, and read models skip it. Values of
 * this type are what {@link IncompatibleModelException} names; widening changes ({@code int} to {@code double},
 * {@code timestamp} to {@code string}, the same inside lists and maps) read the stored values unchanged and are
 * no such change. Immutable and thread-safe.
 *
 * @param aggregate the aggregate declaring the event
 * @param event the event type
 * @param field the field
 * @param storedType the type the field had (the one the stored events hold)
 * @param newType the type the new version declares
 */
public record EventFieldTypeChange(String aggregate, String event, String field, String storedType,
    String newType) {

  /** The id of this change as a {@link ModelError}. */
  public static final String ID = "event-field-type-changed";

  /** Refuses blank values. */
  public EventFieldTypeChange {
    Checks.notBlank(aggregate, "aggregate");
    Checks.notBlank(event, "event");
    Checks.notBlank(field, "field");
    Checks.notBlank(storedType, "storedType");
    Checks.notBlank(newType, "newType");
  }

  /** @return the field's path in the model, {@code aggregates.<aggregate>.events.<event>.fields.<field>} */
  public String path() {
    return "aggregates." + aggregate + ".events." + event + ".fields." + field;
  }

  /** @return the change as a model error (id {@value #ID}), naming the event, the field and both types */
  public ModelError toError() {
    return new ModelError(ID, path(), "stored " + event + " events hold " + field + " as " + storedType + ", not "
        + newType + ": models have no upcasts, so an actor of " + aggregate + " whose history holds one fails"
        + " (BEHAVIOR_FAILED) when it replays it, and read models skip it; add a field of the new type instead"
        + " (keep " + field + " declared as " + storedType + ")");
  }
}
