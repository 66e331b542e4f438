package dev.aether.event;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * Generates event ids: RFC 9562 version 7 UUIDs, whose leading 48 bits are the Unix time in milliseconds, so
 * ids sort roughly by creation time. Thread-safe.
 */
public final class EventIds {

  private static final SecureRandom RANDOM = new SecureRandom();

  private EventIds() {}

  /**
   * Returns a new time-ordered id.
   *
   * @return a version 7 UUID string such as {@code 0193a1c4-5b2e-7c3d-9f00-1a2b3c4d5e6f}
   */
  public static String newId() {
    return newUuid(Clock.systemUTC().millis()).toString();
  }

  static UUID newUuid(long epochMillis) {
    long randA = RANDOM.nextLong();
    long randB = RANDOM.nextLong();
    long msb = (epochMillis << 16) | 0x7000L | (randA & 0x0FFFL);
    long lsb = (randB & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }
}
