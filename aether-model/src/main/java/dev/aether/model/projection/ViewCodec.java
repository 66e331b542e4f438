package dev.aether.model.projection;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;

/**
 * Converts between the JSON objects of rows and events and Java types, with Jackson data binding: a
 * {@code Map} passes unchanged, anything else through {@code convertValue}. Thread-safe.
 */
final class ViewCodec {

  private static final ObjectMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.USE_LONG_FOR_INTS)
      .build();

  private ViewCodec() {}

  /** Reads a JSON object (a row or an event's data) as {@code type}. */
  @SuppressWarnings("unchecked")
  static <T> T read(Map<String, Object> json, Class<T> type) {
    return type.isAssignableFrom(Map.class) ? (T) json : JSON.convertValue(json, type);
  }

  /** Writes a view as a JSON object. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> write(Object view) {
    return view instanceof Map<?, ?> map ? (Map<String, Object>) map : JSON.convertValue(view, Map.class);
  }
}
