package dev.aether.support;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Aether's one ISO-8601 timestamp parser, for event and snapshot JSON and for model expressions. The form
 * Aether writes ({@link Instant#toString()} for years 0000 to 9999: {@code 2024-01-15T08:30:00Z}, optionally
 * with 1 to 9 fractional digits) is read by hand, many times faster than {@link Instant#parse}; anything else
 * (offsets such as {@code +02:00}, lower-case separators, signed years, malformed text) goes to
 * {@link Instant#parse}, which accepts or refuses it. A helper for store, bus and runtime
 * implementations (see the package).
 *
 * <p>Stateless and thread-safe.
 */
public final class Timestamps {

  private static final int SECONDS_PER_DAY = 86_400;

  private Timestamps() {}

  /**
   * Parses an ISO-8601 instant.
   *
   * @param text the text
   * @return the instant
   * @throws java.time.format.DateTimeParseException when the text is not an ISO-8601 instant
   */
  public static Instant parse(CharSequence text) {
    Instant fast = canonical(text);
    return fast != null ? fast : Instant.parse(text);
  }

  /**
   * Parses only the canonical UTC form, {@code yyyy-MM-ddTHH:mm:ss} with an optional fraction of one to nine
   * digits and {@code Z}, without a formatter.
   *
   * @param s the text
   * @return the instant, or {@code null} when the text has another form or is not a valid date and time
   */
  public static Instant canonical(CharSequence s) {
    int n = s.length();
    if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-'
        || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':' || (n > 20 && s.charAt(19) != '.')) {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    int nanos = n > 20 ? fraction(s, 20, n - 1) : 0;
    if ((year | month | day | hour | minute | second | nanos) < 0 || hour > 23 || minute > 59 || second > 59) {
      return null;
    }
    try {
      long epochDay = LocalDate.of(year, month, day).toEpochDay();
      return Instant.ofEpochSecond(epochDay * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second, nanos);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The decimal value of {@code s[from, to)}, or -1 when a character is not an ASCII digit. */
  private static int digits(CharSequence s, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      int digit = s.charAt(i) - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      value = value * 10 + digit;
    }
    return value;
  }

  /**
   * Nanoseconds of the fractional digits of a canonical timestamp.
   *
   * @param s the text
   * @param from the first digit's index
   * @param to the index after the last digit
   * @return the nanoseconds of 1 to 9 ASCII digits {@code s[from, to)}; -1 for anything else
   */
  public static int fraction(CharSequence s, int from, int to) {
    int count = to - from;
    if (count < 1 || count > 9) {
      return -1;
    }
    int value = digits(s, from, to);
    for (int i = count; i < 9 && value >= 0; i++) {
      value *= 10;
    }
    return value;
  }
}
