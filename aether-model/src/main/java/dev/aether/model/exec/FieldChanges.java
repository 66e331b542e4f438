package dev.aether.model.exec;

import dev.aether.model.EventDef;
import dev.aether.model.FieldDef;
import dev.aether.model.expr.FieldType;
import dev.aether.runtime.ModelError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a change of an event's fields means for the events already stored: a required field they may lack
 * (added, or renamed: id {@code event-field-required}), a default they read changed (id
 * {@code event-field-default-changed}), a field whose type changed so that they no longer read
 * ({@link EventFieldTypeChange}, id {@value EventFieldTypeChange#ID}) and a field no longer declared (id
 * {@code event-field-removed}). Stateless.
 */
final class FieldChanges {

  private FieldChanges() {}

  /**
   * The warnings of one event's new declaration, in its fields' order, removed fields last.
   *
   * @param aggregate the aggregate declaring the event
   * @param before the event as the running model declares it
   * @param after the event as the new model declares it
   */
  static List<ModelError> of(String aggregate, EventDef before, EventDef after) {
    List<ModelError> out = new ArrayList<>();
    Map<String, FieldDef> old = declared(before);
    Set<String> kept = new HashSet<>();
    for (FieldDef field : after.fields()) {
      if (field == null || field.name() == null) {
        continue;
      }
      kept.add(field.name());
      String path = "aggregates." + aggregate + ".events." + after.name() + ".fields." + field.name();
      FieldDef was = old.get(field.name());
      if ((was == null || was.mayBeAbsent()) && !field.mayBeAbsent()) {
        out.add(new ModelError("event-field-required", path, "stored " + after.name() + " events may have no field "
            + field.name() + " (it is new, renamed, or was optional or defaulted): an apply reading event."
            + field.name() + " fails on them (BEHAVIOR_FAILED) when a history is replayed; give it a default (what"
            + " old events read), or declare it optional: true and test it with has(event." + field.name() + ")"));
      }
      if (was != null && was.defaultValue() != null && field.defaultValue() != null
          && !sameValue(was.defaultValue(), field.defaultValue())) {
        out.add(new ModelError("event-field-default-changed", path, "stored " + after.name() + " events without "
            + field.name() + " read " + field.defaultValue() + " from now on, not " + was.defaultValue() + ": their"
            + " replay (and a read model's rebuild) may give other results than before"));
      }
      typeChange(aggregate, after.name(), was, field).ifPresent(change -> out.add(change.toError()));
    }
    old.keySet().stream().filter(name -> !kept.contains(name)).sorted().forEach(name -> out.add(new ModelError(
        "event-field-removed", "aggregates." + aggregate + ".events." + after.name() + ".fields",
        "stored " + after.name() + " events hold " + name + ", which this version no longer declares: nothing reads"
            + " it any more (renamed? a new field with a default reads that default on the old events, not their "
            + name + "; keep " + name + " declared, optional, and read it with has(event." + name + ") instead)")));
    return out;
  }

  /**
   * The event fields of one event whose type changed so that stored values no longer read as the new type.
   *
   * @param aggregate the aggregate declaring the event
   * @param before the event as the running model declares it
   * @param after the event as the new model declares it
   */
  static List<EventFieldTypeChange> typeChanges(String aggregate, EventDef before, EventDef after) {
    Map<String, FieldDef> old = declared(before);
    List<EventFieldTypeChange> out = new ArrayList<>();
    after.fields().stream().filter(f -> f != null && f.name() != null)
        .forEach(f -> typeChange(aggregate, after.name(), old.get(f.name()), f).ifPresent(out::add));
    return out;
  }

  private static java.util.Optional<EventFieldTypeChange> typeChange(String aggregate, String event, FieldDef was,
      FieldDef now) {
    if (was == null || was.type() == null || now.type() == null || readsAs(was.type(), now.type())) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new EventFieldTypeChange(aggregate, event, now.name(), was.type(), now.type()));
  }

  private static Map<String, FieldDef> declared(EventDef event) {
    Map<String, FieldDef> out = new HashMap<>();
    event.fields().stream().filter(f -> f != null && f.name() != null).forEach(f -> out.put(f.name(), f));
    return out;
  }

  /** Whether two JSON values are equal, numbers by value ({@code 1}, {@code 1L} and {@code 1.0} are one). */
  private static boolean sameValue(Object a, Object b) {
    return a instanceof Number x && b instanceof Number y ? Double.compare(x.doubleValue(), y.doubleValue()) == 0
        : Objects.equals(a, b);
  }

  /**
   * Whether stored values of type {@code was} read as {@code now} unchanged: the same type (aliases too), an int
   * as a double, a timestamp (an ISO-8601 string in the stored JSON) as a string, and so inside lists and maps.
   * Types this model's compiler does not read are compared as written.
   */
  static boolean readsAs(String was, String now) {
    try {
      return readsAs(FieldType.parse(was), FieldType.parse(now));
    } catch (RuntimeException e) {
      return Objects.equals(was, now);
    }
  }

  private static boolean readsAs(FieldType was, FieldType now) {
    return switch (was) {
      case FieldType.ListOf list -> now instanceof FieldType.ListOf to && readsAs(list.element(), to.element());
      case FieldType.MapOf map -> now instanceof FieldType.MapOf to && readsAs(map.value(), to.value());
      case FieldType.Scalar scalar -> scalar == now || (scalar == FieldType.INT && now == FieldType.DOUBLE)
          || (scalar == FieldType.TIMESTAMP && now == FieldType.STRING);
    };
  }
}
