package dev.aether.support;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.aether.InvalidInputException;
import dev.aether.event.PayloadLimitException;
import dev.aether.event.PayloadLimits;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep, immutable copies of JSON-like values: {@code Map<String, ?>}, {@code List}, {@code String},
 * {@code Boolean}, numbers and {@code null}. Integral numbers become {@link Long}, other numbers
 * {@link Double}, so a value reads back the same whatever store it came from. Anything that JSON cannot
 * represent (other object types, non-string keys, NaN, infinities, integers beyond 64 bits) is refused with an
 * {@link InvalidInputException} naming the path of the value, and so is anything beyond the
 * {@link PayloadLimits} given: nesting deeper than {@code maxDepth}, a string or key longer than
 * {@code maxStringLength}. A helper for store, bus and runtime
 * implementations (see the package).
 *
 * <p>Implementation: a {@link Copier} walks the value with an explicit stack of iterators, never recursing,
 * so no input (however deep, or containing itself) can overflow the thread's stack: the depth limit stops it.
 * Paths are not built while copying; on a refusal the copier spells the path from its stack. While copying it
 * adds up an upper bound of the value's JSON size (each string counted at six bytes a character, the longest
 * escape); only when that bound exceeds a size limit does the caller need the exact size
 * ({@link #encodedSize}).
 */
public final class JsonValues {

  private JsonValues() {}

  /**
   * Copies a JSON object deeply into an unmodifiable, insertion-ordered map, within the
   * {@linkplain PayloadLimits#CEILINGS depth ceiling} and with no limit on strings: for values that are not
   * caller payloads (an actor's state, a read-model row).
   *
   * @param map the object to copy; {@code null} gives an empty map
   * @param path the field path used in errors, for example {@code data}
   * @return an unmodifiable deep copy
   * @throws InvalidInputException naming the path of a refused value
   */
  public static Map<String, Object> copyObject(Map<?, ?> map, String path) {
    return new Copier(PayloadLimits.CEILINGS).copyObject(map, path);
  }

  /**
   * Copies one JSON value deeply, within the {@linkplain PayloadLimits#CEILINGS depth ceiling}.
   *
   * @param value the value
   * @param path the field path used in errors
   * @return an immutable equivalent with normalised numbers
   * @throws InvalidInputException naming the path of a refused value
   */
  public static Object copyValue(Object value, String path) {
    return new Copier(PayloadLimits.CEILINGS).copyValue(value, path);
  }

  /**
   * Writes a copied value as JSON, the one writer of copied values (events, snapshots, the runtime's wire form).
   * Recursive, for values a {@link Copier} made (their depth is bounded).
   *
   * @param g the generator
   * @param value a value made by {@link Copier} (maps with string keys, lists, strings, longs, doubles,
   *     booleans, nulls)
   * @throws IOException from the generator, or naming the type of a value that is none of these
   */
  public static void write(JsonGenerator g, Object value) throws IOException {
    switch (value) {
      case null -> g.writeNull();
      case String s -> g.writeString(s);
      case Long l -> g.writeNumber(l);
      case Double d -> g.writeNumber(d);
      case Boolean b -> g.writeBoolean(b);
      case Map<?, ?> map -> {
        g.writeStartObject();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          g.writeFieldName((String) entry.getKey());
          write(g, entry.getValue());
        }
        g.writeEndObject();
      }
      case List<?> list -> {
        g.writeStartArray();
        for (int i = 0, size = list.size(); i < size; i++) {
          write(g, list.get(i));
        }
        g.writeEndArray();
      }
      // Unreachable for values a Copier made; named rather than guessed at.
      default -> throw new IOException("not a JSON value: " + value.getClass().getName());
    }
  }

  /**
   * The exact size in UTF-8 bytes of a copied value's JSON as Aether's event writer and Jackson write it:
   * strings with Jackson's escapes (control characters and UTF-16 surrogates as six-byte {@code \}{@code u}
   * escapes), numbers as {@link Long#toString(long)} and {@link Double#toString(double)}. Recursive, for
   * values a {@link Copier} made (their depth is bounded).
   *
   * @param value a value made by {@link Copier} (maps, lists, strings, longs, doubles, booleans, nulls)
   * @return its JSON size in bytes
   */
  public static long encodedSize(Object value) {
    return switch (value) {
      case null -> 4;
      case String s -> encodedSize(s);
      case Long l -> Long.toString(l).length();
      case Double d -> Double.toString(d).length();
      case Boolean b -> b ? 4 : 5;
      case Map<?, ?> map -> {
        long size = 2 + Math.max(0, map.size() - 1);
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          size += encodedSize((String) entry.getKey()) + 1 + encodedSize(entry.getValue());
        }
        yield size;
      }
      case List<?> list -> {
        long size = 2 + Math.max(0, list.size() - 1);
        for (Object element : list) {
          size += encodedSize(element);
        }
        yield size;
      }
      default -> throw new IllegalArgumentException("not a copied JSON value: " + value.getClass().getName());
    };
  }

  /**
   * The exact size in UTF-8 bytes of a string's JSON, quotes included, with Jackson's escapes.
   *
   * @param s the string
   * @return its JSON size in bytes
   */
  public static long encodedSize(String s) {
    long size = 2;
    for (int i = 0, length = s.length(); i < length; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x80) {
        size += c == '"' || c == '\\' ? 2 : 1;
      } else if (c < 0x20) {
        size += c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r' ? 2 : 6;
      } else if (c < 0x800) {
        size += 2;
      } else {
        size += Character.isSurrogate(c) ? 6 : 3;
      }
    }
    return size;
  }

  /**
   * An upper bound of a string's JSON size that costs nothing to compute: six bytes a character (the longest
   * escape) and two quotes.
   *
   * @param s the string
   * @return a bound that is at least {@link #encodedSize(String)}
   */
  public static long sizeBound(String s) {
    return 2 + 6L * s.length();
  }

  /**
   * Whether a map is an immutable JSON object made by this package ({@link ObjectBuilder}, {@link Copier},
   * {@link RecordCodec}) in its compact form, which a holder may keep without a copy.
   *
   * @param map any map, or null
   * @return true when it is such an object
   */
  public static boolean isImmutableObject(Map<?, ?> map) {
    return map instanceof FrozenObject;
  }

  /**
   * An immutable JSON object with the keys of another, in the same order, and new values: for a reader that
   * meets objects of one shape again and again (the data of one event type), so that they share one key array.
   *
   * @param shape an object built by {@link ObjectBuilder} or this method
   * @param values one immutable, normalised JSON value per key of {@code shape}, in its key order; the array is
   *     handed over (the caller never changes it afterwards)
   * @return the object; {@code null} when {@code shape} is not of the compact form or has another size
   */
  public static Map<String, Object> withValuesOf(Map<String, Object> shape, Object[] values) {
    return shape instanceof FrozenObject frozen && frozen.size() == values.length ? frozen.withValues(values) : null;
  }

  /**
   * Builds an immutable JSON object from values that are already immutable and normalised (what a
   * {@link Copier} or a JSON reader makes): a small object in the compact form that copies recognise and
   * keep, a larger one as an unmodifiable insertion-ordered map. Not thread-safe: one builder per object.
   */
  public static final class ObjectBuilder {

    private String[] keys;
    private Object[] values;
    private int size;
    private Map<String, Object> large;

    /** Creates a builder for an object of a few entries. */
    public ObjectBuilder() {
      this(4);
    }

    /**
     * Creates a builder.
     *
     * @param expectedSize how many entries the object will likely have
     */
    public ObjectBuilder(int expectedSize) {
      int capacity = Math.max(1, Math.min(expectedSize, FrozenObject.MAX_ENTRIES));
      keys = new String[capacity];
      values = new Object[capacity];
    }

    /**
     * Adds an entry, unless the key is there already.
     *
     * @param key the key; not null
     * @param value an immutable, normalised JSON value
     * @return false when the object already has the key (nothing is changed)
     */
    public boolean add(String key, Object value) {
      if (contains(key)) {
        return false;
      }
      append(key, value);
      return true;
    }

    private boolean contains(String key) {
      if (large != null) {
        return large.containsKey(key);
      }
      for (int i = 0; i < size; i++) {
        if (keys[i].equals(key)) {
          return true;
        }
      }
      return false;
    }

    /** Adds an entry whose key is not there (the caller knows: its source is a map). */
    private void append(String key, Object value) {
      if (large != null) {
        large.put(key, value);
        return;
      }
      if (size == FrozenObject.MAX_ENTRIES) {
        large = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
          large.put(keys[i], values[i]);
        }
        large.put(key, value);
        return;
      }
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, Math.min(FrozenObject.MAX_ENTRIES, size * 2));
        values = Arrays.copyOf(values, keys.length);
      }
      keys[size] = key;
      values[size++] = value;
    }

    /** @return the object; the builder must not be used afterwards */
    public Map<String, Object> build() {
      if (large != null) {
        return Collections.unmodifiableMap(large);
      }
      if (size == 0) {
        return Map.of();
      }
      return new FrozenObject(size == keys.length ? keys : Arrays.copyOf(keys, size),
          size == values.length ? values : Arrays.copyOf(values, size));
    }
  }

  /**
   * Copies JSON values within limits, iteratively, and adds up an upper bound of their JSON size. One copier
   * may copy several values (for example an event's data, then its metadata); {@link #sizeBound()} covers them
   * all. Not thread-safe: one copier per thread and build.
   */
  public static final class Copier {

    private static final Object CONTAINER = new Object();
    private static final int INITIAL_DEPTH = 8;

    private final int maxDepth;
    private final int maxStringLength;
    private long sizeBound;
    // The stack of containers being copied: level i holds the source iterator, the copy being filled, and
    // the key (objects) or index (arrays) of the element being copied at that level.
    private Iterator<?>[] iterators;
    private Object[] targets;
    private String[] keys;
    private int[] indices;
    private int depth;
    private String rootPath;

    /**
     * Creates a copier.
     *
     * @param limits the depth and string-length limits to check
     */
    public Copier(PayloadLimits limits) {
      this.maxDepth = limits.maxDepth();
      this.maxStringLength = limits.maxStringLength();
    }

    /** @return an upper bound of the JSON size, in UTF-8 bytes, of everything this copier copied */
    public long sizeBound() {
      return sizeBound;
    }

    /**
     * Copies a JSON object deeply into an unmodifiable, insertion-ordered map.
     *
     * @param map the object to copy; {@code null} gives an empty map
     * @param path the field path used in errors, for example {@code data}
     * @return an unmodifiable deep copy
     * @throws InvalidInputException naming the path of a refused value and, for a limit, the limit
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> copyObject(Map<?, ?> map, String path) {
      if (map == null || map.isEmpty()) {
        sizeBound += 2;
        return Map.of();
      }
      rootPath = path;
      if (map instanceof FrozenObject frozen && frozen.flat()) {
        return checked(frozen);
      }
      return (Map<String, Object>) copyContainer(map);
    }

    /**
     * Copies one JSON value deeply.
     *
     * @param value the value
     * @param path the field path used in errors
     * @return an immutable equivalent with normalised numbers
     * @throws InvalidInputException naming the path of a refused value and, for a limit, the limit
     */
    public Object copyValue(Object value, String path) {
      rootPath = path;
      Object scalar = scalar(value);
      return scalar == CONTAINER ? copyContainer(value) : scalar;
    }

    /**
     * Checks a string against the length limit and counts it in the size bound.
     *
     * @param value the string; not null
     * @param path the field path used in errors
     * @return the string
     * @throws InvalidInputException naming {@code path} when the string is too long
     */
    public String string(String value, String path) {
      if (value.length() > maxStringLength) {
        throw new PayloadLimitException(path, tooLong("string", value.length()),
            PayloadLimits.MAX_STRING_LENGTH_KEY);
      }
      sizeBound += JsonValues.sizeBound(value);
      return value;
    }

    /**
     * Checks a string map (metadata): keys and values against the length limit; counts them in the size
     * bound.
     *
     * @param map the map; not null, without null keys or values
     * @param path the field path used in errors, for example {@code metadata}; a value's is
     *     {@code path.key}
     * @throws InvalidInputException naming the map (for a key) or the value
     */
    public void stringMap(Map<String, String> map, String path) {
      sizeBound += 2;
      for (Map.Entry<String, String> entry : map.entrySet()) {
        String key = entry.getKey();
        if (key.length() > maxStringLength) {
          throw new PayloadLimitException(path, tooLong("key", key.length()),
              PayloadLimits.MAX_STRING_LENGTH_KEY);
        }
        String value = entry.getValue();
        if (value.length() > maxStringLength) {
          throw new PayloadLimitException(path + "." + key, tooLong("string", value.length()),
              PayloadLimits.MAX_STRING_LENGTH_KEY);
        }
        sizeBound += 2 + JsonValues.sizeBound(key) + JsonValues.sizeBound(value);
      }
    }

    /**
     * Checks a flat frozen object (immutable, its values normalised scalars) against the limits and counts it,
     * without copying it: what a copy would check, at the same paths.
     */
    private FrozenObject checked(FrozenObject frozen) {
      depth = 1;
      ensureStack();
      sizeBound += 2;
      for (int i = 0; i < frozen.size(); i++) {
        String key = frozen.key(i);
        keys[0] = key;
        if (key.length() > maxStringLength) {
          throw new PayloadLimitException(path(0), tooLong("key", key.length()),
              PayloadLimits.MAX_STRING_LENGTH_KEY);
        }
        sizeBound += JsonValues.sizeBound(key) + 2;
        scalar(frozen.value(i));
      }
      depth = 0;
      return frozen;
    }

    private void ensureStack() {
      if (iterators == null) {
        iterators = new Iterator<?>[INITIAL_DEPTH];
        targets = new Object[INITIAL_DEPTH];
        keys = new String[INITIAL_DEPTH];
        indices = new int[INITIAL_DEPTH];
      }
    }

    private Object copyContainer(Object root) {
      depth = 0;
      push(root);
      while (true) {
        int top = depth - 1;
        Iterator<?> iterator = iterators[top];
        if (iterator.hasNext()) {
          Object element = next(top, iterator);
          Object scalar = scalar(element);
          if (scalar != CONTAINER) {
            add(top, scalar);
          } else if (depth == maxDepth) {
            throw new PayloadLimitException(path(depth), "nested deeper than " + maxDepth + " levels (limit "
                + PayloadLimits.MAX_DEPTH_KEY + ")", PayloadLimits.MAX_DEPTH_KEY);
          } else {
            push(element);
          }
        } else {
          Object done = freeze(targets[top]);
          iterators[top] = null;
          targets[top] = null;
          depth--;
          if (depth == 0) {
            return done;
          }
          add(depth - 1, done);
        }
      }
    }

    /** The next element of the container at level {@code top}; for objects, checks and records its key. */
    private Object next(int top, Iterator<?> iterator) {
      sizeBound++; // the comma or colon before it
      if (targets[top] instanceof List<?>) {
        indices[top]++;
        return iterator.next();
      }
      Map.Entry<?, ?> entry = (Map.Entry<?, ?>) iterator.next();
      if (!(entry.getKey() instanceof String key)) {
        throw new InvalidInputException(path(top), "keys must be strings, found " + typeName(entry.getKey()));
      }
      if (key.length() > maxStringLength) {
        throw new PayloadLimitException(path(top), tooLong("key", key.length()),
            PayloadLimits.MAX_STRING_LENGTH_KEY);
      }
      sizeBound += JsonValues.sizeBound(key) + 1;
      keys[top] = key;
      return entry.getValue();
    }

    private void push(Object container) {
      ensureStack();
      if (depth == iterators.length) {
        int grown = Math.min(maxDepth, depth * 2);
        iterators = Arrays.copyOf(iterators, grown);
        targets = Arrays.copyOf(targets, grown);
        keys = Arrays.copyOf(keys, grown);
        indices = Arrays.copyOf(indices, grown);
      }
      sizeBound += 2;
      keys[depth] = null;
      indices[depth] = 0;
      switch (container) {
        case Map<?, ?> map -> {
          iterators[depth] = map.entrySet().iterator();
          targets[depth] = new ObjectBuilder(map.size());
        }
        case Collection<?> list -> {
          iterators[depth] = list.iterator();
          targets[depth] = new ArrayList<>(list.size());
        }
        default -> {
          Object[] array = (Object[]) container;
          iterators[depth] = Arrays.asList(array).iterator();
          targets[depth] = new ArrayList<>(array.length);
        }
      }
      depth++;
    }

    @SuppressWarnings("unchecked")
    private void add(int level, Object value) {
      if (targets[level] instanceof List<?> list) {
        ((List<Object>) list).add(value);
      } else {
        ((ObjectBuilder) targets[level]).append(keys[level], value); // a map's keys are distinct
      }
    }

    @SuppressWarnings("unchecked")
    private static Object freeze(Object target) {
      if (target instanceof List<?> list) {
        return list.isEmpty() ? List.of() : Collections.unmodifiableList((List<Object>) list);
      }
      return ((ObjectBuilder) target).build();
    }

    /** A scalar's immutable, normalised form, or {@link #CONTAINER} for an object or array. */
    private Object scalar(Object value) {
      return switch (value) {
        case null -> {
          sizeBound += 4;
          yield null;
        }
        case String s -> {
          if (s.length() > maxStringLength) {
            throw new PayloadLimitException(path(depth), tooLong("string", s.length()),
                PayloadLimits.MAX_STRING_LENGTH_KEY);
          }
          sizeBound += JsonValues.sizeBound(s);
          yield s;
        }
        case Boolean b -> {
          sizeBound += 5;
          yield b;
        }
        case Long l -> integral(l);
        case Integer i -> integral(i.longValue());
        case Short s -> integral(s.longValue());
        case Byte b -> integral(b.longValue());
        case Double d -> finite(d);
        case Float f -> finite(f.doubleValue());
        case BigInteger big -> fitLong(big);
        case BigDecimal dec -> normalise(dec);
        case Number other -> throw refused("unsupported number type " + typeName(other));
        case Character c -> scalar(String.valueOf(c));
        case Map<?, ?> map -> CONTAINER;
        case Collection<?> list -> CONTAINER;
        case Object[] array -> CONTAINER;
        default -> throw refused("cannot be serialised as JSON: " + typeName(value));
      };
    }

    private Long integral(long value) {
      sizeBound += 20;
      return value;
    }

    private Double finite(double d) {
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw refused("JSON has no representation for " + d);
      }
      sizeBound += 24;
      return d;
    }

    private Long fitLong(BigInteger big) {
      if (big.bitLength() > 63) {
        throw refused("integer " + big + " does not fit in 64 bits");
      }
      return integral(big.longValue());
    }

    private Object normalise(BigDecimal dec) {
      if (dec.signum() == 0 || dec.stripTrailingZeros().scale() <= 0) {
        return fitLong(dec.toBigInteger());
      }
      return finite(dec.doubleValue());
    }

    /** A refusal of the element being copied (at {@link #depth}, or the root value itself). */
    private InvalidInputException refused(String problem) {
      return new InvalidInputException(path(depth), problem);
    }

    private String tooLong(String what, int length) {
      return what + " of " + length + " characters, longer than " + maxStringLength + " (limit "
          + PayloadLimits.MAX_STRING_LENGTH_KEY + ")";
    }

    /** The path of the element that level {@code levels - 1} is copying (the root path for 0). */
    private String path(int levels) {
      StringBuilder path = new StringBuilder(rootPath);
      for (int i = 0; i < levels; i++) {
        if (keys[i] != null) {
          path.append('.').append(keys[i]);
        } else {
          path.append('[').append(indices[i] - 1).append(']');
        }
      }
      return path.toString();
    }
  }

  private static String typeName(Object value) {
    return value == null ? "null" : value.getClass().getName();
  }
}
