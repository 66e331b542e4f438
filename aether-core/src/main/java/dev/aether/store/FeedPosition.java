package dev.aether.store;

import dev.aether.InvalidInputException;
import dev.aether.support.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a reader of an {@link EventFeed} stands: per partition, the last event delivered, named by the
 * sequence of its commit in the partition and, when the commit was only partly delivered, the index of that
 * event inside the commit. A reader that resumes {@linkplain FeedStart#after(FeedPosition) after} a position
 * gets exactly the events after it, also inside a commit of several events: no gap, no duplicate.
 *
 * <h2>Meaning</h2>
 * For each partition {@code p}: {@link #sequence(int) sequence(p)} is the commit sequence of the last event
 * delivered, 0 when nothing was delivered there; {@link #eventIndex(int) eventIndex(p)} is empty when that
 * commit was delivered whole, otherwise the 0-based index of the last event delivered from it (so events
 * {@code 0..index} of the commit are delivered, the rest are not). A JetStream store numbers commits by the
 * partition stream's sequence; the in-memory store has one partition, 0, and numbers commits 1, 2, 3, ... in
 * the order they were stored. {@link #START} is the position before everything.
 *
 * <h2>Text form</h2>
 * {@link #toString()} gives a canonical text a checkpoint store can keep across restarts, {@link #parse} reads
 * it back: {@code start} for {@link #START}; otherwise the partitions with something delivered, ascending,
 * separated by {@code ,}, each {@code <partition>:<sequence>} for a whole commit or
 * {@code <partition>:<sequence>.<index>} for a partly delivered one, in decimal without leading zeros: for
 * example {@code 0:17,2:5.1}. Exactly one text names each position.
 *
 * <h2>Order</h2>
 * Positions are ordered per partition (by sequence, then by index, a whole commit after any of its indexes);
 * across partitions they are only partially ordered. {@link #covers} says whether a position is at or after
 * another in every partition: a read model that has reached a position covering the position of a command's
 * commit has seen that commit.
 *
 * <p>Immutable and thread-safe; equal when they name the same events. {@link #with} costs a copy of the
 * partitions with something delivered.
 */
public final class FeedPosition {

  /** The highest partition number a position can name: 1023 (a JetStream namespace has at most 1024). */
  public static final int MAX_PARTITION = 1023;

  /** The position before every event: nothing delivered in any partition. */
  public static final FeedPosition START = new FeedPosition(new int[0], new long[0], new int[0]);

  private static final String START_TEXT = "start";
  private static final int WHOLE = -1;
  private static final Pattern PART = Pattern.compile("(0|[1-9]\\d{0,3}):([1-9]\\d{0,18})(?:\\.(0|[1-9]\\d{0,9}))?");

  /** Ascending partition numbers with something delivered. */
  private final int[] partitions;
  /** The commit sequence per partition of {@link #partitions}, positive. */
  private final long[] sequences;
  /** The event index per partition, or {@link #WHOLE} when the commit was delivered whole. */
  private final int[] indexes;

  private FeedPosition(int[] partitions, long[] sequences, int[] indexes) {
    this.partitions = partitions;
    this.sequences = sequences;
    this.indexes = indexes;
  }

  /**
   * Reads a position from its {@linkplain #toString() text form}.
   *
   * @param text the text, as {@link #toString()} wrote it
   * @return the position
   * @throws InvalidInputException naming {@code position} when the text is null, blank or not the canonical
   *     form (unknown syntax, partitions not ascending or above {@value #MAX_PARTITION}, a sequence of 0, a
   *     number out of range, leading zeros)
   */
  public static FeedPosition parse(String text) {
    Checks.notBlank(text, "position");
    if (text.equals(START_TEXT)) {
      return START;
    }
    String[] parts = text.split(",", -1);
    int[] partitions = new int[parts.length];
    long[] sequences = new long[parts.length];
    int[] indexes = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      Matcher m = PART.matcher(parts[i]);
      if (!m.matches()) {
        throw refused(text, "\"" + parts[i] + "\" is not <partition>:<sequence> or <partition>:<sequence>.<index>");
      }
      partitions[i] = checkPartition(parseNumber(text, m.group(1)), text);
      sequences[i] = parseNumber(text, m.group(2));
      indexes[i] = m.group(3) == null ? WHOLE : (int) checkIndex(parseNumber(text, m.group(3)), text);
      if (i > 0 && partitions[i] <= partitions[i - 1]) {
        throw refused(text, "partitions must be ascending and distinct");
      }
    }
    return new FeedPosition(partitions, sequences, indexes);
  }

  /**
   * This position with one partition moved to the end of a commit delivered whole.
   *
   * @param partition the partition, 0 to {@value #MAX_PARTITION}
   * @param sequence the commit's sequence, positive
   * @return the new position (this one is unchanged)
   * @throws InvalidInputException naming {@code partition} or {@code sequence} when out of range
   */
  public FeedPosition with(int partition, long sequence) {
    return set(checkArg(partition, "partition"), Checks.positive(sequence, "sequence"), WHOLE);
  }

  /**
   * This position with one partition moved into a commit delivered in part: events {@code 0..eventIndex} of
   * the commit are delivered, the others not.
   *
   * @param partition the partition, 0 to {@value #MAX_PARTITION}
   * @param sequence the commit's sequence, positive
   * @param eventIndex the 0-based index of the last event delivered from the commit, not its last event
   * @return the new position (this one is unchanged)
   * @throws InvalidInputException naming {@code partition}, {@code sequence} or {@code eventIndex} when out of
   *     range
   */
  public FeedPosition with(int partition, long sequence, int eventIndex) {
    Checks.notNegative(eventIndex, "eventIndex");
    return set(checkArg(partition, "partition"), Checks.positive(sequence, "sequence"), eventIndex);
  }

  /**
   * The commit sequence of the last event delivered in a partition.
   *
   * @param partition any partition number
   * @return the sequence; 0 when nothing was delivered there
   */
  public long sequence(int partition) {
    int i = Arrays.binarySearch(partitions, partition);
    return i < 0 ? 0 : sequences[i];
  }

  /**
   * The index, inside its commit, of the last event delivered in a partition, when that commit was only partly
   * delivered.
   *
   * @param partition any partition number
   * @return the 0-based index; empty when the commit was delivered whole or nothing was delivered there
   */
  public OptionalInt eventIndex(int partition) {
    int i = Arrays.binarySearch(partitions, partition);
    return i < 0 || indexes[i] == WHOLE ? OptionalInt.empty() : OptionalInt.of(indexes[i]);
  }

  /**
   * The partitions in which something was delivered.
   *
   * @return their numbers, ascending (unmodifiable)
   */
  public List<Integer> partitions() {
    List<Integer> list = new ArrayList<>(partitions.length);
    for (int p : partitions) {
      list.add(p);
    }
    return List.copyOf(list);
  }

  /**
   * Tells whether this position is at or after another in every partition: a reader at this position has
   * been given every event a reader at {@code other} was given.
   *
   * @param other the other position
   * @return whether this covers {@code other}; every position covers {@link #START} and itself
   * @throws InvalidInputException naming {@code other} when it is null
   */
  public boolean covers(FeedPosition other) {
    Checks.notNull(other, "other");
    for (int i = 0; i < other.partitions.length; i++) {
      int j = Arrays.binarySearch(partitions, other.partitions[i]);
      if (j < 0 || compare(sequences[j], indexes[j], other.sequences[i], other.indexes[i]) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Tells whether this position {@linkplain #covers covers} another and is beyond it in at least one
   * partition.
   *
   * @param other the other position
   * @return whether this is strictly after {@code other}
   * @throws InvalidInputException naming {@code other} when it is null
   */
  public boolean isAfter(FeedPosition other) {
    return covers(other) && !equals(other);
  }

  /** Compares two marks of one partition: by sequence, then by index, a whole commit last. */
  private static int compare(long seqA, int indexA, long seqB, int indexB) {
    int bySequence = Long.compare(seqA, seqB);
    return bySequence != 0 ? bySequence : Long.compare(rank(indexA), rank(indexB));
  }

  private static long rank(int index) {
    return index == WHOLE ? Long.MAX_VALUE : index;
  }

  private FeedPosition set(int partition, long sequence, int index) {
    int i = Arrays.binarySearch(partitions, partition);
    if (i >= 0) {
      long[] s = sequences.clone();
      int[] x = indexes.clone();
      s[i] = sequence;
      x[i] = index;
      return new FeedPosition(partitions, s, x);
    }
    int at = -i - 1;
    int n = partitions.length;
    int[] p = new int[n + 1];
    long[] s = new long[n + 1];
    int[] x = new int[n + 1];
    System.arraycopy(partitions, 0, p, 0, at);
    System.arraycopy(sequences, 0, s, 0, at);
    System.arraycopy(indexes, 0, x, 0, at);
    p[at] = partition;
    s[at] = sequence;
    x[at] = index;
    System.arraycopy(partitions, at, p, at + 1, n - at);
    System.arraycopy(sequences, at, s, at + 1, n - at);
    System.arraycopy(indexes, at, x, at + 1, n - at);
    return new FeedPosition(p, s, x);
  }

  private static int checkArg(int partition, String field) {
    if (partition < 0 || partition > MAX_PARTITION) {
      throw new InvalidInputException(field, "must be between 0 and " + MAX_PARTITION + ", was " + partition);
    }
    return partition;
  }

  private static int checkPartition(long partition, String text) {
    if (partition > MAX_PARTITION) {
      throw refused(text, "partition " + partition + " is above " + MAX_PARTITION);
    }
    return (int) partition;
  }

  private static long checkIndex(long index, String text) {
    if (index > Integer.MAX_VALUE) {
      throw refused(text, "event index " + index + " is out of range");
    }
    return index;
  }

  private static long parseNumber(String text, String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw refused(text, digits + " is out of range");
    }
  }

  private static InvalidInputException refused(String text, String why) {
    String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
    return new InvalidInputException("position", "\"" + shown + "\" is not a feed position: " + why
        + " (expected \"start\" or for example \"0:17,2:5.1\")");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeedPosition other && Arrays.equals(partitions, other.partitions)
        && Arrays.equals(sequences, other.sequences) && Arrays.equals(indexes, other.indexes);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(partitions) + Arrays.hashCode(sequences)) + Arrays.hashCode(indexes);
  }

  /**
   * The canonical text form (see the class description), which {@link #parse} reads back.
   *
   * @return {@code start}, or for example {@code 0:17,2:5.1}
   */
  @Override
  public String toString() {
    if (partitions.length == 0) {
      return START_TEXT;
    }
    StringBuilder text = new StringBuilder(partitions.length * 12);
    for (int i = 0; i < partitions.length; i++) {
      if (i > 0) {
        text.append(',');
      }
      text.append(partitions[i]).append(':').append(sequences[i]);
      if (indexes[i] != WHOLE) {
        text.append('.').append(indexes[i]);
      }
    }
    return text.toString();
  }
}
