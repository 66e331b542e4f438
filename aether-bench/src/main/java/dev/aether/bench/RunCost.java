package dev.aether.bench;

/**
 * What one timed region cost besides its time, read by a {@link Meter}: all figures are deltas over the region
 * and count every thread of the JVM (senders, actors, collectors, compilers).
 *
 * @param cpuNanos process CPU time
 * @param allocatedBytes bytes allocated in the heap, including by threads that ended during the region
 * @param collections garbage collections (young, concurrent and full)
 * @param gcMillis their accumulated time as the collectors report it
 * @param jitMillis time the JIT compilers spent compiling (near 0 in steady state)
 */
public record RunCost(long cpuNanos, long allocatedBytes, long collections, long gcMillis, long jitMillis) {

  /**
   * @param ops the operations done in the region; at least 1
   * @return process CPU per operation, in microseconds
   */
  public double cpuMicrosPer(long ops) {
    return cpuNanos / 1e3 / ops;
  }

  /**
   * @param ops the operations done in the region; at least 1
   * @return heap bytes allocated per operation
   */
  public double allocatedPer(long ops) {
    return (double) allocatedBytes / ops;
  }
}
