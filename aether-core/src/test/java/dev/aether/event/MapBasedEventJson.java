package dev.aether.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.aether.InvalidInputException;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The test oracle for {@link EventJson}: the map-based codec it replaced (Jackson's data binding into and out
 * of a map, then the fields), kept as it was. The streaming codec must write what this writes, byte for byte,
 * and read what this reads, failing where this fails.
 */
final class MapBasedEventJson {

  private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxNestingDepth(PayloadLimits.MAX_DEPTH_CEILING + 1)
              .maxNameLength(Integer.MAX_VALUE)
              .maxStringLength(Integer.MAX_VALUE).build())
          .streamWriteConstraints(StreamWriteConstraints.builder()
              .maxNestingDepth(PayloadLimits.MAX_DEPTH_CEILING + 1).build())
          .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private MapBasedEventJson() {}

  static byte[] toBytes(Event event) {
    Map<String, Object> map = new LinkedHashMap<>(12);
    map.put("id", event.id());
    map.put("eventType", event.eventType());
    map.put("actorId", event.streamId());
    event.commandId().ifPresent(c -> map.put("commandId", c));
    map.put("version", event.version());
    map.put("data", event.data());
    if (!event.metadata().isEmpty()) {
      map.put("metadata", event.metadata());
    }
    map.put("timestamp", event.timestamp().toString());
    return write(map);
  }

  static Event fromBytes(byte[] json) {
    Map<String, Object> map = read(json);
    try {
      Event.Builder b = Event.builder()
          .limits(PayloadLimits.CEILINGS)
          .id(string(map, "id", true))
          .eventType(string(map, "eventType", true))
          .streamId(string(map, "actorId", true))
          .commandId(string(map, "commandId", false))
          .version(number(map, "version"))
          .data(object(map, "data"))
          .timestamp(instant(map, "timestamp"));
      Map<String, Object> metadata = object(map, "metadata");
      if (metadata != null) {
        metadata.forEach((k, v) -> b.metadata(k, v instanceof String s ? s : invalid("metadata." + k, v)));
      }
      return b.build();
    } catch (InvalidInputException e) {
      throw new EventDecodingException("not a valid event: " + jsonNames(e), e);
    }
  }

  static byte[] snapshotToBytes(ActorSnapshot snapshot) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("actorId", snapshot.streamId());
    map.put("version", snapshot.version());
    map.put("state", snapshot.state());
    map.put("timestamp", snapshot.timestamp().toString());
    map.put("schema", snapshot.schema());
    return write(map);
  }

  static ActorSnapshot snapshotFromBytes(byte[] json) {
    Map<String, Object> map = read(json);
    try {
      String schema = string(map, "schema", false);
      return new ActorSnapshot(string(map, "actorId", true), number(map, "version"), object(map, "state"),
          instant(map, "timestamp"), schema == null ? "" : schema);
    } catch (InvalidInputException e) {
      throw new EventDecodingException("not a valid snapshot: " + jsonNames(e), e);
    }
  }

  private static byte[] write(Map<String, Object> map) {
    try {
      return MAPPER.writeValueAsBytes(map);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("data", "cannot be serialised as JSON: " + e.getOriginalMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> read(byte[] json) {
    if (json == null || json.length == 0) {
      throw new EventDecodingException("empty message: no JSON object", null);
    }
    Object value;
    try {
      value = MAPPER.readValue(json, Object.class);
    } catch (IOException e) {
      throw new EventDecodingException("malformed JSON: " + e.getMessage(), e);
    }
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new EventDecodingException("expected a JSON object, found " + describe(value), null);
  }

  private static String string(Map<String, Object> map, String field, boolean required) {
    Object value = map.get(field);
    if (value == null) {
      if (required) {
        throw new InvalidInputException(field, "missing");
      }
      return null;
    }
    return value instanceof String s ? s : invalid(field, value);
  }

  private static long number(Map<String, Object> map, String field) {
    Object value = map.get(field);
    if (value instanceof Long || value instanceof Integer) {
      return ((Number) value).longValue();
    }
    if (value == null) {
      throw new InvalidInputException(field, "missing");
    }
    return invalid(field, value);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Map<String, Object> map, String field) {
    Object value = map.get(field);
    if (value == null || value instanceof Map<?, ?>) {
      return (Map<String, Object>) value;
    }
    return invalid(field, value);
  }

  private static Instant instant(Map<String, Object> map, String field) {
    String text = string(map, field, true);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(field, "not an ISO-8601 timestamp: " + text, e);
    }
  }

  private static <T> T invalid(String field, Object value) {
    throw new InvalidInputException(field, "unexpected " + describe(value));
  }

  private static String describe(Object value) {
    return value == null ? "null" : value.getClass().getSimpleName() + " " + abbreviate(value);
  }

  private static String abbreviate(Object value) {
    String text = String.valueOf(value);
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }

  /** The document's names: its {@code actorId} is the builders' {@code streamId}. */
  private static String jsonNames(InvalidInputException e) {
    return e.getMessage().replaceFirst("^streamId:", "actorId:");
  }
}
