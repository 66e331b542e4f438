package dev.aether.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
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
 * The JSON form of {@link Event} and {@link ActorSnapshot}, shared by every store and bus.
 *
 * <p>Field names are the upstream ones: {@code id, eventType, actorId, commandId, version, data, metadata,
 * timestamp} (snapshots: {@code actorId, version, state, timestamp, schema}). {@code commandId} is left out
 * when absent and {@code metadata} when empty. Timestamps are ISO-8601 strings in UTC with up to nine
 * fractional digits, so nanoseconds survive; on reading, any ISO-8601 offset is accepted. Integral numbers
 * in {@code data} read back as {@link Long}, others as {@link Double}.
 *
 * <p>Events are written by {@link EventJsonWriter} and read by {@link EventJsonScanner} (the plain form this
 * class writes) or else {@link EventJsonReader} (Jackson's streaming parser), which skip Jackson's data
 * binding: they were most of the cost of an event store's appends and replays. Each falls back to the next,
 * and finally to the general, map-based code below, for anything unusual; that code makes every error.
 *
 * <p>Thread-safe.
 */
public final class EventJson {

  // Integers are read as Integer, Long or BigInteger and normalised by Event/ActorSnapshot (JsonValues), so
  // that an integer beyond 64 bits is refused naming its path (data.x) instead of failing inside the parser.
  // Buffers are pooled across threads: Jackson's default pool is per thread, which recycles nothing on
  // virtual threads (each is new), so every call would allocate fresh buffers.
  // Nesting is bounded at the depth ceiling (payload levels plus the event or snapshot object), so that no
  // reader, Jackson's or ours, recurses deeper than that. Names and strings are not limited here (Jackson's
  // defaults refused keys above 50,000 characters that Event.Builder accepts): the document's own size bounds
  // them, and an event that Event.Builder accepted must always read back.
  private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .recyclerPool(JsonRecyclerPools.sharedBoundedPool())
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxNestingDepth(PayloadLimits.MAX_DEPTH_CEILING + 1)
              .maxNameLength(Integer.MAX_VALUE)
              .maxStringLength(Integer.MAX_VALUE).build())
          .streamWriteConstraints(StreamWriteConstraints.builder()
              .maxNestingDepth(PayloadLimits.MAX_DEPTH_CEILING + 1).build())
          .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private EventJson() {}

  /**
   * Serialises an event.
   *
   * @param event the event
   * @return UTF-8 JSON bytes
   */
  public static byte[] toBytes(Event event) {
    byte[] fast = EventJsonWriter.write(event);
    return fast != null ? fast : generalToBytes(event);
  }

  /** The general writer, through a map and Jackson's data binding; the fast path must equal it. */
  static byte[] generalToBytes(Event event) {
    return write(toMap(event));
  }

  /**
   * Serialises an event to a string.
   *
   * @param event the event
   * @return the JSON text
   */
  public static String toJson(Event event) {
    return new String(toBytes(event), java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Reads an event.
   *
   * @param json UTF-8 JSON bytes
   * @return the event
   * @throws EventDecodingException when the bytes are not a valid event; the message names the problem
   */
  public static Event fromBytes(byte[] json) {
    return fromBytes(json, null);
  }

  /**
   * Reads an event like {@link #fromBytes(byte[])}; when its actor id equals {@code expectedActorId}, the
   * event holds that very string instead of a copy. A replay of one actor reads thousands of events with the
   * same actor id: this saves a string per event and makes the caller's check of the actor id an identity
   * comparison. An event of another actor is read as usual.
   *
   * @param json UTF-8 JSON bytes
   * @param expectedActorId the actor id the event is expected to have; {@code null} for none
   * @return the event
   * @throws EventDecodingException when the bytes are not a valid event; the message names the problem
   */
  public static Event fromBytes(byte[] json, String expectedActorId) {
    if (json != null && json.length > 0) {
      Event event = EventJsonScanner.read(json, expectedActorId);
      if (event == null) {
        event = EventJsonReader.read(MAPPER.getFactory(), json);
      }
      if (event != null) {
        return event;
      }
    }
    return generalFromBytes(json);
  }

  /** The general reader, through a map; it makes every decoding error. The fast path must agree with it. */
  static Event generalFromBytes(byte[] json) {
    Map<String, Object> map = read(json);
    try {
      Event.Builder b = Event.builder()
          .limits(PayloadLimits.CEILINGS)
          .id(string(map, "id", true))
          .eventType(string(map, "eventType", true))
          .actorId(string(map, "actorId", true))
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
      throw new EventDecodingException("not a valid event: " + e.getMessage(), e);
    }
  }

  /**
   * Reads an event from a string.
   *
   * @param json the JSON text
   * @return the event
   * @throws EventDecodingException when the text is not a valid event
   */
  public static Event fromJson(String json) {
    return fromBytes(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Serialises a snapshot.
   *
   * @param snapshot the snapshot
   * @return UTF-8 JSON bytes
   */
  public static byte[] snapshotToBytes(ActorSnapshot snapshot) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("actorId", snapshot.actorId());
    map.put("version", snapshot.version());
    map.put("state", snapshot.state());
    map.put("timestamp", snapshot.timestamp().toString());
    map.put("schema", snapshot.schema());
    return write(map);
  }

  /**
   * Reads a snapshot.
   *
   * @param json UTF-8 JSON bytes
   * @return the snapshot
   * @throws EventDecodingException when the bytes are not a valid snapshot
   */
  public static ActorSnapshot snapshotFromBytes(byte[] json) {
    Map<String, Object> map = read(json);
    try {
      String schema = string(map, "schema", false);
      return new ActorSnapshot(string(map, "actorId", true), number(map, "version"), object(map, "state"),
          instant(map, "timestamp"), schema == null ? "" : schema);
    } catch (InvalidInputException e) {
      throw new EventDecodingException("not a valid snapshot: " + e.getMessage(), e);
    }
  }

  private static Map<String, Object> toMap(Event event) {
    Map<String, Object> map = new LinkedHashMap<>(12);
    map.put("id", event.id());
    map.put("eventType", event.eventType());
    map.put("actorId", event.actorId());
    event.commandId().ifPresent(c -> map.put("commandId", c));
    map.put("version", event.version());
    map.put("data", event.data());
    if (!event.metadata().isEmpty()) {
      map.put("metadata", event.metadata());
    }
    map.put("timestamp", event.timestamp().toString());
    return map;
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
}
