package dev.aether.bench;

import java.util.Objects;
import java.util.Optional;

/**
 * One line of a suite's results: a benchmark of Aether code and, when there is one, the raw baseline that
 * does the equivalent work without Aether (a plain map, bare jnats calls, ...), measured in the same run.
 *
 * @param name what is measured, for example {@code saveEvent, 1 actor}
 * @param unit what one operation is, for example {@code event} or {@code commit of 10 events}
 * @param subject the Aether code under measurement
 * @param baseline the raw equivalent, when there is one
 */
public record Case(String name, String unit, Benchmark subject, Optional<Benchmark> baseline) {

  /** Checks that nothing is missing. */
  public Case {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(baseline, "baseline");
  }

  /**
   * Creates a case with a baseline.
   *
   * @param name what is measured
   * @param unit what one operation is
   * @param subject the Aether code
   * @param baseline the raw equivalent
   * @return the case
   */
  public static Case compared(String name, String unit, Benchmark subject, Benchmark baseline) {
    return new Case(name, unit, subject, Optional.of(baseline));
  }

  /**
   * Creates a case without a baseline.
   *
   * @param name what is measured
   * @param unit what one operation is
   * @param subject the Aether code
   * @return the case
   */
  public static Case alone(String name, String unit, Benchmark subject) {
    return new Case(name, unit, subject, Optional.empty());
  }
}
