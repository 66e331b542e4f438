package dev.aether.bench;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The measurements of one {@link Case}.
 *
 * @param benchmarkCase the case
 * @param subject the measurement of the Aether code
 * @param baseline the measurement of the raw baseline, when the case has one
 * @param warmupRounds the warm-up rounds done before measuring
 */
public record Result(Case benchmarkCase, Measurement subject, Optional<Measurement> baseline, int warmupRounds) {

  /**
   * The speed of the Aether code relative to the raw baseline: median throughput of the subject divided by
   * median throughput of the baseline. 1.0 means as fast as raw; 0.5 means half as fast.
   *
   * @return the ratio, when there is a baseline
   */
  public OptionalDouble ratio() {
    return baseline.map(b -> OptionalDouble.of(subject.medianOpsPerSecond() / b.medianOpsPerSecond()))
        .orElse(OptionalDouble.empty());
  }
}
