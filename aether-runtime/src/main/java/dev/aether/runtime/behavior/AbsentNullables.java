package dev.aether.runtime.behavior;

import java.lang.annotation.Annotation;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The components of a record that a strict read lets a client leave out: reference-typed ones marked with an
 * annotation named {@code Nullable} (JSpecify's, Jakarta's, JSR-305's or one of your own), on the component or on
 * its type. {@link #fill} writes an explicit {@code null} for each one absent, in nested records and in lists of
 * records too, so the strict read takes it as the value {@code null} instead of refusing a missing field: a
 * command record gains a field without breaking the clients that do not send it yet. Plans are cached per class;
 * thread-safe.
 */
final class AbsentNullables {

  private static final ClassValue<AbsentNullables> PLANS = new ClassValue<>() {
    @Override
    protected AbsentNullables computeValue(Class<?> type) {
      return analyse(type);
    }
  };

  private static final AbsentNullables NONE = new AbsentNullables(List.of(), List.of());

  /** A component holding a record, or a list of records, whose own nullable components are filled too. */
  private record Inner(String name, Class<?> type, boolean list) {}

  private final List<String> nullable;
  private final List<Inner> inner;

  private AbsentNullables(List<String> nullable, List<Inner> inner) {
    this.nullable = nullable;
    this.inner = inner;
  }

  /**
   * The JSON to read as {@code type}: the same map when nothing is absent that may be, else a copy with an
   * explicit {@code null} for each absent nullable component.
   *
   * @param json a JSON object, as read from the wire
   * @param type the record type it is read as
   * @return the JSON to read
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> fill(Map<String, Object> json, Class<?> type) {
    AbsentNullables plan = type.isRecord() ? PLANS.get(type) : NONE;
    if (plan == NONE || json == null) {
      return json;
    }
    Map<String, Object> filled = null;
    for (String name : plan.nullable) {
      if (!json.containsKey(name)) {
        filled = filled == null ? new LinkedHashMap<>(json) : filled;
        filled.put(name, null);
      }
    }
    for (Inner in : plan.inner) {
      Object value = json.get(in.name());
      Object replaced = in.list() ? fillAll(value, in.type()) : value instanceof Map<?, ?> map
          ? fill((Map<String, Object>) map, in.type()) : value;
      if (replaced != value) {
        filled = filled == null ? new LinkedHashMap<>(json) : filled;
        filled.put(in.name(), replaced);
      }
    }
    return filled == null ? json : filled;
  }

  @SuppressWarnings("unchecked")
  private static Object fillAll(Object value, Class<?> type) {
    if (!(value instanceof List<?> items)) {
      return value;
    }
    List<Object> filled = null;
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      Object replaced = item instanceof Map<?, ?> map ? fill((Map<String, Object>) map, type) : item;
      if (replaced != item) {
        filled = filled == null ? new ArrayList<>(items) : filled;
        filled.set(i, replaced);
      }
    }
    return filled == null ? value : filled;
  }

  private static AbsentNullables analyse(Class<?> type) {
    List<String> nullable = new ArrayList<>();
    List<Inner> inner = new ArrayList<>();
    for (RecordComponent c : type.getRecordComponents()) {
      if (!c.getType().isPrimitive() && markedNullable(c)) {
        nullable.add(c.getName());
      }
      if (c.getType().isRecord()) {
        inner.add(new Inner(c.getName(), c.getType(), false));
      } else if (c.getType() == List.class && elementType(c.getGenericType()) instanceof Class<?> element
          && element.isRecord()) {
        inner.add(new Inner(c.getName(), element, true));
      }
    }
    return nullable.isEmpty() && inner.isEmpty() ? NONE : new AbsentNullables(List.copyOf(nullable),
        List.copyOf(inner));
  }

  private static Type elementType(Type list) {
    return list instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : null;
  }

  private static boolean markedNullable(RecordComponent c) {
    return named(c.getAnnotations()) || named(c.getAnnotatedType().getAnnotations())
        || named(c.getAccessor().getAnnotations());
  }

  private static boolean named(Annotation[] annotations) {
    for (Annotation a : annotations) {
      if (a.annotationType().getSimpleName().equals("Nullable")) {
        return true;
      }
    }
    return false;
  }
}
