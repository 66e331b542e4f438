package dev.aether.runtime;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The runtime's snapshot envelope: the behaviour's state plus the actor's recent command ids, so that
 * idempotency survives passivation and restart. Form of {@code ActorSnapshot.state()}:
 * <pre>{@code {"state": {...behaviour state...}, "commandWindow": "AQKAwv...", "lastEventId": "0190..."}}</pre>
 * {@code lastEventId} is the id of the event at the snapshot's version, so that activation can check the
 * store still holds that very event; absent in snapshots written before it existed (then only the version is
 * checked). Stateless.
 *
 * <p>{@code commandWindow} is the window as one base64 string (standard alphabet, no padding) of these bytes:
 * a format byte {@code 1}, the number of entries (varint), then per entry, oldest first: a tag (varint:
 * {@code 0} for a canonical UUID id, followed by its 16 bytes, big-endian high then low half; {@code n + 1}
 * for any other id, followed by its {@code n} UTF-8 bytes), the first version as a zigzag varint of its
 * difference to the previous entry's last version + 1 (to 0 for the first entry), and the number of events
 * {@code lastVersion - firstVersion + 1} as a zigzag varint (arithmetic modulo 2^64, so any longs read back).
 * A UUID id of a command with one event following the previous one takes 19 bytes, 100 of them about 2.5 KB
 * of string; the former tuples took about 6 KB of lists, boxed longs and strings per snapshot (issue 12).
 *
 * <p>Snapshots written before issue 12 hold {@code "recentCommands": [["cmd-1", 4, 5], ["cmd-2", 6, 5], ...]}
 * ({@code [commandId, firstVersion, lastVersion]}) instead; they are still read. A runtime from before issue 12
 * finds no {@code recentCommands} in a new snapshot and ignores it (WARN), replaying every event: the window is
 * then rebuilt from the events, never read as empty.
 */
final class SnapshotCodec {

  static final String STATE = "state";
  static final String COMMAND_WINDOW = "commandWindow";
  static final String RECENT_COMMANDS = "recentCommands";
  static final String LAST_EVENT_ID = "lastEventId";

  private static final int FORMAT = 1;
  private static final int UUID_TAG = 0;
  /** The fewest bytes an entry takes (three one-byte varints), to refuse a count the bytes cannot hold. */
  private static final int MIN_ENTRY_BYTES = 3;

  private SnapshotCodec() {}

