package dev.aether.model.exec;

import dev.aether.model.AggregateDef;
import dev.aether.model.EventDef;
import dev.aether.model.FieldDef;
import dev.aether.InvalidInputException;
import dev.aether.model.Model;
import dev.aether.support.Checks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The types stored events may hold, per aggregate, event type and field: every type any version of a model
 * loaded so far declared for the field, so that a new version is checked against all of them, not only against
 * the model it replaces ({@link CompiledModel#checkReplacing(java.util.Optional, StoredFieldTypes, boolean)}).
 * Without it, two loads each allowed on their own walk round the refusal of a type change: one removes a field
 * (a warning), the next declares it again as another type (nothing to compare with), and every event stored
 * before the first is then unreadable. Kept by whoever keeps the loaded model (the server records both).
 *
 * <p>Two ways to add a model's types: {@link #including} adds them to each field's stored types and never drops one
 * (for a model that ran, or may still run somewhere: the running model, which can lag the record); {@link #afterLoad}
 * adds those of the model being loaded, and a field whose new type does not read some stored type (a load that was
 * forced: the caller said the old events do not matter) holds the new type only from then on. Field
 * types are the model's text ({@code int}, {@code list<string>}); {@code readsAs} decides what a stored type reads
 * as. Immutable and thread-safe.
 */
public final class StoredFieldTypes {

  private static final StoredFieldTypes NONE = new StoredFieldTypes(Map.of());

  /** aggregate -> event -> field -> the types stored events may hold it as, in the order first loaded. */
  private final Map<String, Map<String, Map<String, List<String>>>> types;

  private StoredFieldTypes(Map<String, Map<String, Map<String, List<String>>>> types) {
    this.types = types;
  }

  /** @return the types of no model: nothing stored to compare with */
  public static StoredFieldTypes none() {
    return NONE;
  }

  /**
   * The types one model declares: what its events were stored with when no history of earlier versions is kept.
   *
   * @param model the model
   * @return its event fields' types
   */
  public static StoredFieldTypes of(Model model) {
    return NONE.including(model);
  }

  /**
   * Types read back from {@link #toMap()}'s form (a record kept in a store).
   *
   * @param types aggregate -> event -> field -> types
   * @return the types
   * @throws InvalidInputException naming what is wrong when a name or type is blank or null, or a field
   *     has no type
   */
  public static StoredFieldTypes fromMap(Map<String, Map<String, Map<String, List<String>>>> types) {
    Map<String, Map<String, Map<String, List<String>>>> copy = new LinkedHashMap<>();
    Checks.notNull(types, "types").forEach((aggregate, events) -> Checks.notNull(events, "events").forEach(
        (event, fields) -> Checks.notNull(fields, "fields").forEach((field, stored) -> {
          if (Checks.notNull(stored, "types").isEmpty()) {
            throw new InvalidInputException("types", "field " + field + " of " + event + " has no type");
          }
          stored.forEach(type -> Checks.notBlank(type, "type"));
          fieldsOf(copy, Checks.notBlank(aggregate, "aggregate"), Checks.notBlank(event, "event"))
              .put(Checks.notBlank(field, "field"), List.copyOf(stored));
        })));
    return new StoredFieldTypes(freeze(copy));
  }

  /**
   * These types and those a model declares, none dropped: each field's type is added to its stored types (when not
   * among them already), also when it does not read as them. For a model that ran or may still run (the running
   * model, which can lag the recorded types: a field it holds as {@code int} keeps {@code [int, double]}).
   *
   * @param model the model
   * @return the types with the model's
   * @throws InvalidInputException when {@code model} is null
   */
  public StoredFieldTypes including(Model model) {
    return merged(Checks.notNull(model, "model"), StoredFieldTypes::append);
  }

  /**
   * These types after loading a version: a field's new type is added to its stored types when each of them reads
   * as it; otherwise (a forced load: the caller said the stored events do not matter) it replaces them. Fields the
   * version no longer declares keep theirs. Only for the version actually loaded; a model that merely runs is
   * added with {@link #including}.
   *
   * @param loaded the version loaded
   * @return the types after the load
   * @throws InvalidInputException when {@code loaded} is null
   */
  public StoredFieldTypes afterLoad(Model loaded) {
    return merged(Checks.notNull(loaded, "loaded"), (stored, type) -> readBy(stored, type) ? append(stored, type)
        : List.of(type));
  }

  /**
   * These types and another set's, none dropped (as {@link #including} for each model behind {@code other}).
   *
   * @param other the other types
   * @return the union
   * @throws InvalidInputException when {@code other} is null
   */
  public StoredFieldTypes including(StoredFieldTypes other) {
    Map<String, Map<String, Map<String, List<String>>>> next = mutableCopy();
    Checks.notNull(other, "other").types.forEach((aggregate, events) -> events.forEach((event, fields) -> {
      Map<String, List<String>> into = fieldsOf(next, aggregate, event);
      fields.forEach((field, stored) -> stored.forEach(type -> into.merge(field, List.of(type),
          (was, now) -> append(was, type))));
    }));
    return new StoredFieldTypes(freeze(next));
  }

  /** These types and a model's: {@code merge} gives a field's types from its stored ones and the model's type. */
  private StoredFieldTypes merged(Model model, BiFunction<List<String>, String, List<String>> merge) {
    Map<String, Map<String, Map<String, List<String>>>> next = mutableCopy();
    for (AggregateDef aggregate : model.aggregates()) {
      if (aggregate == null || aggregate.name() == null) {
        continue;
      }
      for (EventDef event : aggregate.events()) {
        if (event == null || event.name() == null) {
          continue;
        }
        Map<String, List<String>> fields = fieldsOf(next, aggregate.name(), event.name());
        declared(event).forEach(field -> fields.merge(field.name(), List.of(field.type()),
            (stored, now) -> merge.apply(stored, field.type())));
      }
    }
    return new StoredFieldTypes(freeze(next));
  }

  /**
   * The event fields a version declares as a type that some stored type does not read as, each naming the first
   * such stored type, in the version's order.
   *
   * @param next the version
   * @return the type changes (empty when every stored event reads)
   */
  List<EventFieldTypeChange> typeChanges(Model next) {
    List<EventFieldTypeChange> out = new ArrayList<>();
    for (AggregateDef aggregate : next.aggregates()) {
      if (aggregate == null || aggregate.name() == null) {
        continue;
      }
      for (EventDef event : aggregate.events()) {
        if (event == null || event.name() == null) {
          continue;
        }
        Map<String, List<String>> fields = types.getOrDefault(aggregate.name(), Map.of())
            .getOrDefault(event.name(), Map.of());
        declared(event).forEach(field -> fields.getOrDefault(field.name(), List.of()).stream()
            .filter(stored -> !FieldChanges.readsAs(stored, field.type())).findFirst()
            .ifPresent(stored -> out.add(new EventFieldTypeChange(aggregate.name(), event.name(), field.name(),
                stored, field.type()))));
      }
    }
    return out;
  }

  /**
   * The types as plain maps and lists (for a record kept in a store; {@link #fromMap} reads it back).
   *
   * @return aggregate -> event -> field -> types (unmodifiable)
   */
  public Map<String, Map<String, Map<String, List<String>>>> toMap() {
    return types;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof StoredFieldTypes that && types.equals(that.types);
  }

  @Override
  public int hashCode() {
    return types.hashCode();
  }

  @Override
  public String toString() {
    return "StoredFieldTypes" + types;
  }

  private static List<FieldDef> declared(EventDef event) {
    return event.fields().stream().filter(f -> f != null && f.name() != null && f.type() != null).toList();
  }

  private static boolean readBy(List<String> stored, String type) {
    return stored.stream().allMatch(was -> FieldChanges.readsAs(was, type));
  }

  private static List<String> append(List<String> stored, String type) {
    if (stored.contains(type)) {
      return stored;
    }
    List<String> out = new ArrayList<>(stored);
    out.add(type);
    return List.copyOf(out);
  }

  private static Map<String, List<String>> fieldsOf(Map<String, Map<String, Map<String, List<String>>>> types,
      String aggregate, String event) {
    return types.computeIfAbsent(aggregate, a -> new LinkedHashMap<>()).computeIfAbsent(event,
        e -> new LinkedHashMap<>());
  }

  private Map<String, Map<String, Map<String, List<String>>>> mutableCopy() {
    Map<String, Map<String, Map<String, List<String>>>> copy = new LinkedHashMap<>();
    types.forEach((aggregate, events) -> events.forEach((event, fields) ->
        fieldsOf(copy, aggregate, event).putAll(fields)));
    return copy;
  }

  private static Map<String, Map<String, Map<String, List<String>>>> freeze(
      Map<String, Map<String, Map<String, List<String>>>> types) {
    Map<String, Map<String, Map<String, List<String>>>> out = new LinkedHashMap<>();
    types.forEach((aggregate, events) -> {
      Map<String, Map<String, List<String>>> frozen = new LinkedHashMap<>();
      events.forEach((event, fields) -> frozen.put(event, Collections.unmodifiableMap(
          new LinkedHashMap<>(fields))));
      out.put(aggregate, Collections.unmodifiableMap(frozen));
    });
    return Collections.unmodifiableMap(out);
  }
}
