package dev.aether.support;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Aether's one ISO-8601 timestamp writer and parser, for event, snapshot and command JSON and for model
 * expressions. The form Aether writes is {@link Instant#toString()}'s ({@code 2024-01-15T08:30:00Z}, with 3, 6
 * or 9 fractional digits when the nanoseconds need them): {@link #format} writes it by hand for years 0000 to
 * 9999, without the JDK's formatter (which showed in the command path's profiles and is recompiled whenever a
 * fraction of another length comes by). The parser reads that form with 1 to 9 fractional digits by hand, many
 * times faster than {@link Instant#parse}; anything else (offsets such as {@code +02:00}, lower-case
 * separators, signed years, malformed text) goes to {@link Instant#parse}, which accepts or refuses it. A
 * helper for store, bus and runtime implementations (see the package).
 *
 * <p>Stateless and thread-safe.
 */
public final class Timestamps {

  private static final int SECONDS_PER_DAY = 86_400;
  /** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the years {@link #format} writes itself. */
  private static final long FIRST_SECOND = -62_167_219_200L;
  private static final long END_SECOND = 253_402_300_800L;
  /** Days from 0000-03-01 (the start of the 400-year era the date arithmetic counts in) to 1970-01-01. */
  private static final long DAYS_0000_03_01_TO_EPOCH = 719_468L;

  private Timestamps() {}

  /**
   * Writes an instant as {@link Instant#toString()} does: the same text, for years 0000 to 9999 without the
   * JDK's formatter, outside them by {@code toString()} itself.
   *
   * @param instant the instant
   * @return its ISO-8601 text in UTC, such as {@code 2024-01-15T08:30:00.120Z}
   * @throws NullPointerException when {@code instant} is null
   */
  public static String format(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds < FIRST_SECOND || seconds >= END_SECOND) {
      return instant.toString();
    }
    int nanos = instant.getNano();
    int fractionDigits = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
    byte[] text = new byte[20 + (fractionDigits == 0 ? 0 : 1 + fractionDigits)];
    long days = Math.floorDiv(seconds, SECONDS_PER_DAY);
    int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
    writeDate(text, days);
    text[10] = 'T';
    put(text, 11, secondOfDay / 3600, 2);
    text[13] = ':';
    put(text, 14, secondOfDay / 60 % 60, 2);
    text[16] = ':';
    put(text, 17, secondOfDay % 60, 2);
    if (fractionDigits > 0) {
      text[19] = '.';
      put(text, 20, fractionDigits == 3 ? nanos / 1_000_000 : fractionDigits == 6 ? nanos / 1_000 : nanos,
          fractionDigits);
    }
    text[text.length - 1] = 'Z';
    return new String(text, StandardCharsets.ISO_8859_1);
  }

  /** Writes {@code yyyy-MM-dd} of a day since 1970-01-01 (years 0000 to 9999) at {@code text[0, 10)}. */
  private static void writeDate(byte[] text, long epochDay) {
    // civil-from-days in eras of 400 years (146,097 days) counted from March, so that leap days end a year
    long days = epochDay + DAYS_0000_03_01_TO_EPOCH;
    long era = Math.floorDiv(days, 146_097);
    int dayOfEra = (int) (days - era * 146_097);
    int yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    int shiftedMonth = (5 * dayOfYear + 2) / 153; // 0 = March .. 11 = February
    int day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
    int month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
    long year = era * 400 + yearOfEra + (month <= 2 ? 1 : 0);
    put(text, 0, (int) year, 4);
    text[4] = '-';
    put(text, 5, month, 2);
    text[7] = '-';
    put(text, 8, day, 2);
  }

  /** Writes {@code value} as {@code width} decimal digits, zero-padded, at {@code text[at, at + width)}. */
  private static void put(byte[] text, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      text[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }

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
