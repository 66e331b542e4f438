package dev.aether.event;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Generates event ids: RFC 9562 version 7 UUIDs, whose leading 48 bits are the Unix time in milliseconds, so
 * ids sort roughly by creation time. Thread-safe and lock-free.
 *
 * <p>The 74 other bits must make ids unique, across threads, restarts and nodes; they need not be secret (an
 * event id is no credential). They are {@code mix(salt + n * gamma)}: {@code n} counts the ids this process
 * made, {@code salt} is 64 bits drawn once per process from {@link SecureRandom}, and {@code mix} is
 * SplitMix64's finaliser, a bijection. So one process never repeats its 64 bits (distinct {@code n}, odd
 * {@code gamma}), and two processes repeat each other's only if their counters overlap on the same cycle of
 * 2^64 values, which for processes making {@code a} and {@code b} ids has a probability of about
 * {@code (a + b) / 2^64} (10^-7 for a trillion ids), and then only within the same millisecond. Drawing from
 * {@code SecureRandom} per id (a lock and a pool refill) cost more than the rest of the id, and bought only
 * unpredictability nobody relies on. {@code aether-core/README.md} ("Event ids") records the decision.
 */
public final class EventIds {

  private static final long GAMMA = 0x9E3779B97F4A7C15L;
  private static final long SALT = new SecureRandom().nextLong();
  private static final AtomicLong COUNT = new AtomicLong();

  private EventIds() {}

  /**
   * Returns a new time-ordered id.
   *
   * @return a version 7 UUID string such as {@code 0193a1c4-5b2e-7c3d-9f00-1a2b3c4d5e6f}
   */
  public static String newId() {
    return newUuid(System.currentTimeMillis()).toString();
  }

  static UUID newUuid(long epochMillis) {
    long random = mix(SALT + COUNT.getAndIncrement() * GAMMA);
    long randA = random >>> 52; // the top 12 bits; the low 62 go to rand_b: together all 64
    long msb = (epochMillis << 16) | 0x7000L | randA;
    long lsb = (random & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }

  /** SplitMix64's finaliser: a bijection of 64-bit values that spreads every input bit. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
