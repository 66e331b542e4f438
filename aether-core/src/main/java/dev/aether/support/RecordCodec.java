package dev.aether.support;

import java.lang.annotation.Annotation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and writes <em>plain records</em> as JSON objects without a general-purpose mapper: the hot path of
 * payloads, events and views, where Jackson's data binding cost more than everything else together.
 *
 * <p>A record is plain when Jackson would map it by its components alone: no Jackson annotation on it or its
 * members, no extra getter-like method, no generic parameters, and every component one of {@code String},
 * {@code boolean}, {@code long}, {@code int}, {@code short}, {@code byte}, {@code double}, {@code float} (or
 * their boxes), an enum, another plain record, or a {@code List}/{@code Map<String, ...>} of those. For
 * anything else {@link #of} has no codec, and callers keep their general mapper.
 *
 * <p>The codec only takes what it reads exactly as Jackson's data binding would: each value of the expected
 * kind ({@code Long} or {@code Integer} in range for integers, {@code Double} for fractions, a constant's
 * name for enums), every component present, nulls only for reference types. Anything else — a missing or
 * unknown field, another kind of value, a constructor that throws — makes {@link #read} answer {@code null},
 * and the caller's general mapper decides, names the field and words the error, so results and errors never
 * depend on which path ran. {@link #write} gives the JSON object Jackson would give, with numbers already
 * normalised ({@code Long}, {@code Double}) and immutable; a small one shares the record type's key array.
 *
 * <p>Codecs are immutable, cached per class and thread-safe.
 *
 * @param <T> the record type
 */
public final class RecordCodec<T> {

  private static final ClassValue<Optional<RecordCodec<?>>> CODECS = new ClassValue<>() {
    @Override
    protected Optional<RecordCodec<?>> computeValue(Class<?> type) {
      return Optional.ofNullable(analyse(type, new HashSet<>()));
    }
  };

  private final Class<T> type;
  private final String[] names;
  private final Kind[] kinds;
  private final MethodHandle[] accessors;
  private final MethodHandle constructor;

  private RecordCodec(Class<T> type, String[] names, Kind[] kinds, MethodHandle[] accessors,
      MethodHandle constructor) {
    this.type = type;
    this.names = names;
    this.kinds = kinds;
    this.accessors = accessors;
    this.constructor = constructor;
  }

  /**
   * The codec of a type, when it is a plain record.
   *
   * @param type any class
   * @param <T> the type
   * @return the codec; empty when {@code type} is not a plain record
   */
  @SuppressWarnings("unchecked")
  public static <T> Optional<RecordCodec<T>> of(Class<T> type) {
    Checks.notNull(type, "type");
    return CODECS.get(type).map(codec -> (RecordCodec<T>) codec);
  }

  /** @return the record type */
  public Class<T> type() {
    return type;
  }

  /**
   * Reads a JSON object as the record, when it is exactly the record's shape.
   *
   * @param json the object (normalised JSON values, as events and rows hold them)
   * @param ignoreUnknown whether fields the record does not have are ignored (else they make this answer
   *     {@code null})
   * @return the record, or {@code null} when the general mapper must decide
   */
  public T read(Map<String, ?> json, boolean ignoreUnknown) {
    if (json == null || (!ignoreUnknown && json.size() != names.length)) {
      return null;
    }
    Object[] args = new Object[names.length];
    for (int i = 0; i < names.length; i++) {
      Object value = json.get(names[i]);
      if (value == null && !json.containsKey(names[i])) {
        return null;
      }
      Object arg = kinds[i].read(value, ignoreUnknown);
      if (arg == NO) {
        return null;
      }
      args[i] = arg;
    }
    try {
      return type.cast(constructor.invokeExact(args));
    } catch (Throwable e) {
      return null; // the general mapper calls it again and reports what it threw
    }
  }

  /**
   * Writes a record as a JSON object: its components in declaration order, numbers normalised, nulls kept.
   *
   * @param value the record; not null
   * @return an immutable JSON object, or {@code null} when the general mapper must write it (a map with a
   *     null key)
   */
  public Map<String, Object> write(T value) {
    Object[] values = new Object[names.length];
    for (int i = 0; i < names.length; i++) {
      Object component;
      try {
        component = accessors[i].invokeExact((Object) value);
      } catch (Throwable e) {
        return null;
      }
      Object json = kinds[i].write(component);
      if (json == NO) {
        return null;
      }
      values[i] = json;
    }
    return object(names, values);
  }

  private static Map<String, Object> object(String[] keys, Object[] values) {
    if (keys.length == 0) {
      return Map.of();
    }
    if (keys.length <= FrozenObject.MAX_ENTRIES) {
      return new FrozenObject(keys, values);
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keys.length; i++) {
      map.put(keys[i], values[i]);
    }
    return Collections.unmodifiableMap(map);
  }

  /** Marks a value this codec does not take: the general mapper decides. */
  private static final Object NO = new Object();

  /** How one component (or element) is read and written. */
  private sealed interface Kind {

    /** @return the Java value, or {@link #NO} */
    Object read(Object json, boolean ignoreUnknown);

    /** @return the normalised JSON value, or {@link #NO} */
    Object write(Object value);
  }

  /** Integers of a given width: {@code Long} and {@code Integer} in range. */
  private record Integral(long min, long max, boolean primitive, Class<?> box) implements Kind {
    @Override
    public Object read(Object json, boolean ignoreUnknown) {
      long v;
      if (json instanceof Long l) {
        v = l;
      } else if (json instanceof Integer i) {
        v = i;
      } else {
        return json == null && !primitive ? null : NO;
      }
      if (v < min || v > max) {
        return NO;
      }
      if (box == Long.class) {
        return v;
      }
      if (box == Integer.class) {
        return (int) v;
      }
      return box == Short.class ? (Object) (short) v : (Object) (byte) v;
    }

    @Override
    public Object write(Object value) {
      return value == null ? null : ((Number) value).longValue();
    }
  }

  /** {@code double} and {@code float}: a {@code Double}. */
  private record Fraction(boolean primitive, boolean single) implements Kind {
    @Override
    public Object read(Object json, boolean ignoreUnknown) {
      if (json instanceof Double d) {
        return single ? (Object) d.floatValue() : d;
      }
      return json == null && !primitive ? null : NO;
    }

    @Override
    public Object write(Object value) {
      return value == null ? null : ((Number) value).doubleValue();
    }
  }

  /** Strings and booleans: taken as they are. */
  private record Exact(Class<?> valueType, boolean primitive) implements Kind {
    @Override
    public Object read(Object json, boolean ignoreUnknown) {
      if (json == null) {
        return primitive ? NO : null;
      }
      return valueType.isInstance(json) ? json : NO;
    }

    @Override
    public Object write(Object value) {
      return value;
    }
  }

  /** An enum, by its constants' names. */
  private record EnumKind(Class<? extends Enum<?>> type, Map<String, Object> constants) implements Kind {
    @Override
    public Object read(Object json, boolean ignoreUnknown) {
      if (json == null) {
        return null;
      }
      Object constant = json instanceof String name ? constants.get(name) : null;
      return constant == null ? NO : constant;
    }

    @Override
    public Object write(Object value) {
      return value == null ? null : ((Enum<?>) value).name();
    }
  }

  /** A nested plain record. */
  private record Nested(RecordCodec<?> codec) implements Kind {
    @Override
    public Object read(Object json, boolean ignoreUnknown) {
      if (json == null) {
        return null;
      }
      if (!(json instanceof Map<?, ?> map)) {
        return NO;
      }
      @SuppressWarnings("unchecked")
      Object value = codec.read((Map<String, ?>) map, ignoreUnknown);
      return value == null ? NO : value;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Object write(Object value) {
      if (value == null) {
        return null;
      }
      Map<String, Object> json = ((RecordCodec) codec).write(value);
      return json == null ? NO : json;
    }
  }

  /** A {@code List} of elements of one kind (read as a modifiable list, as Jackson does). */
  private record ListKind(Kind element) implements Kind {
    @Override
    public Object read(Object json, boolean ignoreUnknown) {
      if (json == null) {
        return null;
      }
      if (!(json instanceof List<?> list)) {
        return NO;
      }
      List<Object> values = new ArrayList<>(list.size());
      for (Object item : list) {
        Object value = element.read(item, ignoreUnknown);
        if (value == NO) {
          return NO;
        }
        values.add(value);
      }
      return values;
    }

    @Override
    public Object write(Object value) {
      if (value == null) {
        return null;
      }
      List<?> list = (List<?>) value;
      if (list.isEmpty()) {
        return List.of();
      }
      List<Object> json = new ArrayList<>(list.size());
      for (Object item : list) {
        Object written = element.write(item);
        if (written == NO) {
          return NO;
        }
        json.add(written);
      }
      return Collections.unmodifiableList(json);
    }
  }

  /** A {@code Map<String, V>} (read as a modifiable, insertion-ordered map, as Jackson does). */
  private record MapKind(Kind value) implements Kind {
    @Override
    public Object read(Object json, boolean ignoreUnknown) {
      if (json == null) {
        return null;
      }
      if (!(json instanceof Map<?, ?> map)) {
        return NO;
      }
      Map<String, Object> values = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        Object read = value.read(entry.getValue(), ignoreUnknown);
        if (read == NO || !(entry.getKey() instanceof String key)) {
          return NO;
        }
        values.put(key, read);
      }
      return values;
    }

    @Override
    public Object write(Object map) {
      if (map == null) {
        return null;
      }
      Map<?, ?> source = (Map<?, ?>) map;
      String[] keys = new String[source.size()];
      Object[] values = new Object[source.size()];
      int i = 0;
      for (Map.Entry<?, ?> entry : source.entrySet()) {
        Object written = value.write(entry.getValue());
        if (written == NO || !(entry.getKey() instanceof String key) || i == keys.length) {
          return NO;
        }
        keys[i] = key;
        values[i++] = written;
      }
      return i == keys.length ? object(keys, values) : NO;
    }
  }

  // ---- analysis: is a type plain, and how is each component read and written ----

  private static RecordCodec<?> analyse(Class<?> type, Set<Class<?>> visiting) {
    if (!type.isRecord() || type.getTypeParameters().length > 0 || jacksonAnywhere(type)
        || !visiting.add(type)) {
      return null; // a recursive record type is left to the general mapper
    }
    try {
      RecordComponent[] components = type.getRecordComponents();
      String[] names = new String[components.length];
      Kind[] kinds = new Kind[components.length];
      MethodHandle[] accessors = new MethodHandle[components.length];
      Class<?>[] parameterTypes = new Class<?>[components.length];
      Set<String> accessorNames = new HashSet<>();
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      for (int i = 0; i < components.length; i++) {
        RecordComponent component = components[i];
        String name = component.getName();
        Method accessor = component.getAccessor();
        if (getterLike(name) || jacksonAnnotated(component)) {
          return null;
        }
        Kind kind = kind(component.getGenericType(), visiting);
        if (kind == null) {
          return null;
        }
        accessor.setAccessible(true);
        names[i] = name;
        kinds[i] = kind;
        accessors[i] = lookup.unreflect(accessor).asType(MethodType.methodType(Object.class, Object.class));
        parameterTypes[i] = component.getType();
        accessorNames.add(accessor.getName());
      }
      if (hasOtherGetters(type, accessorNames)) {
        return null;
      }
      Constructor<?> canonical = type.getDeclaredConstructor(parameterTypes);
      canonical.setAccessible(true);
      MethodHandle constructor = lookup.unreflectConstructor(canonical)
          .asSpreader(Object[].class, components.length)
          .asType(MethodType.methodType(Object.class, Object[].class));
      return newCodec(type, names, kinds, accessors, constructor);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // not accessible (a module that does not open it): the general mapper decides
    } finally {
      visiting.remove(type);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static RecordCodec<?> newCodec(Class<?> type, String[] names, Kind[] kinds, MethodHandle[] accessors,
      MethodHandle constructor) {
    return new RecordCodec(type, names, kinds, accessors, constructor);
  }

  private static Kind kind(Type type, Set<Class<?>> visiting) {
    if (type instanceof ParameterizedType parameterized && parameterized.getRawType() instanceof Class<?> raw) {
      Type[] args = parameterized.getActualTypeArguments();
      if (raw == List.class) {
        Kind element = kind(args[0], visiting);
        return element == null ? null : new ListKind(element);
      }
      if (raw == Map.class && args[0] == String.class) {
        Kind value = kind(args[1], visiting);
        return value == null ? null : new MapKind(value);
      }
      return null;
    }
    if (!(type instanceof Class<?> c)) {
      return null;
    }
    if (c == String.class) {
      return new Exact(String.class, false);
    }
    if (c == boolean.class || c == Boolean.class) {
      return new Exact(Boolean.class, c.isPrimitive());
    }
    if (c == long.class || c == Long.class) {
      return new Integral(Long.MIN_VALUE, Long.MAX_VALUE, c.isPrimitive(), Long.class);
    }
    if (c == int.class || c == Integer.class) {
      return new Integral(Integer.MIN_VALUE, Integer.MAX_VALUE, c.isPrimitive(), Integer.class);
    }
    if (c == short.class || c == Short.class) {
      return new Integral(Short.MIN_VALUE, Short.MAX_VALUE, c.isPrimitive(), Short.class);
    }
    if (c == byte.class || c == Byte.class) {
      return new Integral(Byte.MIN_VALUE, Byte.MAX_VALUE, c.isPrimitive(), Byte.class);
    }
    if (c == double.class || c == Double.class || c == float.class || c == Float.class) {
      return new Fraction(c.isPrimitive(), c == float.class || c == Float.class);
    }
    if (c.isEnum()) {
      return enumKind(c);
    }
    if (c.isRecord()) {
      RecordCodec<?> nested = analyse(c, visiting);
      return nested == null ? null : new Nested(nested);
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private static Kind enumKind(Class<?> type) {
    if (jacksonAnywhere(type)) {
      return null; // @JsonValue, @JsonCreator, @JsonProperty on a constant: named otherwise
    }
    Map<String, Object> constants = new LinkedHashMap<>();
    for (Object constant : type.getEnumConstants()) {
      constants.put(((Enum<?>) constant).name(), constant);
    }
    return new EnumKind((Class<? extends Enum<?>>) type, Map.copyOf(constants));
  }

  /** Names Jackson might read as a property of another name ({@code isActive}, {@code getName}). */
  private static boolean getterLike(String name) {
    return (name.startsWith("is") && name.length() > 2 && Character.isUpperCase(name.charAt(2)))
        || (name.startsWith("get") && name.length() > 3 && Character.isUpperCase(name.charAt(3)));
  }

  /** Whether a public instance method other than the accessors looks like a getter Jackson would write. */
  private static boolean hasOtherGetters(Class<?> type, Set<String> accessorNames) {
    for (Method method : type.getMethods()) {
      if (Modifier.isStatic(method.getModifiers()) || method.getParameterCount() != 0
          || method.getDeclaringClass() == Object.class || method.getDeclaringClass() == Record.class
          || accessorNames.contains(method.getName())) {
        continue;
      }
      if (getterLike(method.getName()) && method.getReturnType() != void.class) {
        return true;
      }
    }
    return false;
  }

  /** Whether the type or any of its own fields, methods, constructors or parameters has a Jackson annotation. */
  private static boolean jacksonAnywhere(Class<?> type) {
    if (jacksonAnnotated(type)) {
      return true;
    }
    for (java.lang.reflect.Field field : type.getDeclaredFields()) {
      if (jacksonAnnotated(field)) {
        return true;
      }
    }
    for (java.lang.reflect.Executable executable : concat(type.getDeclaredMethods(), type.getDeclaredConstructors())) {
      if (jacksonAnnotated(executable)) {
        return true;
      }
      for (java.lang.reflect.Parameter parameter : executable.getParameters()) {
        if (jacksonAnnotated(parameter)) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<java.lang.reflect.Executable> concat(Method[] methods, Constructor<?>[] constructors) {
    List<java.lang.reflect.Executable> all = new ArrayList<>(List.of(methods));
    all.addAll(List.of(constructors));
    return all;
  }

  private static boolean jacksonAnnotated(AnnotatedElement element) {
    if (element == null) {
      return false;
    }
    for (Annotation annotation : element.getAnnotations()) {
      if (annotation.annotationType().getName().startsWith("com.fasterxml.jackson.")) {
        return true;
      }
    }
    return false;
  }
}
