package dev.aether.event;

import dev.aether.support.JsonValues;
import dev.aether.support.Timestamps;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
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

  /** The longest string {@link #name()} caches. */
  private static final int MAX_CACHED_NAME = 48;
  /** The longest string value {@link #shortValue()} caches. */
  private static final int MAX_CACHED_VALUE = 8;
  /** Recently read names, by a hash of their bytes (a power of two). */
  private static final CachedName[] NAMES = new CachedName[1024];

  /**
   * The second ({@code yyyy-MM-ddTHH:mm:ss}, 19 bytes) of the canonical timestamp any scanner parsed last, with
   * its epoch second: events read one after another were mostly written within the same second, also across
   * commits. A racy field of an immutable record: a stale or missing one only costs a full parse.
   */
  private static LastSecond lastSecond;

  /** A canonical timestamp's first 19 bytes and their epoch second. */
  private record LastSecond(byte[] text, long epochSecond) {}

  /** A cached name with its bytes. */
  private record CachedName(String name, byte[] bytes) {}

  /**
   * The keys of the data objects last read per event type (by the type's hash), shared by all scanners: the
   * data of one event type has the same keys in the same order, which {@link #dataInShape} compares as bytes
   * instead of hashing and looking each key up, and the objects share one key array. A racy array of
   * immutable records, like {@link #NAMES}: a miss only costs the general path.
   */
  private static final Shape[] SHAPES = new Shape[64];

  /**
   * A data object's shape: its event type, an object of that shape, and per key the bytes the writer puts
   * before its value ({@code "key":}).
   */
  private record Shape(String eventType, Map<String, Object> object, byte[][] keys) {}

  private final byte[] in;
  /** The event type of the event being read, once read (the writer puts it before the data); else null. */
  private String eventType;
  /** A stream id the caller expects, shared by the event instead of a copy when it matches; or null. */
  private final String expectedStreamId;
  /** Its bytes, compared with the input's in one call; null when it is not ASCII (then it never matches). */
  private final byte[] expectedStreamIdBytes;
  private int pos;
  /** Where the last canonical timestamp parsed starts in {@link #in} (-1: none yet), and its epoch second. */
  private int secondStart = -1;
  private long second;

  /**
   * The expected stream id as the writer writes it, quotes included, when that is its plain form (ASCII without
   * quotes, backslashes or control characters, which the writer would escape); else null.
   */
  private final byte[] expectedStreamIdQuoted;
  /** The event type this scanner read last, and its bytes with quotes. */
  private String lastType;
  private byte[] lastTypeQuoted;

  private EventJsonScanner(byte[] in, String expectedStreamId) {
    this.in = in;
    this.expectedStreamId = expectedStreamId;
    this.expectedStreamIdBytes = expectedStreamId == null ? null : latin1Bytes(expectedStreamId);
    this.expectedStreamIdQuoted = plainQuoted(expectedStreamId);
  }

  private static byte[] plainQuoted(String text) {
    if (text == null) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
        return null;
      }
    }
    return ascii("\"" + text + "\"");
  }

  /** A string's bytes when it is all Latin-1 (one byte per character, as the scanner's strings are), else null. */
  private static byte[] latin1Bytes(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 0x7F) {
        return null;
      }
    }
    return text.getBytes(StandardCharsets.ISO_8859_1);
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

  /**
   * Reads a JSON array of events of the plain form (a commit of several events), in one pass.
   *
   * @param json UTF-8 JSON bytes
   * @param expectedStreamId a stream id the events share when their own is equal, or {@code null}
   * @return the events, or {@code null} when the array is empty, or any part is not of the plain form or not a
   *     valid event
   */
  static List<Event> readArray(byte[] json, String expectedStreamId) {
    if (json.length > MAX_BYTES) {
      return null;
    }
    try {
      return new EventJsonScanner(json, expectedStreamId).events();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private List<Event> events() {
    if (!skipTo('[')) {
      return null;
    }
    List<Event> events = new ArrayList<>();
    do {
      Event event = object();
      if (event == null) {
        return null;
      }
      events.add(event);
    } while (skipTo(','));
    return skipTo(']') && atEnd() ? events : null;
  }

  private Event event() {
    Event event = object();
    return event != null && atEnd() ? event : null;
  }

  /**
   * The writer's fields in its order, each with the separator before it: {@link EventJsonWriter} writes
   * {@code {"id":..,"eventType":..,"actorId":..[,"commandId":..],"version":..,"data":..[,"metadata":..],
   * "timestamp":..}} without blanks, which {@link #writerOrder()} reads without looking field names up.
   */
  private static final byte[] OPEN_ID = ascii("{\"id\":");
  private static final byte[] NEXT_EVENT_TYPE = ascii(",\"eventType\":");
  private static final byte[] NEXT_STREAM_ID = ascii(",\"actorId\":");
  private static final byte[] NEXT_COMMAND_ID = ascii(",\"commandId\":");
  private static final byte[] NEXT_VERSION = ascii(",\"version\":");
  private static final byte[] NEXT_DATA = ascii(",\"data\":");
  private static final byte[] NEXT_METADATA = ascii(",\"metadata\":");
  private static final byte[] NEXT_TIMESTAMP = ascii(",\"timestamp\":");

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Reads one event object from the current position, leaving the position after its closing brace: in the
   * writer's field order when it is in it ({@link #writerOrder()}), else field by field in any order.
   */
  private Event object() {
    eventType = null;
    int start = pos;
    Event event = writerOrder();
    if (event != null) {
      return event;
    }
    pos = start;
    eventType = null;
    return anyOrder();
  }

  /**
   * Reads an event object whose fields come exactly as the writer writes them (order, no blanks), with the same
   * value readers as {@link #anyOrder()}, so it gives the very event that would; null (position anywhere) for
   * any other object, which {@link #anyOrder()} then reads from the start. Each field comes at most once and the
   * required ones always, by construction.
   */
  private Event writerOrder() {
    if (!literalAt(OPEN_ID)) {
      return null;
    }
    Event.Builder builder = Event.builder().limits(PayloadLimits.CEILINGS);
    if (field(ID, builder) < 0 || !literalAt(NEXT_EVENT_TYPE) || field(EVENT_TYPE, builder) < 0
        || !literalAt(NEXT_STREAM_ID) || field(STREAM_ID, builder) < 0) {
      return null;
    }
    if (literalAt(NEXT_COMMAND_ID) && field(COMMAND_ID, builder) < 0) {
      return null;
    }
    if (!literalAt(NEXT_VERSION) || field(VERSION, builder) < 0 || !literalAt(NEXT_DATA)
        || field(DATA, builder) < 0) {
      return null;
    }
    if (literalAt(NEXT_METADATA) && field(METADATA, builder) < 0) {
      return null;
    }
    if (!literalAt(NEXT_TIMESTAMP) || field(TIMESTAMP, builder) < 0 || pos >= in.length || in[pos] != '}') {
      return null;
    }
    pos++;
    return builder.build();
  }

  /** Consumes {@code text} when the input holds it at the current position, without blanks. */
  private boolean literalAt(byte[] text) {
    if (pos + text.length > in.length || !regionIs(text, pos, text.length)) {
      return false;
    }
    pos += text.length;
    return true;
  }

  /** Reads one event object with its fields in any order. */
  private Event anyOrder() {
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
    if (!skipTo('}') || (seen & REQUIRED) != REQUIRED) {
      return null;
    }
    return builder.build();
  }

  /**
   * Reads a field name and returns its index in {@link #FIELDS}, comparing bytes (no string is made) with the
   * one field its length and first byte point to, or -1 for another name.
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
    int candidate = switch (length) {
      case 2 -> ID;
      case 4 -> DATA;
      case 7 -> in[start] == 'a' ? STREAM_ID : VERSION;
      case 8 -> METADATA;
      case 9 -> in[start] == 'e' ? EVENT_TYPE : in[start] == 'c' ? COMMAND_ID : TIMESTAMP;
      default -> -1;
    };
    return candidate >= 0 && regionIs(FIELDS[candidate], start, length) ? candidate : -1;
  }

  /** Reads one field's value into the builder; returns the field's bit, or -1 when it cannot. */
  private int field(int field, Event.Builder builder) {
    int bit = 1 << field;
    switch (field) {
      case ID, EVENT_TYPE, STREAM_ID -> {
        String text = switch (field) {
          case STREAM_ID -> streamId();
          case EVENT_TYPE -> typeName();
          default -> string();
        };
        if (text == null) {
          return -1;
        }
        return switch (field) {
          case ID -> bit(builder.id(text), bit);
          case EVENT_TYPE -> {
            eventType = text;
            yield bit(builder.eventType(text), bit);
          }
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
        Object data = data();
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

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Map<String, String> stringMap(Map<String, Object> onlyStrings) {
    return (Map) onlyStrings;
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
    Instant instant = sameSecond(start, end);
    if (instant == null) {
      instant = Timestamps.canonical(new Ascii(in, start, end));
      if (instant != null) {
        secondStart = start;
        second = instant.getEpochSecond();
        lastSecond = new LastSecond(Arrays.copyOfRange(in, start, start + SECOND_CHARS), second);
      }
    }
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

  /**
   * The events of a commit were mostly written within one second: a canonical timestamp whose first 19
   * characters ({@code yyyy-MM-ddTHH:mm:ss}) are those of the last one parsed takes its second and only parses
   * the fraction; null otherwise.
   */
  private Instant sameSecond(int start, int end) {
    int n = end - start;
    if (n < 20 || n > 30 || in[end - 1] != 'Z' || (n > 20 && in[start + 19] != '.')) {
      return null;
    }
    if (secondStart < 0 || !sameSecondText(in, secondStart, start)) {
      LastSecond last = lastSecond;
      if (last == null || !sameSecondText(last.text(), 0, start)) {
        return null;
      }
      secondStart = start;
      second = last.epochSecond();
    }
    int nanos = n == 20 ? 0 : fraction(start + 20, end - 1);
    return nanos < 0 ? null : Instant.ofEpochSecond(second, nanos);
  }

  private static final int SECOND_CHARS = 19;

  /** Whether {@code in[start, start + 19)} equals {@code text[from, from + 19)}: three overlapping words. */
  private boolean sameSecondText(byte[] text, int from, int start) {
    return (long) LONGS.get(text, from) == (long) LONGS.get(in, start)
        && (long) LONGS.get(text, from + 8) == (long) LONGS.get(in, start + 8)
        && (long) LONGS.get(text, from + 11) == (long) LONGS.get(in, start + 11);
  }

  /** {@link Timestamps#fraction} on the bytes {@code in[from, to)}: 1 to 9 digits as nanoseconds, else -1. */
  private int fraction(int from, int to) {
    int count = to - from;
    if (count < 1 || count > 9) {
      return -1;
    }
    int value = 0;
    for (int i = from; i < to; i++) {
      int digit = in[i] - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      value = value * 10 + digit;
    }
    for (int i = count; i < 9; i++) {
      value *= 10;
    }
    return value;
  }

  private boolean metadata(Event.Builder builder) {
    if (literal("null")) {
      builder.metadata(Map.of());
      return true;
    }
    if (!skipTo('{')) {
      return false;
    }
    JsonValues.ObjectBuilder metadata = new JsonValues.ObjectBuilder();
    if (!peekIs('}')) {
      do {
        String key = name();
        String value = key != null && skipTo(':') ? string() : null;
        if (value == null || !metadata.add(key, value)) {
          return false;
        }
      } while (skipTo(','));
    }
    builder.metadata(stringMap(metadata.build()));
    return skipTo('}');
  }

  /**
   * An event's data object: in the shape last seen for its event type when it has that shape
   * ({@link #dataInShape}), else by the general reader, whose object then becomes the type's shape. Both read
   * each value with {@link #value}, so they give equal objects.
   */
  private Object data() {
    skipBlanks();
    int start = pos;
    String type = eventType;
    Shape shape = type == null ? null : SHAPES[type.hashCode() & (SHAPES.length - 1)];
    if (shape != null && shape.eventType().equals(type)) {
      Object data = dataInShape(shape.keys(), shape.object());
      if (data != null) {
        return data;
      }
      pos = start;
    }
    Object data = value(1);
    if (type != null && data instanceof Map<?, ?> map && JsonValues.isImmutableObject(map)) {
      SHAPES[type.hashCode() & (SHAPES.length - 1)] = shapeOf(type, cast(map));
    }
    return data;
  }

  private static Shape shapeOf(String eventType, Map<String, Object> object) {
    byte[][] keys = new byte[object.size()][];
    int i = 0;
    for (String key : object.keySet()) {
      keys[i++] = ascii("\"" + key + "\":");
    }
    return new Shape(eventType, object, keys);
  }

  /**
   * Reads an object whose keys are exactly {@code keys}, in that order, written without blanks; null (position
   * anywhere) for anything else, which the general reader then reads from the start.
   */
  private Object dataInShape(byte[][] keys, Map<String, Object> shape) {
    if (!peekByte('{')) {
      return null;
    }
    pos++;
    Object[] values = new Object[keys.length];
    for (int i = 0; i < keys.length; i++) {
      if (i > 0 && !literalAt(COMMA)) {
        return null;
      }
      if (!literalAt(keys[i])) {
        return null;
      }
      Object value = value(2);
      if (value == Invalid.VALUE) {
        return null;
      }
      values[i] = value;
    }
    if (!peekByte('}')) {
      return null;
    }
    pos++;
    return JsonValues.withValuesOf(shape, values);
  }

  private static final byte[] COMMA = ascii(",");

  /** A JSON value at a nesting depth, or {@link Invalid#VALUE}. */
  private Object value(int depth) {
    skipBlanks();
    if (pos >= in.length || depth > MAX_DEPTH) {
      return Invalid.VALUE;
    }
    byte b = in[pos];
    return switch (b) {
      case '"' -> {
        String text = shortValue();
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
    JsonValues.ObjectBuilder object = new JsonValues.ObjectBuilder();
    if (!peekIs('}')) {
      do {
        String key = name();
        if (key == null || !skipTo(':')) {
          return Invalid.VALUE;
        }
        Object value = value(depth + 1);
        if (value == Invalid.VALUE || !object.add(key, value)) {
          return Invalid.VALUE;
        }
      } while (skipTo(','));
    }
    if (!skipTo('}')) {
      return Invalid.VALUE;
    }
    return object.build();
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

  /**
   * Like {@link #name()}, but first compared with the event type this scanner read last, quotes included
   * (the events of a commit mostly share their type): no scan for the end, no hash.
   */
  private String typeName() {
    if (lastTypeQuoted != null && literalAt(lastTypeQuoted)) {
      return lastType;
    }
    String type = name();
    if (type != null) {
      lastType = type;
      lastTypeQuoted = ascii("\"" + type + "\"");
    }
    return type;
  }

  /** Like {@link #string()}, but the expected stream id itself when the bytes spell it. */
  private String streamId() {
    if (expectedStreamIdQuoted != null && literalAt(expectedStreamIdQuoted)) {
      return expectedStreamId;
    }
    int end = stringEnd();
    if (end < 0) {
      return null;
    }
    int start = pos;
    pos = end + 1;
    return spells(expectedStreamIdBytes, start, end) ? expectedStreamId : latin1(start, end);
  }

  private boolean spells(byte[] text, int start, int end) {
    return text != null && regionIs(text, start, end - start);
  }

  /**
   * Whether {@code in[start, start + length)} holds the bytes of {@code text}: eight bytes at a time, then the
   * last eight (overlapping) or, for a text shorter than eight, byte by byte.
   */
  private boolean regionIs(byte[] text, int start, int length) {
    if (text.length != length) {
      return false;
    }
    if (length < Long.BYTES) {
      for (int i = 0; i < length; i++) {
        if (text[i] != in[start + i]) {
          return false;
        }
      }
      return true;
    }
    for (int i = 0; i < length - Long.BYTES; i += Long.BYTES) {
      if ((long) LONGS.get(text, i) != (long) LONGS.get(in, start + i)) {
        return false;
      }
    }
    int last = length - Long.BYTES;
    return (long) LONGS.get(text, last) == (long) LONGS.get(in, start + last);
  }


  /**
   * Like {@link #string()}, for strings that repeat across events (event types, keys): a short one is taken
   * from a small cache shared by all scanners when the bytes spell it, so decoded events share one string
   * instead of holding a copy each. The cache is a racy array of immutable strings: a miss only costs a copy.
   */
  private String name() {
    return cached(MAX_CACHED_NAME, true);
  }

  /**
   * Like {@link #string()}; a string value of at most {@value #MAX_CACHED_VALUE} characters (codes, currencies,
   * states: values that repeat) is shared through the same cache, not interned.
   */
  private String shortValue() {
    return cached(MAX_CACHED_VALUE, false);
  }

  private String cached(int maxLength, boolean intern) {
    int end = stringEnd();
    if (end < 0) {
      return null;
    }
    int start = pos;
    pos = end + 1;
    if (end - start > maxLength) {
      return latin1(start, end);
    }
    long h = end - start;
    int i = start;
    for (; i <= end - Long.BYTES; i += Long.BYTES) {
      h = h * 0x9E3779B97F4A7C15L + (long) LONGS.get(in, i);
    }
    for (; i < end; i++) {
      h = h * 31 + in[i];
    }
    h *= 0x9E3779B97F4A7C15L;
    int slot = (int) (h >>> 54) & (NAMES.length - 1);
    CachedName cached = NAMES[slot];
    if (cached != null && spells(cached.bytes(), start, end)) {
      return cached.name();
    }
    // Interned: the record components and field names a reader compares keys with are interned literals, so
    // lookups by them mostly succeed on identity.
    String name = intern ? latin1(start, end).intern() : latin1(start, end);
    NAMES[slot] = new CachedName(name, Arrays.copyOfRange(in, start, end));
    return name;
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
    int i = pos;
    // Eight bytes at a time: stop at the first word holding a quote, a backslash, a control character or a
    // byte of 0x80 and above, then look at its bytes one by one.
    for (int last = in.length - Long.BYTES; i <= last; i += Long.BYTES) {
      long word = (long) LONGS.get(in, i);
      if (special(word) != 0) {
        break;
      }
    }
    for (; i < in.length; i++) {
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

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /**
   * Non-zero when a byte of the word is a quote, a backslash, below 0x20 or 0x80 and above (each such byte's
   * high bit set, possibly with false positives above the first, which the byte loop then sorts out).
   */
  private static long special(long word) {
    long quote = word ^ (ONES * '"');
    long backslash = word ^ (ONES * '\\');
    return ((quote - ONES) & ~quote | (backslash - ONES) & ~backslash | (word - ONES * 0x20) | word) & HIGHS;
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
    if (pos < in.length && in[pos] == c) {
      pos++; // the plain form has no blanks: the usual case
      return true;
    }
    skipBlanks();
    if (pos < in.length && in[pos] == c) {
      pos++;
      return true;
    }
    return false;
  }

  private boolean peekIs(char c) {
    if (pos < in.length && in[pos] == c) {
      return true;
    }
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
