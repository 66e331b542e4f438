package dev.aether.bus;

import dev.aether.support.Checks;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bus's counters: one {@link LongAdder} per meter, each registered in the {@link MeterRegistry} as a
 * {@link FunctionCounter} (the active count as a {@link Gauge}) the first time its key is used. The read API
 * and the registry therefore show the same values, whatever kind of registry is given.
 *
 * <p>Thread-safe: the maps are concurrent and registration is idempotent (Micrometer returns the existing
 * meter for an identical id; a second bus registering identical ids in the same registry is not visible
 * there, which is why buses sharing a registry need distinct names).
 */
final class MicrometerBusMetrics implements BusMetrics {

  private record ErrorKey(String key, ErrorKind kind) {}

  private final MeterRegistry registry;
  private final String busName;
  private final ConcurrentMap<String, LongAdder> published = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, LongAdder> received = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, LongAdder> dropped = new ConcurrentHashMap<>();
  private final ConcurrentMap<ErrorKey, LongAdder> errors = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, AtomicInteger> active = new ConcurrentHashMap<>();
  private final AtomicInteger totalActive = new AtomicInteger();

  MicrometerBusMetrics(MeterRegistry registry, String busName) {
    this.registry = registry;
    this.busName = busName;
  }

  LongAdder publishedCounter(String namespace) {
    LongAdder adder = published.get(namespace);
    return adder != null ? adder : published.computeIfAbsent(namespace, ns -> counter(PUBLISHED, ns));
  }

  LongAdder receivedCounter(String pattern) {
    return received.computeIfAbsent(pattern, p -> counter(RECEIVED, p));
  }

  LongAdder droppedCounter(String pattern) {
    return dropped.computeIfAbsent(pattern, p -> counter(DROPPED, p));
  }

  LongAdder errorCounter(String key, ErrorKind kind) {
    return errors.computeIfAbsent(new ErrorKey(key, kind), k -> counter(ERRORS, key, "kind", kind.tagValue()));
  }

  void subscriptionStarted(String pattern) {
    active.computeIfAbsent(pattern, this::gauge).incrementAndGet();
    totalActive.incrementAndGet();
  }

  void subscriptionEnded(String pattern) {
    active.get(pattern).decrementAndGet();
    totalActive.decrementAndGet();
  }

  @Override
  public long published(String namespace) {
    return read(published, Checks.notNull(namespace, "namespace"));
  }

  @Override
  public long received(String pattern) {
    return read(received, Checks.notNull(pattern, "pattern"));
  }

  @Override
  public long dropped(String pattern) {
    return read(dropped, Checks.notNull(pattern, "pattern"));
  }

  @Override
  public long errors(String key) {
    Checks.notNull(key, "key");
    long sum = 0;
    for (ErrorKind kind : ErrorKind.values()) {
      sum += errors(key, kind);
    }
    return sum;
  }

  @Override
  public long errors(String key, ErrorKind kind) {
    ErrorKey id = new ErrorKey(Checks.notNull(key, "key"), Checks.notNull(kind, "kind"));
    LongAdder adder = errors.get(id);
    return adder == null ? 0 : adder.sum();
  }

  @Override
  public int activeSubscriptions(String pattern) {
    AtomicInteger count = active.get(Checks.notNull(pattern, "pattern"));
    return count == null ? 0 : count.get();
  }

  @Override
  public int totalActiveSubscriptions() {
    return totalActive.get();
  }

  private static long read(ConcurrentMap<String, LongAdder> map, String key) {
    LongAdder adder = map.get(key);
    return adder == null ? 0 : adder.sum();
  }

  private LongAdder counter(String name, String key, String... extraTags) {
    LongAdder adder = new LongAdder();
    FunctionCounter.builder(name, adder, LongAdder::doubleValue)
        .tags("bus", busName, "namespace", key)
        .tags(extraTags)
        .register(registry);
    return adder;
  }

  private AtomicInteger gauge(String pattern) {
    AtomicInteger count = new AtomicInteger();
    Gauge.builder(ACTIVE_SUBSCRIPTIONS, count, AtomicInteger::get)
        .tags("bus", busName, "namespace", pattern)
        .register(registry);
    return count;
  }
}
