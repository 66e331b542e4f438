package dev.aether.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.aether.InvalidInputException;
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
 * Java behaviours read back: {@code 2026-12-07T08:00:00Z}, {@code 2026-12-07T09:00:00+01:00}, {@code PT1.5S}).
 * (A command's text must also be well-formed UTF-16: its copier refuses an unpaired surrogate, {@code
 * JsonValues.Copier.refusingUnpairedSurrogates}.) Stateless and thread-safe.
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
}
