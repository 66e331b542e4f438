package dev.aether.support;

import java.util.Arrays;
import java.util.UUID;

/**
 * Recognises UUIDs written in canonical form, 36 characters {@code 8-4-4-4-12} of lower-case hex digits (what
 * {@link UUID#toString()} writes, so that formatting the parsed value gives back the very string), so that ids
 * can be kept as two longs (16 bytes) instead of a string (about 80): event and command ids in the in-memory
 * store and the runtime's idempotency window. Any other string, an upper-case UUID included, is not one.
 *
 * <p>The digits are read through a table, without a branch per digit: on random ids a branch on "digit or
 * letter" mispredicted and made parsing four times slower. Stateless and thread-safe.
 */
public final class CanonicalUuids {

  private static final int LENGTH = 36;
  /** The value of each ASCII character as a lower-case hex digit, -1 for the others. */
  private static final byte[] HEX_DIGITS = new byte[128];

  static {
    Arrays.fill(HEX_DIGITS, (byte) -1);
    for (int d = 0; d < 16; d++) {
      HEX_DIGITS[Character.forDigit(d, 16)] = (byte) d;
    }
  }

  private CanonicalUuids() {}

  /**
   * Parses a canonical UUID string.
   *
   * @param s any string; not null
   * @return the UUID, whose {@code toString()} equals {@code s}; null when {@code s} is not a canonical
   *     lower-case UUID
   */
  public static UUID parse(String s) {
    if (s.length() != LENGTH || s.charAt(8) != '-' || s.charAt(13) != '-' || s.charAt(18) != '-'
        || s.charAt(23) != '-') {
      return null;
    }
    long a = hex(s, 0, 8);
    long b = hex(s, 9, 13);
    long c = hex(s, 14, 18);
    long d = hex(s, 19, 23);
    long e = hex(s, 24, 36);
    if ((a | b | c | d | e) < 0) {
      return null;
    }
    return new UUID(a << 32 | b << 16 | c, d << 48 | e);
  }

  /** The value of the lower-case hex digits in {@code [from, to)} (at most 12, so never negative), else -1. */
  private static long hex(String s, int from, int to) {
    long bits = 0;
    int all = 0;
    for (int i = from; i < to; i++) {
      char ch = s.charAt(i);
      int d = ch < HEX_DIGITS.length ? HEX_DIGITS[ch] : -1;
      all |= d;
      bits = bits << 4 | d & 0xf;
    }
    return all < 0 ? -1 : bits;
  }
}
