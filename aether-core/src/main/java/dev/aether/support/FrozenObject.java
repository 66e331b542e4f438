package dev.aether.support;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * An immutable JSON object of a few entries, kept in two arrays: the form in which {@link JsonValues} and
 * {@link RecordCodec} hand out small objects. About a fifth of the heap of an unmodifiable
 * {@code LinkedHashMap} (no table, no entry objects, no cached views), which matters for the events a store
 * keeps; the key array may be shared by every object of one record type. Lookups scan the keys, so only small
 * objects ({@link #MAX_ENTRIES}) take this form. Values are already normalised and immutable, which lets a
 * copy recognise it and keep it ({@link JsonValues.Copier#copyObject}).
 *
 * <p>Immutable and thread-safe; every mutator throws {@link UnsupportedOperationException}.
 */
final class FrozenObject extends AbstractMap<String, Object> {

  /** The most entries an object of this form has; larger objects stay unmodifiable {@code LinkedHashMap}s. */
  static final int MAX_ENTRIES = 12;

  private final String[] keys;
  private final Object[] values;

  /**
   * Wraps the arrays without copying them: the caller hands them over and never changes them.
   *
   * @param keys distinct keys, at most {@link #MAX_ENTRIES}; may be shared between instances
   * @param values the values, normalised and immutable, one per key
   */
  FrozenObject(String[] keys, Object[] values) {
    this.keys = keys;
    this.values = values;
  }

  /** @return whether no value is an object or an array */
  boolean flat() {
    for (Object value : values) {
      if (value instanceof Map<?, ?> || value instanceof java.util.List<?>) {
        return false;
      }
    }
    return true;
  }

  /** An object with these keys (the very array) and other values, handed over. */
  FrozenObject withValues(Object[] newValues) {
    return new FrozenObject(keys, newValues);
  }

  String key(int i) {
    return keys[i];
  }

  Object value(int i) {
    return values[i];
  }

  @Override
  public int size() {
    return keys.length;
  }

  @Override
  public boolean isEmpty() {
    return keys.length == 0;
  }

  private int indexOf(Object key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] == key) {
        return i;
      }
    }
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public Object get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : values[i];
  }

  @Override
  public Object getOrDefault(Object key, Object defaultValue) {
    int i = indexOf(key);
    return i < 0 ? defaultValue : values[i];
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super Object> action) {
    for (int i = 0; i < keys.length; i++) {
      action.accept(keys[i], values[i]);
    }
  }

  @Override
  public Object put(String key, Object value) {
    throw immutable();
  }

  @Override
  public Object remove(Object key) {
    throw immutable();
  }

  @Override
  public void putAll(Map<? extends String, ?> map) {
    throw immutable();
  }

  @Override
  public void clear() {
    throw immutable();
  }

  @Override
  public void replaceAll(BiFunction<? super String, ? super Object, ?> function) {
    throw immutable();
  }

  @Override
  public Object putIfAbsent(String key, Object value) {
    throw immutable();
  }

  @Override
  public boolean remove(Object key, Object value) {
    throw immutable();
  }

  @Override
  public boolean replace(String key, Object oldValue, Object newValue) {
    throw immutable();
  }

  @Override
  public Object replace(String key, Object value) {
    throw immutable();
  }

  @Override
  public Object computeIfAbsent(String key, Function<? super String, ?> function) {
    throw immutable();
  }

  @Override
  public Object computeIfPresent(String key, BiFunction<? super String, ? super Object, ?> function) {
    throw immutable();
  }

  @Override
  public Object compute(String key, BiFunction<? super String, ? super Object, ?> function) {
    throw immutable();
  }

  @Override
  public Object merge(String key, Object value, BiFunction<? super Object, ? super Object, ?> function) {
    throw immutable();
  }

  private static UnsupportedOperationException immutable() {
    return new UnsupportedOperationException("an immutable JSON object");
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, Object>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < keys.length;
          }

          @Override
          public Entry<String, Object> next() {
            if (next >= keys.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new SimpleImmutableEntry<>(keys[i], values[i]);
          }
        };
      }

      @Override
      public int size() {
        return keys.length;
      }
    };
  }
}
