package dev.aether.model.projection;

import dev.aether.support.SharedGauges;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A projection's meters, tagged {@code projection=<name>}: {@code aether.projection.events} (counter, tag
 * {@code outcome} = {@code applied} | {@code repeated} | {@code failed}), {@code aether.projection.lag} (gauge:
 * commits behind the feed's head, sampled at each progress report), {@code aether.projection.rebuild.progress}
 * (gauge: 0..1 while a catch-up or rebuild runs, 1 when caught up). {@link #NONE} records nothing.
 */
class ProjectionMeters {

  static final ProjectionMeters NONE = new ProjectionMeters();

  private final Counter applied;
  private final Counter repeated;
  private final Counter failed;
  private final AtomicLong lag = new AtomicLong();
  private final AtomicLong progressPerMille = new AtomicLong(1000);
  private final List<SharedGauges.Registration> gauges;

  private ProjectionMeters() {
    applied = null;
    repeated = null;
    failed = null;
    gauges = List.of();
  }

  /**
   * Registers the projection's meters; its gauges through {@link SharedGauges}: the projection of a model loaded
   * again starts before the one it replaces stops, and a refused model's projection starts and stops while the
   * running one goes on, so each gauge shows the latest running projection of its name.
   */
  ProjectionMeters(MeterRegistry registry, String projection) {
    applied = counter(registry, projection, "applied");
    repeated = counter(registry, projection, "repeated");
    failed = counter(registry, projection, "failed");
    Tags tags = Tags.of("projection", projection);
    gauges = List.of(
        SharedGauges.register(registry, "aether.projection.lag", tags, "commits stored and not yet handled",
            "commits", lag::get),
        SharedGauges.register(registry, "aether.projection.rebuild.progress", tags,
            "share of the current catch-up or rebuild done", null, () -> progressPerMille.get() / 1000.0));
  }

  /** Takes this projection off its gauges (they go with the last projection of the name); counters stay. */
  void close() {
    gauges.forEach(SharedGauges.Registration::close);
  }

  private static Counter counter(MeterRegistry registry, String projection, String outcome) {
    return Counter.builder("aether.projection.events").tag("projection", projection).tag("outcome", outcome)
        .description("events handled by the projection").register(registry);
  }

  void applied() {
    applied(1);
  }

  void applied(int events) {
    if (applied != null) {
      applied.increment(events);
    }
  }

  void repeated() {
    if (repeated != null) {
      repeated.increment();
    }
  }

  void failed() {
    if (failed != null) {
      failed.increment();
    }
  }

  void progress(long commitsBehind, double share) {
    lag.set(commitsBehind);
    progressPerMille.set(Math.round(Math.min(1, Math.max(0, share)) * 1000));
  }
}
