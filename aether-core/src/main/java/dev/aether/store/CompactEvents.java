package dev.aether.store;

import dev.aether.event.Event;
import dev.aether.event.EventMetadata;
import dev.aether.event.PayloadLimits;
import dev.aether.support.CanonicalUuids;
import dev.aether.support.JsonValues;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The form in which {@link InMemoryEventStore} keeps events: one byte array each, a fifth of the heap of the
 * event object with its strings, maps and instant (the store keeps every event for its lifetime; issue 12's
 * goal is a heap per stored event no larger than Apache Pekko's in-memory journal). Decoding gives an event
 * equal to the one encoded.
 *
 * <p>Layout: the version (first, so that a history is searched without decoding the rest), a flag byte, the id
 * (16 bytes for a canonical lower-case UUID, else a string), the event type (a name), the command id (likewise,
 * when present), the timestamp (seconds and nanoseconds, variable-length), the metadata (nothing when it is
 * exactly the runtime's default, causation and correlation ids equal to the command id; else its entries), and
 * the data's entries as tagged binary JSON values. Numbers are variable-length (seven bits a byte; zig-zag for
 * signed ones), the nanoseconds four bytes. Names (event types and object keys) up to {@value #MAX_NAME_LENGTH}
 * characters go through a dictionary of this instance (at most {@value #MAX_NAMES} names; later ones are
 * written inline), so decoded events share one string per name. Strings are kept exactly: one byte a character
 * when all are below 0x80, else two.
 *
 * <p>Thread-safe: the dictionary only grows, and encoded arrays are never changed.
 */
final class CompactEvents {

  static final int MAX_NAME_LENGTH = 64;
  static final int MAX_NAMES = 4096;

  private static final int ID_UUID = 1;
  private static final int HAS_COMMAND = 1 << 1;
  private static final int COMMAND_UUID = 1 << 2;
  private static final int DEFAULT_METADATA = 1 << 3;

  private static final int NULL = 0;
  private static final int FALSE = 1;
  private static final int TRUE = 2;
  private static final int LONG = 3;
  private static final int DOUBLE = 4;
  private static final int STRING = 5;
  private static final int OBJECT = 6;
  private static final int ARRAY = 7;
  private static final int UUID_STRING = 8;


  private final ConcurrentHashMap<String, Integer> nameIndex = new ConcurrentHashMap<>();
  private final AtomicReferenceArray<String> names = new AtomicReferenceArray<>(MAX_NAMES);

  /**
   * Encodes an event.
   *
   * @param event the event
   * @return its bytes
   */
  byte[] encode(Event event) {
    Out out = new Out();
    out.unsigned(event.version());
    String commandId = event.commandId().orElse(null);
    long[] id = uuid(event.id());
    long[] command = commandId == null ? null : uuid(commandId);
    boolean defaultMetadata = commandId != null && isDefaultMetadata(event.metadata(), commandId);
    out.write((id != null ? ID_UUID : 0) | (commandId != null ? HAS_COMMAND : 0)
        | (command != null ? COMMAND_UUID : 0) | (defaultMetadata ? DEFAULT_METADATA : 0));
    idOrString(out, id, event.id());
    name(out, event.eventType());
    if (commandId != null) {
      idOrString(out, command, commandId);
    }
    out.varLong(event.timestamp().getEpochSecond());
    out.fixedInt(event.timestamp().getNano());
    if (!defaultMetadata) {
      out.varInt(event.metadata().size());
      for (Map.Entry<String, String> entry : event.metadata().entrySet()) {
        name(out, entry.getKey());
        string(out, entry.getValue());
      }
    }
    entries(out, event.data()); // the data is always an object: no tag
    return out.toArray();
  }

  /**
   * The version of an encoded event, read without decoding it.
   *
   * @param encoded what {@link #encode} made
   * @return the version
   */
  static long version(byte[] encoded) {
    return new In(encoded).unsigned();
  }

  /**
   * Decodes an event.
   *
   * @param encoded what {@link #encode} made
   * @param streamId the stream it belongs to
   * @return an event equal to the one encoded
   */
  @SuppressWarnings("unchecked")
  Event decode(byte[] encoded, String streamId) {
    In in = new In(encoded);
    long version = in.unsigned();
    int flags = in.read();
    String id = (flags & ID_UUID) != 0 ? in.uuid() : in.string();
    String eventType = readName(in);
    String commandId = (flags & HAS_COMMAND) == 0 ? null : (flags & COMMAND_UUID) != 0 ? in.uuid() : in.string();
    Instant timestamp = Instant.ofEpochSecond(in.varLong(), in.fixedInt());
    Event.Builder builder = Event.builder().limits(PayloadLimits.CEILINGS).id(id).eventType(eventType)
        .streamId(streamId).commandId(commandId).version(version).timestamp(timestamp);
    if ((flags & DEFAULT_METADATA) != 0) {
      builder.causationId(commandId).correlationId(commandId);
    } else {
      for (int n = in.varInt(); n > 0; n--) {
        builder.metadata(readName(in), in.string());
      }
    }
    return builder.data(readEntries(in)).build();
  }

  private static boolean isDefaultMetadata(Map<String, String> metadata, String commandId) {
    if (metadata.size() != 2) {
      return false;
    }
    var entries = metadata.entrySet().iterator();
    var first = entries.next();
    var second = entries.next();
    return first.getKey().equals(EventMetadata.CAUSATION_ID) && first.getValue().equals(commandId)
        && second.getKey().equals(EventMetadata.CORRELATION_ID) && second.getValue().equals(commandId);
  }

  private static void idOrString(Out out, long[] uuid, String text) {
    if (uuid != null) {
      out.fixedLong(uuid[0]);
      out.fixedLong(uuid[1]);
    } else {
      string(out, text);
    }
  }

  private void name(Out out, String name) {
    int index = name.length() <= MAX_NAME_LENGTH ? indexOf(name) : -1;
    if (index >= 0) {
      out.varInt(index + 1);
    } else {
      out.varInt(0);
      string(out, name);
    }
  }

  /** The dictionary index of a name, adding it while there is room; -1 when the dictionary is full. */
  private int indexOf(String name) {
    Integer index = nameIndex.get(name);
    if (index != null) {
      return index;
    }
    synchronized (nameIndex) {
      index = nameIndex.get(name);
      if (index != null) {
        return index;
      }
      int next = nameIndex.size();
      if (next >= MAX_NAMES) {
        return -1;
      }
      names.set(next, name); // published before the index that leads to it
      nameIndex.put(name, next);
      return next;
    }
  }

  private String readName(In in) {
    int index = in.varInt();
    return index == 0 ? in.string() : names.get(index - 1);
  }

  private static void string(Out out, String s) {
    int length = s.length();
    boolean ascii = true;
    for (int i = 0; i < length && ascii; i++) {
      ascii = s.charAt(i) < 0x80;
    }
    out.varInt(length << 1 | (ascii ? 0 : 1));
    if (ascii) {
      out.ascii(s);
    } else {
      for (int i = 0; i < length; i++) {
        char c = s.charAt(i);
        out.write(c >>> 8);
        out.write(c);
      }
    }
  }

  private void value(Out out, Object value) {
    switch (value) {
      case null -> out.write(NULL);
      case Boolean b -> out.write(b ? TRUE : FALSE);
      case Long l -> {
        out.write(LONG);
        out.varLong(l);
      }
      case Double d -> {
        out.write(DOUBLE);
        out.fixedLong(Double.doubleToRawLongBits(d));
      }
      case String s -> {
        long[] uuid = uuid(s);
        out.write(uuid != null ? UUID_STRING : STRING);
        idOrString(out, uuid, s);
      }
      case Map<?, ?> map -> {
        out.write(OBJECT);
        entries(out, map);
      }
      case List<?> list -> {
        out.write(ARRAY);
        out.varInt(list.size());
        for (Object item : list) {
          value(out, item);
        }
      }
      default -> throw new IllegalStateException("not a normalised JSON value: " + value.getClass().getName());
    }
  }

  private void entries(Out out, Map<?, ?> map) {
    out.varInt(map.size());
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      name(out, (String) entry.getKey());
      value(out, entry.getValue());
    }
  }

  private Map<String, Object> readEntries(In in) {
    int n = in.varInt();
    JsonValues.ObjectBuilder object = new JsonValues.ObjectBuilder(n);
    for (int i = 0; i < n; i++) {
      object.add(readName(in), readValue(in));
    }
    return object.build();
  }

  private Object readValue(In in) {
    int tag = in.read();
    return switch (tag) {
      case NULL -> null;
      case FALSE -> Boolean.FALSE;
      case TRUE -> Boolean.TRUE;
      case LONG -> in.varLong();
      case DOUBLE -> Double.longBitsToDouble(in.fixedLong());
      case STRING -> in.string();
      case UUID_STRING -> in.uuid();
      case OBJECT -> readEntries(in);
      case ARRAY -> {
        int n = in.varInt();
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          list.add(readValue(in));
        }
        yield list.isEmpty() ? List.of() : Collections.unmodifiableList(list);
      }
      default -> throw new IllegalStateException("corrupt compact event: tag " + tag);
    };
  }

  /** The two halves of a canonical lower-case UUID string ({@link CanonicalUuids}), else null. */
  static long[] uuid(String s) {
    UUID uuid = CanonicalUuids.parse(s);
    return uuid == null ? null : new long[] {uuid.getMostSignificantBits(), uuid.getLeastSignificantBits()};
  }

  /** A growing byte buffer. */
  private static final class Out {
    private byte[] bytes = new byte[96];
    private int size;

    void write(int b) {
      if (size == bytes.length) {
        bytes = Arrays.copyOf(bytes, size * 2);
      }
      bytes[size++] = (byte) b;
    }

    void fixedLong(long v) {
      for (int shift = 56; shift >= 0; shift -= 8) {
        write((int) (v >>> shift));
      }
    }

    void varInt(int v) {
      unsigned(v & 0xFFFFFFFFL);
    }

    void fixedInt(int v) {
      for (int shift = 24; shift >= 0; shift -= 8) {
        write(v >>> shift);
      }
    }

    /** A non-negative number, seven bits a byte. */
    void unsigned(long v) {
      while ((v & ~0x7FL) != 0) {
        write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      write((int) v);
    }

    /** Zig-zag, then seven bits a byte. */
    void varLong(long v) {
      unsigned((v << 1) ^ (v >> 63));
    }

    void ascii(String s) {
      if (size + s.length() > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + s.length()));
      }
      for (int i = 0; i < s.length(); i++) {
        bytes[size++] = (byte) s.charAt(i);
      }
    }

    byte[] toArray() {
      return Arrays.copyOf(bytes, size);
    }
  }

  /** A reader of what {@link Out} wrote. */
  private static final class In {
    private final byte[] bytes;
    private int pos;

    In(byte[] bytes) {
      this.bytes = bytes;
    }

    int read() {
      return bytes[pos++] & 0xFF;
    }

    long fixedLong() {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = v << 8 | read();
      }
      return v;
    }

    int varInt() {
      return (int) unsigned();
    }

    int fixedInt() {
      return read() << 24 | read() << 16 | read() << 8 | read();
    }

    long unsigned() {
      long v = 0;
      int shift = 0;
      int b;
      do {
        b = read();
        v |= (long) (b & 0x7F) << shift;
        shift += 7;
      } while ((b & 0x80) != 0);
      return v;
    }

    long varLong() {
      long z = unsigned();
      return (z >>> 1) ^ -(z & 1);
    }

    String string() {
      int header = varInt();
      int length = header >>> 1;
      if ((header & 1) == 0) {
        String s = new String(bytes, pos, length, StandardCharsets.ISO_8859_1);
        pos += length;
        return s;
      }
      char[] chars = new char[length];
      for (int i = 0; i < length; i++) {
        chars[i] = (char) (read() << 8 | read());
      }
      return new String(chars);
    }

    String uuid() {
      return new UUID(fixedLong(), fixedLong()).toString();
    }
  }
}