  /**
   * Builds the envelope.
   *
   * @param state the behaviour's state JSON
   * @param commands the actor's window, or {@code null} when it has none
   * @param lastEventId the id of the event at the snapshot's version, or {@code null}
   * @return the envelope
   */
  static Map<String, Object> encode(Map<String, Object> state, CommandWindow commands, String lastEventId) {
    Map<String, Object> envelope = new LinkedHashMap<>(4);
    envelope.put(STATE, state);
    envelope.put(COMMAND_WINDOW, Base64.getEncoder().withoutPadding().encodeToString(windowBytes(commands)));
    if (lastEventId != null) {
      envelope.put(LAST_EVENT_ID, lastEventId);
    }
    return envelope;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> state(Map<String, Object> envelope) {
    if (!(envelope.get(STATE) instanceof Map<?, ?> state)) {
      throw new IllegalArgumentException("snapshot has no \"state\" object");
    }
    return (Map<String, Object>) state;
  }

  /** @return the id of the snapshot's last event, or {@code null} when the snapshot does not record it */
  static String lastEventId(Map<String, Object> envelope) {
    return envelope.get(LAST_EVENT_ID) instanceof String id ? id : null;
  }

  /**
   * Reads the window of either form.
   *
   * @param envelope the snapshot's state
   * @return the entries, oldest first
   * @throws IllegalArgumentException when the envelope holds no window, or a damaged one
   */
  static List<CommandWindow.Entry> commands(Map<String, Object> envelope) {
    if (envelope.get(COMMAND_WINDOW) instanceof String window) {
      return readWindow(Base64.getDecoder().decode(window));
    }
    if (envelope.get(RECENT_COMMANDS) instanceof List<?> list) {
      return tuples(list);
    }
    throw new IllegalArgumentException("snapshot has no \"" + COMMAND_WINDOW + "\" string (nor a \""
        + RECENT_COMMANDS + "\" list)");
  }

  private static List<CommandWindow.Entry> tuples(List<?> list) {
    List<CommandWindow.Entry> out = new ArrayList<>(list.size());
    for (Object item : list) {
      if (!(item instanceof List<?> t) || t.size() != 3 || !(t.get(0) instanceof String id)
          || !(t.get(1) instanceof Long first) || !(t.get(2) instanceof Long last)) {
        throw new IllegalArgumentException("bad recentCommands entry " + item);
      }
      out.add(new CommandWindow.Entry(id, first, last));
    }
    return out;
  }

  private static byte[] windowBytes(CommandWindow window) {
    int size = window == null ? 0 : window.size();
    Bytes out = new Bytes(2 + 19 * size);
    out.put(FORMAT);
    out.putVarint(size);
    long next = 0;
    for (int i = 0; i < size; i++) {
      String text = window.textAt(i);
      if (text == null) {
        out.putVarint(UUID_TAG);
        out.putLong(window.highAt(i));
        out.putLong(window.lowAt(i));
      } else {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.putVarint(utf8.length + 1L);
        out.put(utf8);
      }
      long first = window.firstAt(i);
      long last = window.lastAt(i);
      out.putVarint(zigzag(first - next));
      out.putVarint(zigzag(last - first + 1));
      next = last + 1;
    }
    return out.toArray();
  }

  private static List<CommandWindow.Entry> readWindow(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (!in.hasRemaining() || in.get() != FORMAT) {
      throw new IllegalArgumentException("snapshot's \"" + COMMAND_WINDOW + "\" is not of format " + FORMAT);
    }
    long count = varint(in);
    if (count > in.remaining() / MIN_ENTRY_BYTES) {
      throw damaged("it claims " + count + " entries in " + in.remaining() + " bytes");
    }
    List<CommandWindow.Entry> out = new ArrayList<>((int) count);
    long next = 0;
    for (long n = 0; n < count; n++) {
      String id = readId(in);
      long first = next + unzigzag(varint(in));
      long last = first + unzigzag(varint(in)) - 1;
      out.add(new CommandWindow.Entry(id, first, last));
      next = last + 1;
    }
    if (in.hasRemaining()) {
      throw damaged(in.remaining() + " bytes follow its last entry");
    }
    return out;
  }

  private static String readId(ByteBuffer in) {
    long tag = varint(in);
    if (tag == UUID_TAG) {
      need(in, 16);
      return new UUID(in.getLong(), in.getLong()).toString();
    }
    need(in, tag - 1);
    ByteBuffer utf8 = in.slice(in.position(), (int) (tag - 1));
    in.position(in.position() + (int) (tag - 1));
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(utf8).toString();
    } catch (CharacterCodingException e) {
      throw damaged("a command id is not UTF-8");
    }
  }

  private static void need(ByteBuffer in, long bytes) {
    if (bytes > in.remaining()) {
      throw damaged("it ends within an entry");
    }
  }

  private static long varint(ByteBuffer in) {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      need(in, 1);
      byte b = in.get();
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw damaged("a number is longer than 64 bits");
  }

  private static long zigzag(long value) {
    return value << 1 ^ value >> 63;
  }

  private static long unzigzag(long value) {
    return value >>> 1 ^ -(value & 1);
  }

  private static IllegalArgumentException damaged(String why) {
    return new IllegalArgumentException("snapshot's \"" + COMMAND_WINDOW + "\" is damaged: " + why);
  }

  /** A growable byte array, written from the start. */
  private static final class Bytes {

    private byte[] bytes;
    private int length;

    Bytes(int capacity) {
      bytes = new byte[capacity];
    }

    void put(int b) {
      room(1);
      bytes[length++] = (byte) b;
    }

    void put(byte[] b) {
      room(b.length);
      System.arraycopy(b, 0, bytes, length, b.length);
      length += b.length;
    }

    void putLong(long v) {
      for (int shift = 56; shift >= 0; shift -= 8) {
        put((int) (v >>> shift));
      }
    }

    void putVarint(long v) {
      while ((v & ~0x7fL) != 0) {
        put((int) (v & 0x7f | 0x80));
        v >>>= 7;
      }
      put((int) v);
    }

    byte[] toArray() {
      return Arrays.copyOf(bytes, length);
    }

    private void room(int more) {
      if (length + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
      }
    }
  }
}
