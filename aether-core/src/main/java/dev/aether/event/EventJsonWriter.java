package dev.aether.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The fast path of {@link EventJson#toBytes}: writes an event's JSON straight into a byte array, with no
 * data-binding layer and no intermediate map. Its output is byte for byte what Jackson writes for the same
 * event (field order, string escapes, number forms, {@link Instant#toString()} timestamps); a test holds it
 * to that. Anything it does not handle (a year outside 0000..9999, a value of an unexpected type) makes it
 * give up with {@code null}, and the caller writes the event through Jackson instead.
 *
 * <p>Not thread-safe: one instance writes one event.
 */
final class EventJsonWriter {

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  /** The last second that {@link #instant} formats itself: 9999-12-31T23:59:59Z. */
  private static final long MAX_FAST_SECOND = 253_402_300_799L;

  private byte[] buf;
  private int size;

  private EventJsonWriter(int capacity) {
    buf = new byte[capacity];
  }

  /**
   * Writes an event.
   *
   * @param event the event
   * @return its UTF-8 JSON, or {@code null} when the event needs the general writer
   */
  static byte[] write(Event event) {
    EventJsonWriter out = new EventJsonWriter(256);
    return out.event(event) ? Arrays.copyOf(out.buf, out.size) : null;
  }

  private boolean event(Event event) {
    raw("{\"id\":");
    string(event.id());
    raw(",\"eventType\":");
    string(event.eventType());
    raw(",\"actorId\":");
    string(event.actorId());
    if (event.commandId().isPresent()) {
      raw(",\"commandId\":");
      string(event.commandId().get());
    }
    raw(",\"version\":");
    raw(Long.toString(event.version()));
    raw(",\"data\":");
    boolean ok = object(event.data());
    if (!event.metadata().isEmpty()) {
      raw(",\"metadata\":");
      ok &= object(event.metadata());
    }
    raw(",\"timestamp\":");
    ok &= instant(event.timestamp());
    put('}');
    return ok;
  }

  private boolean object(Map<String, ?> map) {
    put('{');
    boolean first = true;
    for (Map.Entry<String, ?> entry : map.entrySet()) {
      if (!first) {
        put(',');
      }
      first = false;
      string(entry.getKey());
      put(':');
      if (!value(entry.getValue())) {
        return false;
      }
    }
    put('}');
    return true;
  }

  @SuppressWarnings("unchecked")
  private boolean value(Object value) {
    switch (value) {
      case null -> raw("null");
      case String s -> string(s);
      case Long l -> raw(Long.toString(l));
      case Double d -> raw(Double.toString(d));
      case Boolean b -> raw(b ? "true" : "false");
      case Map<?, ?> map -> {
        return object((Map<String, ?>) map);
      }
      case List<?> list -> {
        return array(list);
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  private boolean array(List<?> list) {
    put('[');
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        put(',');
      }
      if (!value(list.get(i))) {
        return false;
      }
    }
    put(']');
    return true;
  }

  /**
   * A JSON string with Jackson's escapes: {@code \" \\ \b \t \n \f \r}, other control characters and every
   * UTF-16 surrogate (so characters beyond the BMP become an escaped pair, as Jackson writes them) as a
   * six-character unicode escape with upper-case hex digits; everything else as UTF-8.
   */
  private void string(String s) {
    int length = s.length();
    ensure(length + 2);
    buf[size++] = '"';
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (size + 6 >= buf.length) {
        ensure(Math.max(6, length - i) + 1);
      }
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        buf[size++] = (byte) c;
      } else if (c < 0x80) {
        escape(c);
      } else if (c < 0x800) {
        buf[size++] = (byte) (0xC0 | (c >> 6));
        buf[size++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        unicodeEscape(c);
      } else {
        buf[size++] = (byte) (0xE0 | (c >> 12));
        buf[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        buf[size++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    put('"');
  }

  /** Writes the escape of an ASCII character; the caller made room for six bytes. */
  private void escape(char c) {
    char letter = switch (c) {
      case '"' -> '"';
      case '\\' -> '\\';
      case '\b' -> 'b';
      case '\t' -> 't';
      case '\n' -> 'n';
      case '\f' -> 'f';
      case '\r' -> 'r';
      default -> 0;
    };
    if (letter == 0) {
      unicodeEscape(c);
    } else {
      buf[size++] = '\\';
      buf[size++] = (byte) letter;
    }
  }

  /** Writes {@code \}{@code uXXXX} with upper-case hex digits; the caller made room for six bytes. */
  private void unicodeEscape(char c) {
    buf[size++] = '\\';
    buf[size++] = 'u';
    buf[size++] = HEX[c >> 12];
    buf[size++] = HEX[(c >> 8) & 0xF];
    buf[size++] = HEX[(c >> 4) & 0xF];
    buf[size++] = HEX[c & 0xF];
  }

  /** {@link Instant#toString()}: {@code yyyy-MM-ddTHH:mm:ss}, then 0, 3, 6 or 9 fraction digits, then Z. */
  private boolean instant(Instant instant) {
    long second = instant.getEpochSecond();
    if (second < -62_167_219_200L || second > MAX_FAST_SECOND) {
      return false;
    }
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(second, 86_400));
    int secondOfDay = Math.floorMod(second, 86_400);
    ensure(32);
    buf[size++] = '"';
    digits(date.getYear(), 4);
    buf[size++] = '-';
    digits(date.getMonthValue(), 2);
    buf[size++] = '-';
    digits(date.getDayOfMonth(), 2);
    buf[size++] = 'T';
    digits(secondOfDay / 3600, 2);
    buf[size++] = ':';
    digits(secondOfDay / 60 % 60, 2);
    buf[size++] = ':';
    digits(secondOfDay % 60, 2);
    int nano = instant.getNano();
    if (nano > 0) {
      buf[size++] = '.';
      if (nano % 1_000_000 == 0) {
        digits(nano / 1_000_000, 3);
      } else if (nano % 1_000 == 0) {
        digits(nano / 1_000, 6);
      } else {
        digits(nano, 9);
      }
    }
    buf[size++] = 'Z';
    buf[size++] = '"';
    return true;
  }

  private void digits(int value, int width) {
    for (int i = width - 1; i >= 0; i--) {
      buf[size + i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    size += width;
  }

  private void raw(String ascii) {
    int length = ascii.length();
    ensure(length);
    for (int i = 0; i < length; i++) {
      buf[size++] = (byte) ascii.charAt(i);
    }
  }

  private void put(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }
}
