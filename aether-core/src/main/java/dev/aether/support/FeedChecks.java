package dev.aether.support;

import dev.aether.InvalidInputException;
import dev.aether.store.FeedStart;
import dev.aether.store.SharedFeedOptions;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Argument checks of the event feed ({@link dev.aether.store.EventFeed}), shared by every store so that they
 * accept and refuse the same input; each failure is an {@link InvalidInputException} naming the argument.
 * Stateless and thread-safe.
 */
public final class FeedChecks {

  /** Group names: also valid NATS durable consumer names (no {@code .}, wildcards, whitespace or separators). */
  private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9_-]{1," + SharedFeedOptions.MAX_GROUP_LENGTH + "}");

  /** The longest wait a poll honours, about 73 years: a deadline {@code nanoTime() + wait} never overflows. */
  public static final long MAX_WAIT_NANOS = Long.MAX_VALUE >> 2;

  private static final Duration MAX_WAIT = Duration.ofNanos(MAX_WAIT_NANOS);

  private FeedChecks() {}

  /**
   * Checks the arguments of a poll.
   *
   * @param max the most entries wanted: positive
   * @param wait the longest wait: not null, not negative
   * @return {@code wait} in nanoseconds, at most {@link #MAX_WAIT_NANOS} (so that adding it to
   *     {@link System#nanoTime()} cannot overflow)
   */
  public static long poll(int max, Duration wait) {
    if (max <= 0) {
      throw new InvalidInputException("max", "must be > 0, was " + max);
    }
    Checks.notNull(wait, "wait");
    if (wait.isNegative()) {
      throw new InvalidInputException("wait", "must not be negative, was " + wait);
    }
    return wait.compareTo(MAX_WAIT) >= 0 ? MAX_WAIT_NANOS : wait.toNanos();
  }

  /**
   * Checks a shared group's name.
   *
   * @param group 1 to {@value SharedFeedOptions#MAX_GROUP_LENGTH} characters of {@code [A-Za-z0-9_-]}
   * @return the name
   */
  public static String group(String group) {
    Checks.notBlank(group, "group");
    if (!GROUP.matcher(group).matches()) {
      String shown = group.length() > 80 ? group.substring(0, 80) + "..." : group;
      throw new InvalidInputException("group", "\"" + shown + "\" is not a group name: 1 to "
          + SharedFeedOptions.MAX_GROUP_LENGTH + " characters of A-Z, a-z, 0-9, _ and - (it names durable consumers)");
    }
    return group;
  }

  /**
   * Checks the arguments of {@link dev.aether.store.EventFeed#openShared} other than where to start.
   *
   * @param group the group's name, see {@link #group}
   * @param startIfNew not null
   * @param options not null
   */
  public static void shared(String group, FeedStart startIfNew, SharedFeedOptions options) {
    group(group);
    Checks.notNull(startIfNew, "startIfNew");
    Checks.notNull(options, "options");
  }

  /**
   * Checks a nak's delay.
   *
   * @param delay not null, not negative
   * @return the delay
   */
  public static Duration delay(Duration delay) {
    Checks.notNull(delay, "delay");
    if (delay.isNegative()) {
      throw new InvalidInputException("delay", "must not be negative, was " + delay);
    }
    return delay;
  }

  /**
   * Checks that a start names only partitions a store has.
   *
   * @param start the start (not null)
   * @param field the argument's name ({@code start} or {@code startIfNew})
   * @param partitions how many partitions the store has
   * @return the start
   */
  public static FeedStart start(FeedStart start, String field, int partitions) {
    Checks.notNull(start, field);
    if (start instanceof FeedStart.After after) {
      for (int p : after.position().partitions()) {
        if (p >= partitions) {
          throw new InvalidInputException(field, "position " + after.position() + " names partition " + p
              + ", but the store has " + partitions + " partition" + (partitions == 1 ? "" : "s"));
        }
      }
    }
    return start;
  }
}
