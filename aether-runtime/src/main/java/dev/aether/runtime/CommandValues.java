package dev.aether.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.aether.InvalidInputException;
import dev.aether.support.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link RuntimeMessage} takes in a command beyond what every JSON value copy takes: {@code java.time} values
 * in a payload become the ISO-8601 text Jackson's {@code JavaTimeModule} writes with
 * {@code WRITE_DATES_AS_TIMESTAMPS} and {@code WRITE_DURATIONS_AS_TIMESTAMPS} off (the project's setup, the form
 * Java behaviours read back: {@code 2026-12-07T08:00:00Z}, {@code 2026-12-07T09:00:00+01:00}, {@code PT1.5S}); and
 * a command's text must be well-formed UTF-16: a string or key with an unpaired surrogate (which no UTF-8 JSON
 * can carry: it would be stored as a {@code ?} or an escape other readers refuse) is refused naming its path.
 * Commands only: events as stored are read as they are. Stateless and thread-safe.
 */
final class CommandValues {

  /** Jackson as the runtime's Java behaviours read and write {@code java.time} values (PayloadMapper). */
  private static final ObjectMapper TIMES = JsonMapper.builder().addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS).build();

  private CommandValues() {}

  /**
   * A payload with every {@code java.time} value (at any depth, within {@code maxDepth}) replaced by its ISO-8601
   * text; called only once copying the payload as it is failed, so a payload without them costs nothing.
   *
   * @param payload the payload as given
   * @param maxDepth the deepest nesting looked into (deeper, the copy's own refusal stands)
   * @return the converted payload, or {@code null} when it holds no {@code java.time} value
   * @throws InvalidInputException naming the path of a {@code java.time} value Jackson writes as no string (a
   *     {@code Clock}), saying what to send instead
   */
  static Map<String, Object> withTimesAsText(Map<?, ?> payload, int maxDepth) {
    Object converted = converted(payload, "payload", maxDepth);
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) converted;
    return converted == payload ? null : map;
  }

  /** The value with its java.time values converted, or the value itself (same instance) when it holds none. */
  private static Object converted(Object value, String path, int depthLeft) {
    if (value != null && value.getClass().getPackageName().equals("java.time")) {
      return text(value, path);
    }
    if (depthLeft == 0) {
      return value;
    }
    return switch (value) {
      case Map<?, ?> map -> convertedMap(map, path, depthLeft);
      case Collection<?> list -> convertedList(new ArrayList<>(list), list, path, depthLeft);
      case Object[] array -> convertedList(Arrays.asList(array), array, path, depthLeft);
      case null, default -> value;
    };
  }

  private static Object convertedMap(Map<?, ?> map, String path, int depthLeft) {
    Map<Object, Object> out = new LinkedHashMap<>();
    boolean changed = false;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      Object now = converted(entry.getValue(), path + "." + entry.getKey(), depthLeft - 1);
      changed |= now != entry.getValue();
      out.put(entry.getKey(), now);
    }
    return changed ? out : map;
  }

  private static Object convertedList(List<?> elements, Object original, String path, int depthLeft) {
    List<Object> out = new ArrayList<>(elements.size());
    boolean changed = false;
    for (int i = 0; i < elements.size(); i++) {
      Object now = converted(elements.get(i), path + "[" + i + "]", depthLeft - 1);
      changed |= now != elements.get(i);
      out.add(now);
    }
    return changed ? out : original;
  }

  private static String text(Object time, String path) {
    JsonNode written;
    try {
      written = TIMES.valueToTree(time);
    } catch (IllegalArgumentException e) {
      written = null;
    }
    if (written == null || !written.isTextual()) {
      throw new InvalidInputException(path, time.getClass().getName() + " cannot be sent in a payload: send it as"
          + " an ISO-8601 string");
    }
    return written.textValue();
  }

  /**
   * Refuses a string or key with an unpaired UTF-16 surrogate in a copied payload (maps, lists and scalars only).
   *
   * @param payload the copied payload
   * @throws InvalidInputException naming the value's path ({@code payload.lines[2]}), or the map's for a key
   */
  static void refuseUnpairedSurrogates(Map<String, Object> payload) {
    if (holdsUnpaired(payload)) { // paths are built only then: a command's payload is scanned without allocating
      refuseIn(payload, "payload");
    }
  }

  private static boolean holdsUnpaired(Object value) {
    switch (value) {
      case String s -> {
        return Checks.unpairedSurrogateAt(s) >= 0;
      }
      case Map<?, ?> map -> {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          if (holdsUnpaired(entry.getKey()) || holdsUnpaired(entry.getValue())) {
            return true;
          }
        }
        return false;
      }
      case List<?> list -> {
        for (Object item : list) {
          if (holdsUnpaired(item)) {
            return true;
          }
        }
        return false;
      }
      case null, default -> {
        return false;
      }
    }
  }

  private static void refuseIn(Object value, String path) {
    switch (value) {
      case String s -> refuseUnpaired(s, path);
      case Map<?, ?> map -> {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          String key = (String) entry.getKey();
          int at = Checks.unpairedSurrogateAt(key);
          if (at >= 0) {
            throw unpaired(path, "a key", key, at);
          }
          refuseIn(entry.getValue(), path + "." + key);
        }
      }
      case List<?> list -> {
        for (int i = 0; i < list.size(); i++) {
          refuseIn(list.get(i), path + "[" + i + "]");
        }
      }
      case null, default -> { }
    }
  }

  /**
   * Refuses a string with an unpaired UTF-16 surrogate.
   *
   * @param s the string
   * @param path its path, for the error
   * @throws InvalidInputException naming {@code path}
   */
  static void refuseUnpaired(String s, String path) {
    int at = Checks.unpairedSurrogateAt(s);
    if (at >= 0) {
      throw unpaired(path, "the string", s, at);
    }
  }

  private static InvalidInputException unpaired(String path, String what, String s, int at) {
    return new InvalidInputException(path, what + " holds an unpaired UTF-16 surrogate (\\u"
        + String.format("%04x", (int) s.charAt(at)) + " at index " + at + "), which no UTF-8 JSON can carry:"
        + " send well-formed Unicode text");
  }
}
