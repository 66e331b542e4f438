package dev.aether.model.projection;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.aether.support.JsonValues;
import dev.aether.support.RecordCodec;
import java.util.Map;

/**
 * Converts between the JSON objects of rows and events and Java types, as Java projections and policies read
 * them: a {@code Map} passes unchanged, a plain record goes through its {@link RecordCodec} (no data binding on
 * the hot path), anything else (and whatever the codec leaves to it) through Jackson's {@code convertValue},
 * tolerant of unknown fields, {@code java.time} values as ISO-8601 text. Both paths give the same result.
 * Thread-safe.
 */
public final class ViewCodec {

  /**
   * Tolerant of unknown fields; {@code java.time} components read and written as ISO-8601 text, an offset kept as
   * written, as Java behaviours write them in events (aether-runtime's payload mapping), so a projection or policy
   * reads the records its behaviours wrote.
   */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
      .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.USE_LONG_FOR_INTS)
      .build();

  private ViewCodec() {}

  /**
   * Reads a JSON object (a row or an event's data) as {@code type}.
   *
   * @param json the object
   * @param type a record, a bean or {@code Map}
   * @param <T> the type
   * @return the value
   * @throws IllegalArgumentException when the object does not fit the type
   */
  @SuppressWarnings("unchecked")
  public static <T> T read(Map<String, Object> json, Class<T> type) {
    if (type.isAssignableFrom(Map.class)) {
      return (T) json;
    }
    RecordCodec<T> codec = RecordCodec.of(type).orElse(null);
    T value = codec == null ? null : codec.read(json, true);
    return value != null ? value : JSON.convertValue(json, type);
  }

  /**
   * Reads an event's data as {@code type}, as {@link #read} does, with an error that names the field in words
   * rather than Jackson's ({@code TransferSent cannot read data.amount: Cannot deserialize value of type
   * `long` from String "a lot"...}).
   *
   * @param data the event's data
   * @param type a record, a bean or {@code Map}
   * @param <T> the type
   * @return the value
   * @throws IllegalArgumentException naming the type and the field when the data does not fit
   */
  public static <T> T readData(Map<String, Object> data, Class<T> type) {
    try {
      return read(data, type);
    } catch (IllegalArgumentException e) {
      if (!(e.getCause() instanceof JsonMappingException mapping)) {
        throw e;
      }
      StringBuilder path = new StringBuilder("data");
      for (JsonMappingException.Reference step : mapping.getPath()) {
        if (step.getFieldName() != null) {
          path.append('.').append(step.getFieldName());
        } else if (step.getIndex() >= 0) {
          path.append('[').append(step.getIndex()).append(']');
        }
      }
      throw new IllegalArgumentException(type.getSimpleName() + " cannot read " + path + ": "
          + mapping.getOriginalMessage().lines().findFirst().orElse(""), e);
    }
  }

  /**
   * Writes a view as an immutable JSON object (a {@code Map} view is copied, so that changing it later
   * changes no row).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Map<String, Object> write(Object view) {
    if (view instanceof Map<?, ?> map) {
      return JsonValues.copyObject(map, "view");
    }
    RecordCodec codec = RecordCodec.of(view.getClass()).orElse(null);
    Map<String, Object> row = codec == null ? null : codec.write(view);
    return row != null ? row : JsonValues.copyObject(JSON.convertValue(view, Map.class), "view");
  }
}
