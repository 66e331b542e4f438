package dev.aether.server;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.time.Duration;
import java.util.stream.LongStream;

/**
 * The node's meters besides the runtime's, stores' and cluster's: the JVM's (memory, GC, threads, class loading,
 * CPU, uptime, open files), and histogram buckets for the command latency, so that a dashboard can read its
 * percentiles across nodes ({@code histogram_quantile} over {@code aether_runtime_command_latency_seconds_bucket}).
 */
final class Meters {

  /** The command latency's bucket bounds: 1 ms to 10 s, a dozen series per aggregate type and outcome. */
  private static final double[] LATENCY_BUCKETS = LongStream.of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500,
      5_000, 10_000).mapToDouble(ms -> Duration.ofMillis(ms).toNanos()).toArray();

  private Meters() {}

  /**
   * Configures a node's registry, before any meter is registered in it.
   *
   * @return what to close when the node stops (the GC meters' listeners)
   */
  static AutoCloseable configure(MeterRegistry registry) {
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        return id.getName().equals("aether.runtime.command.latency")
            ? DistributionStatisticConfig.builder().serviceLevelObjectives(LATENCY_BUCKETS).build().merge(config)
            : config;
      }
    });
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    return gc;
  }
}
