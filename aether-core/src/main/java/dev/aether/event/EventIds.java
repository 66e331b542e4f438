package dev.aether.event;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Generates event ids: RFC 9562 version 7 UUIDs, whose leading 48 bits are the Unix time in milliseconds, so
 * ids sort roughly by creation time. Thread-safe.
 *
 * <p>The random bits come from a {@link SecureRandom}, read {@value #POOL_BYTES} bytes at a time into a pool
 * guarded by {@code LOCK} (held only to copy ten bytes, or to refill the pool). Drawing each id's bits with
 * two {@code nextLong()} calls cost four synchronized {@code SecureRandom} calls per id, which was the largest
 * single cost of a command through the runtime (one id for the command, one per event; JFR profile of
 * {@code ./scripts/bench runtime}).
 */
public final class EventIds {

  static final int POOL_BYTES = 4096;
  private static final int ID_BYTES = 10;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ReentrantLock LOCK = new ReentrantLock();
  private static final byte[] POOL = new byte[POOL_BYTES];
  private static int next = POOL_BYTES;

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
    long randA;
    long randB;
    LOCK.lock();
    try {
      if (next + ID_BYTES > POOL_BYTES) {
        RANDOM.nextBytes(POOL);
        next = 0;
      }
      randA = (POOL[next] & 0xFFL) << 8 | (POOL[next + 1] & 0xFFL);
      randB = 0;
      for (int i = 2; i < ID_BYTES; i++) {
        randB = randB << 8 | (POOL[next + i] & 0xFFL);
      }
      next += ID_BYTES;
    } finally {
      LOCK.unlock();
    }
    long msb = (epochMillis << 16) | 0x7000L | (randA & 0x0FFFL);
    long lsb = (randB & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }
}
