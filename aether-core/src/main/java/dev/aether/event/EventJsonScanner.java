package dev.aether.event;

import dev.aether.support.Timestamps;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The fast path of {@link EventJson#fromBytes}: a hand-written scanner for the plain form this package
 * writes, which is most of what any store reads back. Kept in issue 10 because replays measured about 10%
 * faster with it than with the streaming reader alone ({@code aether-bench/RESULTS.md}, "Codec choice"). It takes a strict subset of JSON: ASCII strings
 * without escapes, numbers that fit a {@code long} or a finite {@code double}, at most {@link #MAX_DEPTH}
 * levels, only the event's own fields each at most once, at most {@link #MAX_BYTES} bytes. For anything else
 * it gives up with {@code null} and {@link EventJsonReader} (Jackson's streaming parser) decides, so it never
 * accepts what Jackson refuses and never reads a value differently; a fuzz test holds it to that.
 *
 * <p>Not thread-safe: one instance scans one document.
 */
final class EventJsonScanner {

  /** Larger documents go to Jackson, whose limits (string and number lengths) then apply. */
  static final int MAX_BYTES = 1 << 20;
  /** Deeper documents go to Jackson. */
  static final int MAX_DEPTH = 64;
  private static final int MAX_NUMBER_CHARS = 64;
  private static final int ID = 0;
  private static final int EVENT_TYPE = 1;
  private static final int STREAM_ID = 2;
  private static final int COMMAND_ID = 3;
  private static final int VERSION = 4;
  private static final int DATA = 5;
  private static final int METADATA = 6;
  private static final int TIMESTAMP = 7;
  /** The event's fields, by index; field {@code i} has the bit {@code 1 << i}. */
  private static final byte[][] FIELDS = Stream.of("id", "eventType", "actorId", "commandId", "version", "data",
      "metadata", "timestamp").map(name -> name.getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);
  private static final int REQUIRED = 1 << ID | 1 << EVENT_TYPE | 1 << STREAM_ID | 1 << VERSION | 1 << TIMESTAMP;

  private final byte[] in;
  /** A stream id the caller expects, shared by the event instead of a copy when it matches; or null. */
  private final String expectedStreamId;
  private int pos;

  private EventJsonScanner(byte[] in, String expectedStreamId) {
    this.in = in;
    this.expectedStreamId = expectedStreamId;
  }

  /**
   * Reads an event of the plain form.
   *
   * @param json UTF-8 JSON bytes
   * @param expectedStreamId a stream id the event shares when its own is equal, or {@code null}
   * @return the event, or {@code null} when the document is not of the plain form or not a valid event
   */
  static Event read(byte[] json, String expectedStreamId) {
    if (json.length > MAX_BYTES) {
      return null;
    }
    try {
      return new EventJsonScanner(json, expectedStreamId).event();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private Event event() {
    if (!skipTo('{')) {
      return null;
    }
    Event.Builder builder = Event.builder().limits(PayloadLimits.CEILINGS);
    int seen = 0;
    if (!peekIs('}')) {
      do {
        int field = fieldName();
        if (field < 0 || !skipTo(':')) {
          return null;
        }
        int bit = field(field, builder);
        if (bit <= 0 || (seen & bit) != 0) {
          return null;
        }
        seen |= bit;
      } while (skipTo(','));
    }
    if (!skipTo('}') || !atEnd() || (seen & REQUIRED) != REQUIRED) {
      return null;
    }
    return builder.build();
  }

  /**
   * Reads a field name and returns its index in {@link #FIELDS}, comparing bytes (no string is made), or -1
   * for another name.
   */
  private int fieldName() {
    if (!skipTo('"')) {
      return -1;
    }
    int start = pos;
    while (pos < in.length && in[pos] != '"') {
      pos++;
    }
    if (pos >= in.length) {
      return -1;
    }
    int length = pos - start;
    pos++;
    for (int f = 0; f < FIELDS.length; f++) {
      if (FIELDS[f].length == length && Arrays.equals(FIELDS[f], 0, length, in, start, pos - 1)) {
        return f;
      }
    }
    return -1;
  }

  /** Reads one field's value into the builder; returns the field's bit, or -1 when it cannot. */
  private int field(int field, Event.Builder builder) {
    int bit = 1 << field;
    switch (field) {
      case ID, EVENT_TYPE, STREAM_ID -> {
        String text = field == STREAM_ID ? streamId() : string();
        if (text == null) {
          return -1;
        }
        return switch (field) {
          case ID -> bit(builder.id(text), bit);
          case EVENT_TYPE -> bit(builder.eventType(text), bit);
          default -> bit(builder.streamId(text), bit);
        };
      }
      case TIMESTAMP -> {
        return timestamp(builder) ? bit : -1;
      }
      case COMMAND_ID -> {
        if (literal("null")) {
          return bit(builder.commandId(null), bit);
        }
        String text = string();
        return text == null ? -1 : bit(builder.commandId(text), bit);
      }
      case VERSION -> {
        Object number = number();
        return number instanceof Long version ? bit(builder.version(version), bit) : -1;
      }
      case DATA -> {
        if (literal("null")) {
          return bit(builder.data(Map.of()), bit);
        }
        Object data = value(1);
        return data instanceof Map<?, ?> ? bit(builder.normalisedData(cast(data)), bit) : -1;
      }
      case METADATA -> {
        return metadata(builder) ? bit : -1;
      }
      default -> {
        return -1;
      }
    }
  }

  private static int bit(Event.Builder ignored, int bit) {
    return bit;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object map) {
    return (Map<String, Object>) map;
  }

  /** Reads the timestamp, in its canonical form straight from the bytes, else through a string. */
  private boolean timestamp(Event.Builder builder) {
    int end = stringEnd();
    if (end < 0) {
      return false;
    }
    int start = pos;
    pos = end + 1;
    Instant instant = Timestamps.canonical(new Ascii(in, start, end));
    if (instant == null) {
      try {
        instant = Instant.parse(latin1(start, end));
      } catch (DateTimeException e) {
        return false;
      }
    }
    builder.timestamp(instant);
    return true;
  }

  private boolean metadata(Event.Builder builder) {
    if (literal("null")) {
      builder.metadata(Map.of());
      return true;
    }
    if (!skipTo('{')) {
      return false;
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    if (!peekIs('}')) {
      do {
        String key = string();
        String value = key != null && skipTo(':') ? string() : null;
        if (value == null || metadata.put(key, value) != null) {
          return false;
        }
      } while (skipTo(','));
    }
    builder.metadata(metadata);
    return skipTo('}');
  }

  /** A JSON value at a nesting depth, or {@link Invalid#VALUE}. */
  private Object value(int depth) {
    skipBlanks();
    if (pos >= in.length || depth > MAX_DEPTH) {
      return Invalid.VALUE;
    }
    byte b = in[pos];
    return switch (b) {
      case '"' -> {
        String text = string();
        yield text == null ? Invalid.VALUE : text;
      }
      case '{' -> object(depth);
      case '[' -> array(depth);
      case 't' -> literal("true") ? Boolean.TRUE : Invalid.VALUE;
      case 'f' -> literal("false") ? Boolean.FALSE : Invalid.VALUE;
      case 'n' -> literal("null") ? null : Invalid.VALUE;
      default -> b == '-' || (b >= '0' && b <= '9') ? number() : Invalid.VALUE;
    };
  }

  private Object object(int depth) {
    pos++;
    Map<String, Object> map = new LinkedHashMap<>();
    if (!peekIs('}')) {
      do {
        String key = string();
        if (key == null || !skipTo(':')) {
          return Invalid.VALUE;
        }
        Object value = value(depth + 1);
        if (value == Invalid.VALUE || map.containsKey(key)) {
          return Invalid.VALUE;
        }
        map.put(key, value);
      } while (skipTo(','));
    }
    if (!skipTo('}')) {
      return Invalid.VALUE;
    }
    return map.isEmpty() ? Map.of() : Collections.unmodifiableMap(map);
  }

  private Object array(int depth) {
    pos++;
    List<Object> list = new ArrayList<>();
    if (!peekIs(']')) {
      do {
        Object value = value(depth + 1);
        if (value == Invalid.VALUE) {
          return Invalid.VALUE;
        }
        list.add(value);
      } while (skipTo(','));
    }
    return skipTo(']') ? Collections.unmodifiableList(list) : Invalid.VALUE;
  }

  /** Like {@link #string()}, but the expected stream id itself when the bytes spell it. */
  private String streamId() {
    int end = stringEnd();
    if (end < 0) {
      return null;
    }
    int start = pos;
    pos = end + 1;
    return spells(expectedStreamId, start, end) ? expectedStreamId : latin1(start, end);
  }

  private boolean spells(String text, int start, int end) {
    if (text == null || text.length() != end - start) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) != (in[start + i] & 0xFF)) {
        return false;
      }
    }
    return true;
  }

  /** An ASCII string without escapes or control characters, or {@code null}. */
  private String string() {
    int end = stringEnd();
    if (end < 0) {
      return null;
    }
    int start = pos;
    pos = end + 1;
    return latin1(start, end);
  }

  /**
   * Moves to the content of the next string and returns the index of its closing quote, or -1 when it is no
   * plain ASCII string (escapes, control characters, bytes of 0x80 and above, no closing quote).
   */
  private int stringEnd() {
    if (!skipTo('"')) {
      return -1;
    }
    for (int i = pos; i < in.length; i++) {
      byte b = in[i];
      if (b == '"') {
        return i;
      }
      if (b < 0x20 || b == '\\') {
        return -1; // also every byte >= 0x80, negative as a Java byte: not ASCII
      }
    }
    return -1;
  }

  private String latin1(int start, int end) {
    return new String(in, start, end - start, StandardCharsets.ISO_8859_1);
  }

  /**
   * A JSON number: a {@link Long} when it is an integer that fits, a finite {@link Double} when it has a
   * fraction or an exponent, else {@link Invalid#VALUE} (leading zeros, a missing digit, an overflow).
   */
  private Object number() {
    skipBlanks();
    int start = pos;
    boolean negative = peekByte('-');
    if (negative) {
      pos++;
    }
    int digitsStart = pos;
    if (!digits()) {
      return Invalid.VALUE;
    }
    if (in[digitsStart] == '0' && pos - digitsStart > 1) {
      return Invalid.VALUE;
    }
    boolean integral = true;
    if (peekByte('.')) {
      pos++;
      integral = false;
      if (!digits()) {
        return Invalid.VALUE;
      }
    }
    if (peekByte('e') || peekByte('E')) {
      pos++;
      integral = false;
      if (peekByte('+') || peekByte('-')) {
        pos++;
      }
      if (!digits()) {
        return Invalid.VALUE;
      }
    }
    if (pos - start > MAX_NUMBER_CHARS || !delimiterFollows()) {
      return Invalid.VALUE;
    }
    return integral ? integer(digitsStart, negative) : decimal(start);
  }

  private Object integer(int digitsStart, boolean negative) {
    if (pos - digitsStart > 18) {
      return Invalid.VALUE; // may not fit: Jackson's path decides (Long, or a BigInteger the event refuses)
    }
    long value = 0;
    for (int i = digitsStart; i < pos; i++) {
      value = value * 10 + (in[i] - '0');
    }
    return negative ? -value : value;
  }

  private Object decimal(int start) {
    double value = Double.parseDouble(new String(in, start, pos - start, StandardCharsets.ISO_8859_1));
    return Double.isFinite(value) ? (Object) value : Invalid.VALUE;
  }

  private boolean digits() {
    int start = pos;
    while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
      pos++;
    }
    return pos > start;
  }

  private boolean literal(String word) {
    skipBlanks();
    int length = word.length();
    if (pos + length > in.length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (in[pos + i] != word.charAt(i)) {
        return false;
      }
    }
    int end = pos;
    pos += length;
    if (!delimiterFollows()) {
      pos = end;
      return false;
    }
    return true;
  }

  /** After a number or literal: the end, a blank, or a structural character (else e.g. {@code 1x}). */
  private boolean delimiterFollows() {
    if (pos >= in.length) {
      return true;
    }
    byte b = in[pos];
    return b == ',' || b == '}' || b == ']' || b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }

  /** Skips blanks; consumes {@code c} and returns true when it comes next. */
  private boolean skipTo(char c) {
    skipBlanks();
    if (pos < in.length && in[pos] == c) {
      pos++;
      return true;
    }
    return false;
  }

  private boolean peekIs(char c) {
    skipBlanks();
    return pos < in.length && in[pos] == c;
  }

  private boolean peekByte(char c) {
    return pos < in.length && in[pos] == c;
  }

  private boolean atEnd() {
    skipBlanks();
    return pos == in.length;
  }

  private void skipBlanks() {
    while (pos < in.length) {
      byte b = in[pos];
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return;
      }
      pos++;
    }
  }

  /** A view of ASCII bytes as characters, without copying them. */
  private record Ascii(byte[] bytes, int start, int end) implements CharSequence {

    @Override
    public int length() {
      return end - start;
    }

    @Override
    public char charAt(int index) {
      return (char) bytes[start + index];
    }

    @Override
    public CharSequence subSequence(int from, int to) {
      return new Ascii(bytes, start + from, start + to);
    }

    @Override
    public String toString() {
      return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
    }
  }

  /** Marks a value the scanner does not take. */
  private enum Invalid {
    VALUE
  }
}
