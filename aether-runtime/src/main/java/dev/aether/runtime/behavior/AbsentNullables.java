package dev.aether.runtime.behavior;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
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
 * its type. {@link #fill} writes an explicit {@code null} for each one absent (under its {@code @JsonProperty}
 * name; one sent under a {@code @JsonAlias} is present), in nested records and in lists of records too, so the
 * strict read takes it as the value {@code null} instead of refusing a missing field: a command record gains a
 * field without breaking the clients that do not send it yet. Plans are cached per class; thread-safe.
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

  /** A nullable component's names in JSON: its {@code @JsonProperty} name (else its own) and its aliases. */
  private record Names(String name, List<String> aliases) {

    boolean anyIn(Map<String, Object> json) {
      if (json.containsKey(name)) {
        return true;
      }
      for (String alias : aliases) {
        if (json.containsKey(alias)) {
          return true;
        }
      }
      return false;
    }
  }

  private final List<Names> nullable;
  private final List<Inner> inner;

  private AbsentNullables(List<Names> nullable, List<Inner> inner) {
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
    for (Names names : plan.nullable) {
      if (!names.anyIn(json)) {
        filled = filled == null ? new LinkedHashMap<>(json) : filled;
        filled.put(names.name(), null);
      }
    }
    for (Inner in : plan.inner) {
      Object value = json.get(in.name()); // its JSON name (a nested value sent under an alias is left as sent)
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
    List<Names> nullable = new ArrayList<>();
    List<Inner> inner = new ArrayList<>();
    for (RecordComponent c : type.getRecordComponents()) {
      String name = jsonName(c);
      if (!c.getType().isPrimitive() && markedNullable(c)) {
        JsonAlias alias = jacksonAnnotation(c, JsonAlias.class);
        nullable.add(new Names(name, alias == null ? List.of() : List.of(alias.value())));
      }
      if (c.getType().isRecord()) {
        inner.add(new Inner(name, c.getType(), false));
      } else if (c.getType() == List.class && elementType(c.getGenericType()) instanceof Class<?> element
          && element.isRecord()) {
        inner.add(new Inner(name, element, true));
      }
    }
    return nullable.isEmpty() && inner.isEmpty() ? NONE : new AbsentNullables(List.copyOf(nullable),
        List.copyOf(inner));
  }

  /** The component's name in JSON: its {@code @JsonProperty} value when it has one, else its own. */
  private static String jsonName(RecordComponent c) {
    JsonProperty property = jacksonAnnotation(c, JsonProperty.class);
    return property == null || property.value().isEmpty() ? c.getName() : property.value();
  }

  /**
   * A Jackson annotation written on a record component: Java puts it on the accessor, the field or the
   * constructor's parameter, as its targets allow.
   */
  private static <A extends Annotation> A jacksonAnnotation(RecordComponent c, Class<A> type) {
    A onAccessor = c.getAccessor().getAnnotation(type);
    if (onAccessor != null) {
      return onAccessor;
    }
    try {
      return c.getDeclaringRecord().getDeclaredField(c.getName()).getAnnotation(type);
    } catch (NoSuchFieldException e) {
      return null; // every component has its field
    }
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
