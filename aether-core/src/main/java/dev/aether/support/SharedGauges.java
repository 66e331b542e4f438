package dev.aether.support;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.DoubleSupplier;

/**
 * Gauges that several owners register under one id, one after another: a component replaced by a newer one of
 * the same name (a model loaded again starts its reactions before the old ones stop; a refused model builds its
 * reactions and closes them at once) must neither leave the gauge sampling a stopped owner nor take away the
 * gauge of the one still running. A registry answers a second registration of an id with the gauge it already
 * has, so the gauge here samples a list of live owners: the latest registered that has not closed; it is
 * removed with the last one. Thread-safe.
 */
public final class SharedGauges {

  /** A registration: {@link #close()} takes this owner off its gauge. */
  @FunctionalInterface
  public interface Registration extends AutoCloseable {
    /** Takes the owner off; the gauge goes with its last owner. Idempotent. */
    @Override
    void close();
  }

  private static final Map<MeterRegistry, Map<String, Owners>> BY_REGISTRY = new WeakHashMap<>();

  /** The live owners of one gauge, latest last; guarded by {@link #BY_REGISTRY}. */
  private static final class Owners {
    final Deque<DoubleSupplier> live = new ArrayDeque<>();
    Gauge gauge;

    double sample() {
      DoubleSupplier latest;
      synchronized (BY_REGISTRY) {
        latest = live.peekLast();
      }
      return latest == null ? Double.NaN : latest.getAsDouble();
    }
  }

  private SharedGauges() {}

  /**
   * Registers an owner of a gauge; the gauge samples it while it is the latest live owner.
   *
   * @param registry the registry
   * @param name the gauge's name
   * @param tags its tags
   * @param description its description
   * @param baseUnit its unit, or null
   * @param value what it shows for this owner: quick and non-blocking (a scrape calls it)
   * @return the registration, to close when the owner stops
   */
  public static Registration register(MeterRegistry registry, String name, Tags tags, String description,
      String baseUnit, DoubleSupplier value) {
    String key = name + tags;
    synchronized (BY_REGISTRY) {
      Map<String, Owners> gauges = BY_REGISTRY.computeIfAbsent(registry, r -> new HashMap<>());
      Owners owners = gauges.computeIfAbsent(key, k -> new Owners());
      owners.live.addLast(value);
      if (owners.gauge == null) {
        Gauge stale = registry.find(name).tags(tags).gauge(); // registered elsewhere: this one replaces it
        if (stale != null) {
          registry.remove(stale);
        }
        owners.gauge = Gauge.builder(name, owners, Owners::sample).tags(tags).description(description)
            .baseUnit(baseUnit).register(registry);
      }
      return () -> {
        synchronized (BY_REGISTRY) {
          if (owners.live.removeFirstOccurrence(value) && owners.live.isEmpty() && owners.gauge != null) {
            registry.remove(owners.gauge);
            owners.gauge = null;
            gauges.remove(key, owners);
          }
        }
      };
    }
  }
}
