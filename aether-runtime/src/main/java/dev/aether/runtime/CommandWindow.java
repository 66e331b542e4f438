package dev.aether.runtime;

import dev.aether.support.CanonicalUuids;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The recent command ids of one actor, each with the version range of the events it produced: what makes a
 * repeated command id return its first outcome.
 *
 * <p>Bounded: at capacity the oldest id is forgotten. Small when the actor is idle: the arrays start at two
 * entries and grow to the capacity. Not thread-safe: only the actor's mailbox owner touches it.
 *
 * <p>Implementation notes. A ring of parallel arrays, one slot per entry. An id in canonical UUID form
 * ({@link CanonicalUuids}: 36 characters, 8-4-4-4-12 lowercase hex digits, what {@link UUID#toString()} and
 * the runtime's generated ids give) is kept as its two 64-bit halves in {@code high}/{@code low}, any other id
 * as its string in {@code texts}, whose slot is then null for a UUID. A UUID string costs 80 bytes of heap
 * (object and array), its halves 16: with the default window of 100 that is 8 KB less per actor (about 27 B
 * per stored event on {@code ./scripts/bench peers}, issue 12). Only canonical ids are compacted, so the string
 * formatted back from the halves is identical to the one recorded, and an id matches exactly the ids that
 * {@link String#equals} would match (an uppercase UUID is a text id of its own). {@code texts} and the halves
 * are allocated on first use, so a window of UUIDs only holds no string array. Lookups scan newest first (the
 * window is small, and a repeated id is usually recent) over an array of the ids' {@link String#hashCode()}s,
 * so a miss (the usual case: every new command is looked up) reads one small int array and neither
 * dereferences a string nor parses the id; this scan was the largest cost of deciding a command in the JFR
 * profile of {@code ./scripts/bench runtime}. Only an equal hash code compares the id itself.
 */
final class CommandWindow {

  /**
   * One remembered command.
   *
   * @param commandId the command id
   * @param firstVersion the version of its first event
   * @param lastVersion the version of its last event; {@code firstVersion - 1} for a command without events
   */
  record Entry(String commandId, long firstVersion, long lastVersion) {

    boolean hasEvents() {
      return lastVersion >= firstVersion;
    }
  }


  /** The text ids; null in a slot whose id is a UUID, and null as a whole until the first text id. */
  private String[] texts;
  /** The UUID ids' high and low halves; null until the first UUID id. */
  private long[] high;
  private long[] low;
  private int[] hashes = new int[2];
  private long[] first = new long[2];
  private long[] last = new long[2];
  private int head;
  private int size;

  /**
   * Finds a command id.
   *
   * @param commandId the id
   * @return its entry (with {@code commandId} as its id), or {@code null} when not remembered
   */
  Entry find(String commandId) {
    int hash = commandId.hashCode();
    int[] h = hashes;
    int at = size == 0 ? 0 : index(size - 1);
    for (int n = 0; n < size; n++) {
      if (h[at] == hash && idEquals(at, commandId)) {
        return new Entry(commandId, first[at], last[at]);
      }
      at = at == 0 ? h.length - 1 : at - 1;
    }
    return null;
  }

  /**
   * Remembers a command, or extends the newest entry when it has the same id and the versions follow on (a
   * command's events replayed one by one).
   *
   * @param commandId the id
   * @param firstVersion its first event's version
   * @param lastVersion its last event's version ({@code firstVersion - 1} for none)
   * @param capacity the most ids to keep
   */
  void record(String commandId, long firstVersion, long lastVersion, int capacity) {
    if (size > 0) {
      int newest = index(size - 1);
      if (first[newest] <= last[newest] && firstVersion > last[newest] && hashes[newest] == commandId.hashCode()
          && idEquals(newest, commandId)) {
        last[newest] = lastVersion;
        return;
      }
    }
    add(commandId, firstVersion, lastVersion, capacity);
  }

  /** @return the entries, oldest first */
  List<Entry> entries() {
    List<Entry> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(new Entry(idAt(i), firstAt(i), lastAt(i)));
    }
    return out;
  }

  /**
   * The id of an entry, as recorded.
   *
   * @param i the entry's position, 0 for the oldest
   * @return its id (a UUID formatted back from its halves)
   */
  String idAt(int i) {
    int at = index(i);
    String text = textIn(at);
    return text != null ? text : new UUID(high[at], low[at]).toString();
  }

  /**
   * The id of an entry when it is not a UUID.
   *
   * @param i the entry's position, 0 for the oldest
   * @return its id, or {@code null} when it is a canonical UUID (then see {@link #highAt} and {@link #lowAt})
   */
  String textAt(int i) {
    return textIn(index(i));
  }

  /**
   * @param i the position of an entry whose {@link #textAt} is null, 0 for the oldest
   * @return the high 64 bits of its UUID
   */
  long highAt(int i) {
    return high[index(i)];
  }

  /**
   * @param i the position of an entry whose {@link #textAt} is null, 0 for the oldest
   * @return the low 64 bits of its UUID
   */
  long lowAt(int i) {
    return low[index(i)];
  }

  /**
   * @param i an entry's position, 0 for the oldest
   * @return the version of its first event
   */
  long firstAt(int i) {
    return first[index(i)];
  }

  /**
   * @param i an entry's position, 0 for the oldest
   * @return the version of its last event ({@code firstAt(i) - 1} for none)
   */
  long lastAt(int i) {
    return last[index(i)];
  }

  /** @return how many ids are remembered */
  int size() {
    return size;
  }

  /** Forgets every id. */
  void clear() {
    if (texts != null) {
      Arrays.fill(texts, null);
    }
    head = 0;
    size = 0;
  }

  private void add(String commandId, long firstVersion, long lastVersion, int capacity) {
    if (size == hashes.length && size < capacity) {
      grow(Math.min(capacity, size * 2));
    }
    int at;
    if (size < hashes.length) {
      at = index(size);
      size++;
    } else {
      at = head;
      head = (head + 1) % hashes.length;
    }
    putId(at, commandId);
    hashes[at] = commandId.hashCode();
    first[at] = firstVersion;
    last[at] = lastVersion;
    while (size > capacity) {
      dropOldest();
    }
  }

  private void putId(int at, String commandId) {
    if (putUuid(at, commandId)) {
      if (texts != null) {
        texts[at] = null;
      }
    } else {
      if (texts == null) {
        texts = new String[hashes.length];
      }
      texts[at] = commandId;
    }
  }

  /** @return whether the id is a canonical UUID ({@link CanonicalUuids}), now kept in {@code high[at]}, {@code low[at]} */
  private boolean putUuid(int at, String id) {
    UUID uuid = CanonicalUuids.parse(id);
    if (uuid == null) {
      return false;
    }
    if (high == null) {
      high = new long[hashes.length];
      low = new long[hashes.length];
    }
    high[at] = uuid.getMostSignificantBits();
    low[at] = uuid.getLeastSignificantBits();
    return true;
  }

  /** @return whether the id in a slot equals {@code id} (as {@link String#equals} of the recorded id would) */
  private boolean idEquals(int at, String id) {
    String text = textIn(at);
    if (text != null) {
      return text.equals(id);
    }
    UUID uuid = CanonicalUuids.parse(id);
    return uuid != null && uuid.getMostSignificantBits() == high[at] && uuid.getLeastSignificantBits() == low[at];
  }

  private String textIn(int at) {
    return texts == null ? null : texts[at];
  }

  private void dropOldest() {
    if (texts != null) {
      texts[head] = null;
    }
    head = (head + 1) % hashes.length;
    size--;
  }

  private void grow(int newLength) {
    int length = hashes.length;
    texts = texts == null ? null : unrolled(texts, new String[newLength], length);
    high = high == null ? null : unrolled(high, new long[newLength], length);
    low = low == null ? null : unrolled(low, new long[newLength], length);
    hashes = unrolled(hashes, new int[newLength], length);
    first = unrolled(first, new long[newLength], length);
    last = unrolled(last, new long[newLength], length);
    head = 0;
  }

  /**
   * @return {@code to}, holding the entries of the ring array {@code from} (of {@code length} slots), oldest
   *     first from index 0
   */
  private <A> A unrolled(A from, A to, int length) {
    int tail = Math.min(size, length - head);
    System.arraycopy(from, head, to, 0, tail);
    System.arraycopy(from, 0, to, tail, size - tail);
    return to;
  }

  private int index(int i) {
    return (head + i) % hashes.length;
  }
}
