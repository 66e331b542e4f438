package dev.aether.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aether.InvalidInputException;
import dev.aether.support.Json;
import dev.aether.support.Timestamps;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@link EventJson}'s form with Jackson's streaming {@link JsonParser} on the shared factory
 * ({@link Json}), straight into an {@link Event} or {@link ActorSnapshot}: no data binding, no intermediate
 * tree of the whole document.
 *
 * <p>What it accepts, and how it reads it, is what the map-based reader it replaced did (Jackson's data
 * binding into a map, then the fields): the whole document is parsed first (malformed JSON, trailing content
 * and nesting beyond {@link Json#MAX_NESTING} are {@code malformed JSON}); unknown fields are skipped; a
 * field given twice takes its last value; JSON {@code null} counts as absent; then the fields are checked in a
 * fixed order, the first problem making an {@link EventDecodingException} that names the field
 * ({@code not a valid event: ...}). {@code EventJsonCodecTest} holds it to that reader, kept as a test oracle.
 *
 * <p>{@code data} (and a snapshot's {@code state}) is read into deeply unmodifiable maps and lists with
 * integral numbers as {@link Long} and others as {@link Double}, as {@code JsonValues} copies them, so the
 * event takes it without a second copy. An integer beyond 64 bits, a non-finite number, or nesting beyond
 * {@link PayloadLimits#MAX_DEPTH_CEILING} is kept as read and left to {@link Event.Builder#build()}, whose
 * copy refuses it naming its path ({@code data.items[1]}). Values are read iteratively, with an explicit
 * stack.
 *
 * <p>Stateless and thread-safe; each call uses its own parser.
 */
final class EventJsonReader {

  private EventJsonReader() {}

  /**
   * Reads an event.
   *
   * @param json UTF-8 JSON bytes
   * @param expectedStreamId a stream id the event shares (the same string) when its own is equal, or null
   * @return the event
   * @throws EventDecodingException when the bytes are not a valid event
   */
  static Event event(byte[] json, String expectedStreamId) {
    EventFields fields = new EventFields(expectedStreamId);
    try (JsonParser parser = open(json)) {
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        fields.read(parser.currentName(), parser, parser.nextToken());
      }
      end(parser, token);
    } catch (IOException e) {
      throw malformed(e);
    }
    try {
      return fields.build();
    } catch (InvalidInputException e) {
      throw new EventDecodingException("not a valid event: " + inJsonTerms(e), e);
    }
  }

  /**
   * Reads a JSON array of events: cuts it into the byte ranges of its objects without building a tree, then
   * reads each as {@link EventJson#fromBytes(byte[], String)} would.
   *
   * @param json UTF-8 JSON bytes of an array of objects
   * @param expectedStreamId a stream id the events share when their own is equal, or null
   * @return the events, in order (empty for an empty array)
   * @throws EventDecodingException when the bytes are not an array of valid events
   */
  static List<Event> events(byte[] json, String expectedStreamId) {
    List<Event> events = new ArrayList<>();
    try (JsonParser parser = Json.factory().createParser(json)) {
      expect(parser.nextToken(), JsonToken.START_ARRAY);
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
        int start = (int) parser.currentTokenLocation().getByteOffset();
        parser.skipChildren();
        int end = (int) parser.currentLocation().getByteOffset();
        events.add(EventJson.fromBytes(Arrays.copyOfRange(json, start, end), expectedStreamId));
      }
      expect(token, JsonToken.END_ARRAY);
      expect(parser.nextToken(), null);
      return events;
    } catch (IOException e) {
      throw new EventDecodingException("malformed JSON array: " + e.getMessage(), e);
    }
  }

  private static void expect(JsonToken actual, JsonToken expected) {
    if (actual != expected) {
      throw new EventDecodingException("expected " + (expected == null ? "end of input" : expected)
          + ", found " + (actual == null ? "end of input" : actual), null);
    }
  }

  /**
   * Reads a snapshot.
   *
   * @param json UTF-8 JSON bytes
   * @return the snapshot
   * @throws EventDecodingException when the bytes are not a valid snapshot
   */
  static ActorSnapshot snapshot(byte[] json) {
    SnapshotFields fields = new SnapshotFields();
    try (JsonParser parser = open(json)) {
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        fields.read(parser.currentName(), parser, parser.nextToken());
      }
      end(parser, token);
    } catch (IOException e) {
      throw malformed(e);
    }
    try {
      return fields.build();
    } catch (InvalidInputException e) {
      throw new EventDecodingException("not a valid snapshot: " + inJsonTerms(e), e);
    }
  }

  /**
   * The refusal in the document's own names: the JSON spells the stream id {@code actorId} (the upstream name),
   * the builders {@code streamId}; every other field has the same name in both.
   */
  private static String inJsonTerms(InvalidInputException e) {
    String message = e.getMessage();
    return e.field().equals("streamId") ? "actorId" + message.substring("streamId".length()) : message;
  }

  /** Opens a parser positioned on the document's START_OBJECT; any other document is refused, naming it. */
  private static JsonParser open(byte[] json) throws IOException {
    if (json == null || json.length == 0) {
      throw new EventDecodingException("empty message: no JSON object", null);
    }
    JsonParser parser = Json.factory().createParser(json);
    try {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new EventDecodingException("malformed JSON: no content, only whitespace", null);
      }
      if (first != JsonToken.START_OBJECT) {
        Object value = new Values(false).read(parser, first);
        end(parser, null);
        throw new EventDecodingException("expected a JSON object, found " + describe(value), null);
      }
      return parser;
    } catch (IOException | RuntimeException e) {
      parser.close();
      throw e;
    }
  }

  /** After the root value: nothing may follow it. */
  private static void end(JsonParser parser, JsonToken last) throws IOException {
    JsonToken next = parser.nextToken();
    if (next != null) {
      throw new EventDecodingException("malformed JSON: trailing content (" + next + ") after the "
          + (last == JsonToken.END_OBJECT ? "object" : "value") + " at byte "
          + parser.currentTokenLocation().getByteOffset(), null);
    }
  }

  private static EventDecodingException malformed(IOException e) {
    return new EventDecodingException("malformed JSON: " + e.getMessage(), e);
  }

  /** A string, or anything else as read (to be named in the error). */
  private static Object string(JsonParser parser, JsonToken token) throws IOException {
    return token == JsonToken.VALUE_STRING ? parser.getText() : new Values(false).read(parser, token);
  }

  /** A timestamp: the canonical form as an {@link Instant}, another string kept for the check, or anything else. */
  private static Object timestamp(JsonParser parser, JsonToken token) throws IOException {
    if (token != JsonToken.VALUE_STRING) {
      return new Values(false).read(parser, token);
    }
    String text = parser.getText();
    Instant instant = Timestamps.canonical(text);
    return instant != null ? instant : text;
  }

  private static String requiredString(String field, Object value) {
    if (value == null) {
      throw new InvalidInputException(field, "missing");
    }
    return optionalString(field, value);
  }

  private static String optionalString(String field, Object value) {
    return value == null || value instanceof String ? (String) value : invalid(field, value);
  }

  private static long number(String field, Object value) {
    if (value instanceof Long || value instanceof Integer) {
      return ((Number) value).longValue();
    }
    if (value == null) {
      throw new InvalidInputException(field, "missing");
    }
    return invalid(field, value);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(String field, Object value) {
    return value == null || value instanceof Map<?, ?> ? (Map<String, Object>) value : invalid(field, value);
  }

  private static Instant instant(String field, Object value) {
    if (value instanceof Instant instant) {
      return instant;
    }
    String text = requiredString(field, value);
    try {
      return Timestamps.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(field, "not an ISO-8601 timestamp: " + text, e);
    }
  }

  private static <T> T invalid(String field, Object value) {
    throw new InvalidInputException(field, "unexpected " + describe(value));
  }

  private static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    String text = String.valueOf(value);
    return value.getClass().getSimpleName() + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
  }

  /**
   * An event's fields as read, each the last value given (JSON null = absent); checked by {@link #build}.
   * Not thread-safe.
   */
  private static final class EventFields {

    private final String expectedStreamId;
    private Object id;
    private Object eventType;
    private Object streamId;
    private Object commandId;
    private Object version;
    private Object data;
    /** {@link #data} is a normalised payload within the depth ceiling: the event takes it as it is. */
    private boolean dataNormalised;
    private Object metadata;
    private Object timestamp;

    EventFields(String expectedStreamId) {
      this.expectedStreamId = expectedStreamId;
    }

    void read(String name, JsonParser parser, JsonToken token) throws IOException {
      switch (name) {
        case "id" -> id = string(parser, token);
        case "eventType" -> eventType = string(parser, token);
        case "actorId" -> streamId = token == JsonToken.VALUE_STRING ? streamId(parser) : string(parser, token);
        case "commandId" -> commandId = string(parser, token);
        case "version" -> version = new Values(false).read(parser, token);
        case "data" -> {
          Values values = new Values(true);
          data = values.read(parser, token);
          dataNormalised = data instanceof Map<?, ?> && !values.abnormal;
        }
        case "metadata" -> metadata = new Values(false).read(parser, token);
        case "timestamp" -> timestamp = timestamp(parser, token);
        default -> parser.skipChildren();
      }
    }

    /** The stream id: the expected string itself when the JSON spells it, so a replay shares one string. */
    private String streamId(JsonParser parser) throws IOException {
      String expected = expectedStreamId;
      int length = parser.getTextLength();
      if (expected != null && expected.length() == length) {
        char[] chars = parser.getTextCharacters();
        int offset = parser.getTextOffset();
        int i = 0;
        while (i < length && chars[offset + i] == expected.charAt(i)) {
          i++;
        }
        if (i == length) {
          return expected;
        }
      }
      return parser.getText();
    }

    /** Checks the fields in the map-based reader's order; the first problem is thrown. */
    Event build() {
      Event.Builder builder = Event.builder()
          .limits(PayloadLimits.CEILINGS)
          .id(requiredString("id", id))
          .eventType(requiredString("eventType", eventType))
          .streamId(requiredString("actorId", streamId))
          .commandId(optionalString("commandId", commandId))
          .version(number("version", version));
      Map<String, Object> payload = object("data", data);
      if (payload == null) {
        builder.data(Map.of());
      } else if (dataNormalised) {
        builder.normalisedData(payload);
      } else {
        builder.data(payload);
      }
      builder.timestamp(instant("timestamp", timestamp));
      Map<String, Object> entries = object("metadata", metadata);
      if (entries != null) {
        entries.forEach((k, v) -> builder.metadata(k, v instanceof String s ? s : invalid("metadata." + k, v)));
      }
      return builder.build();
    }
  }

  /** A snapshot's fields as read, each the last value given; checked by {@link #build}. Not thread-safe. */
  private static final class SnapshotFields {

    private Object streamId;
    private Object version;
    private Object state;
    private Object timestamp;
    private Object schema;

    void read(String name, JsonParser parser, JsonToken token) throws IOException {
      switch (name) {
        case "actorId" -> streamId = string(parser, token);
        case "version" -> version = new Values(false).read(parser, token);
        case "state" -> state = new Values(true).read(parser, token);
        case "timestamp" -> timestamp = timestamp(parser, token);
        case "schema" -> schema = string(parser, token);
        default -> parser.skipChildren();
      }
    }

    /** Checks the fields in the map-based reader's order; the snapshot copies and checks its state. */
    ActorSnapshot build() {
      String tag = optionalString("schema", schema);
      return new ActorSnapshot(requiredString("actorId", streamId), number("version", version),
          object("state", state), instant("timestamp", timestamp), tag == null ? "" : tag);
    }
  }

  /**
   * Reads one JSON value, iteratively. Normalised: as {@code JsonValues} copies a payload (integral numbers
   * as {@link Long}, deeply unmodifiable containers), noting in {@link #abnormal} anything the copy would
   * refuse. Plain: as Jackson's data binding reads an untyped value ({@link Integer}, {@link Long} or
   * {@link java.math.BigInteger}; {@link LinkedHashMap}, {@link ArrayList}), for values that are named in
   * errors. Not thread-safe: one value at a time.
   */
  private static final class Values {

    private final boolean normalised;
    /** Read an integer beyond 64 bits, a non-finite number or nesting beyond the ceiling (normalised only). */
    boolean abnormal;

    Values(boolean normalised) {
      this.normalised = normalised;
    }

    /** Reads the value whose first token the parser is on, leaving the parser on its last token. */
    Object read(JsonParser parser, JsonToken first) throws IOException {
      if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
        return scalar(parser, first);
      }
      // containers[i] is the container open at level i; keys[i] the key its next member goes to (objects)
      Object[] containers = new Object[8];
      String[] keys = new String[8];
      containers[0] = open(first);
      int depth = 1;
      while (true) {
        JsonToken token = parser.nextToken();
        if (token == JsonToken.FIELD_NAME) {
          keys[depth - 1] = parser.currentName();
          token = parser.nextToken();
        }
        if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
          Object done = close(containers[--depth]);
          containers[depth] = null;
          if (depth == 0) {
            return done;
          }
          add(containers[depth - 1], keys[depth - 1], done);
        } else if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
          if (depth == containers.length) {
            containers = Arrays.copyOf(containers, depth * 2);
            keys = Arrays.copyOf(keys, depth * 2);
          }
          containers[depth++] = open(token);
          if (depth > PayloadLimits.MAX_DEPTH_CEILING) {
            abnormal = true;
          }
        } else if (token == null) {
          throw new IOException("unexpected end of input inside a value"); // the parser reports it first
        } else {
          add(containers[depth - 1], keys[depth - 1], scalar(parser, token));
        }
      }
    }

    private static Object open(JsonToken token) {
      return token == JsonToken.START_OBJECT ? new LinkedHashMap<String, Object>() : new ArrayList<>();
    }

    @SuppressWarnings("unchecked")
    private static void add(Object container, String key, Object value) {
      if (container instanceof Map<?, ?> map) {
        ((Map<String, Object>) map).put(key, value);
      } else {
        ((List<Object>) container).add(value);
      }
    }

    @SuppressWarnings("unchecked")
    private Object close(Object container) {
      if (!normalised) {
        return container;
      }
      if (container instanceof Map<?, ?> map) {
        return map.isEmpty() ? Map.of() : Collections.unmodifiableMap((Map<String, Object>) map);
      }
      List<Object> list = (List<Object>) container;
      return list.isEmpty() ? List.of() : Collections.unmodifiableList(list);
    }

    private Object scalar(JsonParser parser, JsonToken token) throws IOException {
      return switch (token) {
        case VALUE_STRING -> parser.getText();
        case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
          case INT -> normalised ? (Object) parser.getLongValue() : (Object) parser.getIntValue();
          case LONG -> parser.getLongValue();
          default -> {
            abnormal = true;
            yield parser.getBigIntegerValue();
          }
        };
        case VALUE_NUMBER_FLOAT -> {
          double value = parser.getDoubleValue();
          if (!Double.isFinite(value)) {
            abnormal = true;
          }
          yield value;
        }
        case VALUE_TRUE -> Boolean.TRUE;
        case VALUE_FALSE -> Boolean.FALSE;
        case VALUE_NULL -> null;
        default -> throw new IOException("unexpected token " + token); // not produced by a JSON parser
      };
    }
  }
}
