package dev.aether.model.expr;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads ISO-8601 timestamps. The form Aether writes ({@code 2024-01-15T08:30:00Z}, optionally with 1 to 9
 * fractional digits, as {@link Instant#toString()} gives for years 0000 to 9999) is read by hand, about
 * twenty times faster than {@link Instant#parse}; anything else (offsets such as {@code +02:00}, signed
 * years, malformed text) goes to {@link Instant#parse}, which accepts or refuses it.
 */
final class Timestamps {

  private static final int SECONDS_PER_DAY = 86_400;

  private Timestamps() {}

  /**
   * Parses a timestamp.
   *
   * @throws java.time.format.DateTimeParseException when the text is not an ISO-8601 instant
   */
  static Instant parse(String text) {
    Instant fast = parseUtc(text);
    return fast != null ? fast : Instant.parse(text);
  }

  /** The canonical UTC form, or {@code null} when the text is in another form (or invalid). */
  private static Instant parseUtc(String s) {
    int n = s.length();
    if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z' || !separators(s) || (n > 20 && s.charAt(19) != '.')) {
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

  private static boolean separators(String s) {
    return s.charAt(4) == '-' && s.charAt(7) == '-' && s.charAt(10) == 'T' && s.charAt(13) == ':'
        && s.charAt(16) == ':';
  }

  /** The decimal value of {@code s[from, to)}, or -1 when a character is not an ASCII digit. */
  private static int digits(String s, int from, int to) {
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

  /** Nanoseconds of 1 to 9 fractional digits {@code s[from, to)}, or -1. */
  private static int fraction(String s, int from, int to) {
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
