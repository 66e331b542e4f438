package dev.aether.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The recent command ids of one actor, each with the version range of the events it produced: what makes a
 * repeated command id return its first outcome.
 *
 * <p>Bounded: at capacity the oldest id is forgotten. Small when the actor is idle: the arrays start at two
 * entries and grow to the capacity. Lookups scan newest first (the window is small, and a repeated id is
 * usually recent) over an array of the ids' hash codes, so a miss (the usual case: every new command is
 * looked up) reads one small int array instead of dereferencing up to {@code capacity} strings; this scan was
 * the largest cost of deciding a command in the JFR profile of {@code ./scripts/bench runtime}. Not
 * thread-safe: only the actor's mailbox owner touches it.
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

  private String[] ids = new String[2];
  private int[] hashes = new int[2];
  private long[] first = new long[2];
  private long[] last = new long[2];
  private int head;
  private int size;

  /**
   * Finds a command id.
   *
   * @param commandId the id
   * @return its entry, or {@code null} when not remembered
   */
  Entry find(String commandId) {
    int hash = commandId.hashCode();
    int[] h = hashes;
    int at = size == 0 ? 0 : index(size - 1);
    for (int n = 0; n < size; n++) {
      if (h[at] == hash && ids[at].equals(commandId)) {
        return new Entry(ids[at], first[at], last[at]);
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
      if (ids[newest].equals(commandId) && first[newest] <= last[newest] && firstVersion > last[newest]) {
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
      int at = index(i);
      out.add(new Entry(ids[at], first[at], last[at]));
    }
    return out;
  }

  /**
   * The entries in the snapshot envelope's form, oldest first: {@code [commandId, firstVersion, lastVersion]}
   * each, built straight from the arrays (no {@link Entry} per element).
   *
   * @return an unmodifiable list of unmodifiable three-element lists
   */
  List<Object> tuples() {
    Object[] out = new Object[size];
    for (int i = 0; i < size; i++) {
      int at = index(i);
      out[i] = List.of(ids[at], first[at], last[at]);
    }
    return List.of(out);
  }

  /** @return how many ids are remembered */
  int size() {
    return size;
  }

  /** Forgets every id. */
  void clear() {
    Arrays.fill(ids, null);
    head = 0;
    size = 0;
  }

  private void add(String commandId, long firstVersion, long lastVersion, int capacity) {
    if (size == ids.length && size < capacity) {
      grow(Math.min(capacity, size * 2));
    }
    int at;
    if (size < ids.length) {
      at = index(size);
      size++;
    } else {
      at = head;
      head = (head + 1) % ids.length;
    }
    ids[at] = commandId;
    hashes[at] = commandId.hashCode();
    first[at] = firstVersion;
    last[at] = lastVersion;
    while (size > capacity) {
      dropOldest();
    }
  }

  private void dropOldest() {
    ids[head] = null;
    head = (head + 1) % ids.length;
    size--;
  }

  private void grow(int newLength) {
    String[] newIds = new String[newLength];
    int[] newHashes = new int[newLength];
    long[] newFirst = new long[newLength];
    long[] newLast = new long[newLength];
    for (int i = 0; i < size; i++) {
      int at = index(i);
      newIds[i] = ids[at];
      newHashes[i] = hashes[at];
      newFirst[i] = first[at];
      newLast[i] = last[at];
    }
    ids = newIds;
    hashes = newHashes;
    first = newFirst;
    last = newLast;
    head = 0;
  }

  private int index(int i) {
    return (head + i) % ids.length;
  }
}
