package dev.aether.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Heap measurements shared by the suites that report bytes kept (per VM, per stored event). */
public final class Heap {

  private Heap() {}

  /**
   * Runs full collections until the heap stops shrinking (at most five) and reads what is still in use.
   *
   * @return bytes of heap in use after the collections
   */
  public static long usedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      long now = memory.getHeapMemoryUsage().getUsed();
      if (now >= used) {
        return now;
      }
      used = now;
    }
    return used;
  }
}
