package dev.aether.model.exec;

import dev.aether.runtime.InvalidModelException;
import dev.aether.runtime.ModelError;
import java.util.List;

/**
 * Refusal of a model version that would lose or corrupt what is stored, or that reuses the running model's
 * version label for another model; {@link CompiledModel#checkReplacing} throws it unless forced. Its
 * {@linkplain #errors() errors} carry the ids {@value EventFieldTypeChange#ID} (the stored events of the changed
 * field no longer read: {@link #fieldTypeChanges()} names each event, field, stored and new type),
 * {@value CompiledModel#POLICY_GROUP_NEW} (a renamed model runs its policies' groups from the beginning again, and
 * every command older than its target's idempotency window is applied a second time) and
 * {@value CompiledModel#VERSION_REUSED} (another model under the running model's name and version). The running
 * model is unchanged. A subclass of {@link InvalidModelException}, so that a caller handling refused models
 * handles this one too. Immutable and thread-safe.
 */
public final class IncompatibleModelException extends InvalidModelException {

  private final List<EventFieldTypeChange> fieldTypeChanges;

  /**
   * Creates a refusal.
   *
   * @param errors every refused change; at least one
   * @param fieldTypeChanges the event fields whose type changed, each also among {@code errors}
   */
  IncompatibleModelException(List<ModelError> errors, List<EventFieldTypeChange> fieldTypeChanges) {
    super(errors);
    this.fieldTypeChanges = List.copyOf(fieldTypeChanges);
  }

  /** @return the event fields whose type changed incompatibly, in model order (unmodifiable; may be empty) */
  public List<EventFieldTypeChange> fieldTypeChanges() {
    return fieldTypeChanges;
  }
}
