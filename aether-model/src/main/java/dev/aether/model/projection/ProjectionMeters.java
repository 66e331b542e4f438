package dev.aether.model.projection;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * A projection's meters, tagged {@code projection=<name>}: {@code aether.projection.events} (counter, tag
 * {@code outcome} = {@code applied} | {@code repeated} | {@code failed}), {@code aether.projection.lag} (gauge:
 * commits behind the feed's head, sampled at each progress report), {@code aether.projection.rebuild.progress}
 * (gauge: 0..1 while a catch-up or rebuild runs, 1 when caught up). {@link #NONE} records nothing.
 */
class ProjectionMeters {

  static final ProjectionMeters NONE = new ProjectionMeters();

  /** Guards replacing and removing gauges, in every registry (rare: a projection's start and close). */
  private static final Object GAUGES = new Object();

  private final Counter applied;
  private final Counter repeated;
  private final Counter failed;
  private final AtomicLong lag = new AtomicLong();
  private final AtomicLong progressPerMille = new AtomicLong(1000);
  private final MeterRegistry registry;
  private final List<Gauge> gauges;

  private ProjectionMeters() {
    applied = null;
    repeated = null;
    failed = null;
    registry = null;
    gauges = List.of();
  }

  ProjectionMeters(MeterRegistry registry, String projection) {
    this.registry = registry;
    applied = counter(registry, projection, "applied");
    repeated = counter(registry, projection, "repeated");
    failed = counter(registry, projection, "failed");
    gauges = List.of(
        gauge(registry, projection, "aether.projection.lag", lag, AtomicLong::get,
            "commits stored and not yet handled", "commits"),
        gauge(registry, projection, "aether.projection.rebuild.progress", progressPerMille, v -> v.get() / 1000.0,
            "share of the current catch-up or rebuild done", null));
  }

  /**
   * Registers a projection's gauge in place of one of the same id: the projection of a model loaded again starts
   * before the one it replaces stops, and a registry answers a registration with the gauge it already has of that
   * id (logging a warning), which would go on sampling the stopped projection. So the one there is removed first.
   */
  private static <T> Gauge gauge(MeterRegistry registry, String projection, String name, T state,
      ToDoubleFunction<T> value, String description, String baseUnit) {
    synchronized (GAUGES) {
      Gauge previous = registry.find(name).tags("projection", projection).gauge();
      if (previous != null) {
        registry.remove(previous);
      }
      return Gauge.builder(name, state, value).tag("projection", projection).description(description)
          .baseUnit(baseUnit).register(registry);
    }
  }

  /** Removes this projection's gauges unless another projection of its name replaced them; counters stay. */
  void close() {
    synchronized (GAUGES) { // a registry removes by id: the check and the removal must not straddle a replacement
      for (Gauge gauge : gauges) {
        if (registry.find(gauge.getId().getName()).tags(gauge.getId().getTags()).gauge() == gauge) {
          registry.remove(gauge);
        }
      }
    }
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
