package dev.aether.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fast path of {@link EventJson#fromBytes}: reads a well-formed event with Jackson's streaming parser
 * straight into an {@link Event.Builder}, with no intermediate tree. It accepts exactly what the general
 * reader accepts and yields the same event; whenever anything is unusual (not an object, a field of an
 * unexpected type, a duplicate field, an integer beyond 64 bits, a non-finite number, trailing content,
 * malformed JSON, a value the event refuses) it gives up with {@code null}, and the general reader decodes
 * the bytes again and produces its precise error.
 *
 * <p>Stateless and thread-safe.
 */
final class EventJsonReader {

  private EventJsonReader() {}

  /**
   * Reads an event.
   *
   * @param factory the JSON factory
   * @param json UTF-8 JSON bytes
   * @return the event, or {@code null} when the general reader must decide
   */
  static Event read(JsonFactory factory, byte[] json) {
    try (JsonParser parser = factory.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      Event event = fields(parser);
      return event != null && parser.nextToken() == null ? event : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The fields every event has; without one, the general reader reports it missing. */
  private static final int REQUIRED = 1 | 2 | 4 | 16 | 128;

  private static Event fields(JsonParser parser) throws IOException {
    Event.Builder builder = Event.builder().limits(PayloadLimits.CEILINGS);
    int seen = 0;
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      int bit = switch (name) {
        case "id" -> text(value) ? bit(builder.id(parser.getText()), 1) : -1;
        case "eventType" -> text(value) ? bit(builder.eventType(parser.getText()), 2) : -1;
        case "actorId" -> text(value) ? bit(builder.actorId(parser.getText()), 4) : -1;
        case "commandId" -> value == JsonToken.VALUE_NULL || text(value)
            ? bit(builder.commandId(value == JsonToken.VALUE_NULL ? null : parser.getText()), 8) : -1;
        case "version" -> isLong(parser, value) ? bit(builder.version(parser.getLongValue()), 16) : -1;
        case "data" -> data(parser, value, builder) ? 32 : -1;
        case "metadata" -> metadata(parser, value, builder) ? 64 : -1;
        case "timestamp" -> timestamp(parser, value, builder) ? 128 : -1;
        default -> {
          parser.skipChildren();
          yield 0;
        }
      };
      if (bit < 0 || (seen & bit) != 0) {
        return null;
      }
      seen |= bit;
    }
    return token == JsonToken.END_OBJECT && (seen & REQUIRED) == REQUIRED ? builder.build() : null;
  }

  /** Returns the bit of a field once the builder has taken its value. */
  private static int bit(Event.Builder ignored, int bit) {
    return bit;
  }

  private static boolean text(JsonToken token) {
    return token == JsonToken.VALUE_STRING;
  }

  private static boolean isLong(JsonParser parser, JsonToken token) throws IOException {
    if (token != JsonToken.VALUE_NUMBER_INT) {
      return false;
    }
    JsonParser.NumberType type = parser.getNumberType();
    return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG;
  }

  private static boolean data(JsonParser parser, JsonToken token, Event.Builder builder) throws IOException {
    if (token == JsonToken.VALUE_NULL) {
      builder.data(Map.of());
      return true;
    }
    if (token != JsonToken.START_OBJECT) {
      return false;
    }
    Map<String, Object> data = object(parser);
    if (data == null) {
      return false;
    }
    builder.normalisedData(data);
    return true;
  }

  private static boolean metadata(JsonParser parser, JsonToken token, Event.Builder builder) throws IOException {
    if (token == JsonToken.VALUE_NULL) {
      builder.metadata(Map.of());
      return true;
    }
    if (token != JsonToken.START_OBJECT) {
      return false;
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      if (parser.nextToken() != JsonToken.VALUE_STRING || metadata.put(key, parser.getText()) != null) {
        return false;
      }
    }
    builder.metadata(metadata);
    return true;
  }

  private static boolean timestamp(JsonParser parser, JsonToken token, Event.Builder builder) throws IOException {
    if (token != JsonToken.VALUE_STRING) {
      return false;
    }
    String text = parser.getText();
    Instant instant = canonicalInstant(text);
    if (instant == null) {
      try {
        instant = Instant.parse(text);
      } catch (DateTimeParseException e) {
        return false;
      }
    }
    builder.timestamp(instant);
    return true;
  }

  /**
   * An object's members, deeply unmodifiable with normalised numbers (as {@code JsonValues.copyObject} makes
   * them), or {@code null} for anything the general reader would treat differently.
   */
  private static Map<String, Object> object(JsonParser parser) throws IOException {
    Map<String, Object> map = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      int before = map.size();
      Object value = value(parser, parser.nextToken());
      if (value == Invalid.VALUE) {
        return null;
      }
      map.put(key, value);
      if (map.size() == before) {
        return null;
      }
    }
    return map.isEmpty() ? Map.of() : Collections.unmodifiableMap(map);
  }

  private static Object value(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT -> isLong(parser, token) ? (Object) parser.getLongValue() : Invalid.VALUE;
      case VALUE_NUMBER_FLOAT -> {
        double d = parser.getDoubleValue();
        yield Double.isFinite(d) ? (Object) d : Invalid.VALUE;
      }
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      case START_OBJECT -> {
        Map<String, Object> map = object(parser);
        yield map == null ? Invalid.VALUE : map;
      }
      case START_ARRAY -> array(parser);
      default -> Invalid.VALUE;
    };
  }

  private static Object array(JsonParser parser) throws IOException {
    List<Object> list = new ArrayList<>();
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      Object value = value(parser, token);
      if (value == Invalid.VALUE) {
        return Invalid.VALUE;
      }
      list.add(value);
    }
    return Collections.unmodifiableList(list);
  }

  /**
   * Parses the form {@link Instant#toString()} writes for years 0000..9999, {@code yyyy-MM-ddTHH:mm:ss}
   * with an optional fraction of one to nine digits and {@code Z}, without a formatter.
   *
   * @return the instant, or {@code null} when the text has another form (the caller then uses
   *     {@link Instant#parse})
   */
  static Instant canonicalInstant(CharSequence s) {
    int length = s.length();
    if (length < 20 || length > 30 || s.charAt(length - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-'
        || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return null;
    }
    int year = number(s, 0, 4);
    int month = number(s, 5, 7);
    int day = number(s, 8, 10);
    int hour = number(s, 11, 13);
    int minute = number(s, 14, 16);
    int second = number(s, 17, 19);
    int nano = 0;
    if (length > 20) {
      if (s.charAt(19) != '.' || length == 21) {
        return null;
      }
      int fraction = number(s, 20, length - 1);
      if (fraction < 0) {
        return null;
      }
      nano = fraction;
      for (int digits = length - 21; digits < 9; digits++) {
        nano *= 10;
      }
    }
    if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) {
      return null;
    }
    try {
      long days = LocalDate.of(year, month, day).toEpochDay();
      return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nano);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The decimal number in {@code s[from, to)}, or -1 when a character is not a digit. */
  private static int number(CharSequence s, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** Marks a value the fast path does not take. */
  private enum Invalid {
    VALUE
  }
}
