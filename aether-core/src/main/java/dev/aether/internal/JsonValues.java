package dev.aether.internal;

import dev.aether.InvalidInputException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep, immutable copies of JSON-like values: {@code Map<String, ?>}, {@code List}, {@code String},
 * {@code Boolean}, numbers and {@code null}. Integral numbers become {@link Long}, other numbers
 * {@link Double}, so a value reads back the same whatever store it came from. Anything that JSON cannot
 * represent (other object types, non-string keys, NaN, infinities, integers beyond 64 bits) is refused with an
 * {@link InvalidInputException} naming the path of the value. Internal: not part of the public API.
 */
public final class JsonValues {

  private JsonValues() {}

  /**
   * Copies a JSON object deeply into an unmodifiable, insertion-ordered map.
   *
   * @param map the object to copy; {@code null} gives an empty map
   * @param path the field path used in errors, for example {@code data}
   * @return an unmodifiable deep copy
   */
  public static Map<String, Object> copyObject(Map<?, ?> map, String path) {
    if (map == null || map.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> copy = new LinkedHashMap<>(Math.max(4, (int) (map.size() / 0.75f) + 1));
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!(entry.getKey() instanceof String key)) {
        throw new InvalidInputException(path, "keys must be strings, found " + typeName(entry.getKey()));
      }
      copy.put(key, copyValue(entry.getValue(), path + "." + key));
    }
    return Collections.unmodifiableMap(copy);
  }

  /**
   * Copies one JSON value deeply.
   *
   * @param value the value
   * @param path the field path used in errors
   * @return an immutable equivalent with normalised numbers
   */
  public static Object copyValue(Object value, String path) {
    return switch (value) {
      case null -> null;
      case String s -> s;
      case Boolean b -> b;
      case Long l -> l;
      case Integer i -> i.longValue();
      case Short s -> s.longValue();
      case Byte b -> b.longValue();
      case Double d -> finite(d, path);
      case Float f -> finite(f.doubleValue(), path);
      case BigInteger big -> fitLong(big, path);
      case BigDecimal dec -> normalise(dec, path);
      case Number other -> throw new InvalidInputException(path, "unsupported number type " + typeName(other));
      case Character c -> String.valueOf(c);
      case Map<?, ?> map -> copyObject(map, path);
      case Collection<?> list -> copyList(list, path);
      case Object[] array -> copyList(Arrays.asList(array), path);
      default -> throw new InvalidInputException(path, "cannot be serialised as JSON: " + typeName(value));
    };
  }

  private static List<Object> copyList(Collection<?> list, String path) {
    List<Object> copy = new ArrayList<>(list.size());
    int index = 0;
    for (Object element : list) {
      copy.add(copyValue(element, path + "[" + index++ + "]"));
    }
    return Collections.unmodifiableList(copy);
  }

  private static Double finite(double d, String path) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new InvalidInputException(path, "JSON has no representation for " + d);
    }
    return d;
  }

  private static Long fitLong(BigInteger big, String path) {
    if (big.bitLength() > 63) {
      throw new InvalidInputException(path, "integer " + big + " does not fit in 64 bits");
    }
    return big.longValue();
  }

  private static Object normalise(BigDecimal dec, String path) {
    if (dec.signum() == 0 || dec.stripTrailingZeros().scale() <= 0) {
      return fitLong(dec.toBigInteger(), path);
    }
    return finite(dec.doubleValue(), path);
  }

  private static String typeName(Object value) {
    return value == null ? "null" : value.getClass().getName();
  }
}
