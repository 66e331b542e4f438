package dev.aether.runtime;

import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.CommandResult.Rejected;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The runtime's meters in a Micrometer {@link MeterRegistry} (names and tags in {@link RuntimeMetrics}).
 *
 * <p>Every meter is registered when its aggregate type is first seen (a behaviour registered, or a command
 * for a type without one), and held in fields and enum maps: recording a command costs one map lookup by
 * aggregate type, a counter increment and a timer record, never a registry lookup or a tag allocation.
 * Commands for an aggregate type without a behaviour count under the tag value {@value #UNREGISTERED} (no
 * valid aggregate type starts with {@code _}), so a client sending arbitrary types cannot grow the registry.
 *
 * <p>The meters carry no runtime tag: Micrometer returns the existing meter for an identical id, so runtimes
 * sharing a registry share their counters, and only the first one's active-VM gauge is visible until it is
 * closed (which removes it).
 *
 * <p>Thread-safe: the maps are concurrent, the meters are.
 */
final class MicrometerRuntimeMetrics implements RuntimeMetrics {

  /** The {@code aggregate} tag of commands for an aggregate type without a behaviour. */
  static final String UNREGISTERED = "_unregistered";

  private final MeterRegistry registry;
  private final Gauge activeVMs;
  private final ConcurrentMap<String, CommandMeters> commands = new ConcurrentHashMap<>();
  private final CommandMeters unregistered;

  MicrometerRuntimeMetrics(MeterRegistry registry, VMRegistry vms) {
    this.registry = registry;
    this.activeVMs = Gauge.builder(VMS_ACTIVE, vms, VMRegistry::size)
        .description("virtual machines in the runtime's registry").register(registry);
    this.unregistered = new CommandMeters(UNREGISTERED);
  }

  @Override
  public AggregateMetrics aggregate(String aggregateType) {
    commands.computeIfAbsent(aggregateType, CommandMeters::new);
    return new Meters(aggregateType);
  }

  @Override
  public long commandSent() {
    return System.nanoTime();
  }

  @Override
  public CompletableFuture<CommandResult> commandReplied(long sent, CompletableFuture<CommandResult> reply,
      RuntimeMessage message) {
    CommandMeters meters = commands.getOrDefault(message.aggregateType(), unregistered);
    if (reply.isDone() && !reply.isCompletedExceptionally()) {
      meters.record(reply.join(), sent); // answered at once (a refusal): no callback to allocate
      return reply;
    }
    return reply.whenComplete((result, failure) -> {
      if (result != null) {
        meters.record(result, sent);
      }
    });
  }

  @Override
  public void close() {
    registry.remove(activeVMs);
  }

  private static String tag(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /** The command counters and latency timers of one aggregate type. */
  private final class CommandMeters {
    private final Counter accepted;
    private final Counter duplicate;
    private final Map<RejectionReason, Counter> rejected = new EnumMap<>(RejectionReason.class);
    private final Timer acceptedLatency;
    private final Timer duplicateLatency;
    private final Timer rejectedLatency;

    CommandMeters(String aggregate) {
      accepted = commandCounter(aggregate, "accepted", "none");
      duplicate = commandCounter(aggregate, "duplicate", "none");
      for (RejectionReason reason : RejectionReason.values()) {
        rejected.put(reason, commandCounter(aggregate, "rejected", tag(reason)));
      }
      acceptedLatency = latency(aggregate, "accepted");
      duplicateLatency = latency(aggregate, "duplicate");
      rejectedLatency = latency(aggregate, "rejected");
    }

    void record(CommandResult result, long sent) {
      long took = System.nanoTime() - sent;
      switch (result) {
        case Accepted a when a.duplicate() -> count(duplicate, duplicateLatency, took);
        case Accepted a -> count(accepted, acceptedLatency, took);
        case Rejected r -> count(rejected.get(r.reason()), rejectedLatency, took);
      }
    }

    private static void count(Counter counter, Timer latency, long nanos) {
      counter.increment();
      latency.record(nanos, TimeUnit.NANOSECONDS);
    }

    private Counter commandCounter(String aggregate, String outcome, String reason) {
      return Counter.builder(COMMANDS).description("replies to sendMessage, by outcome and rejection reason")
          .tags("aggregate", aggregate, "outcome", outcome, "reason", reason).register(registry);
    }

    private Timer latency(String aggregate, String outcome) {
      return Timer.builder(COMMAND_LATENCY).description("time from sendMessage to its reply")
          .tags("aggregate", aggregate, "outcome", outcome).register(registry);
    }
  }

  /** The meters of one registered aggregate type. */
  private final class Meters implements AggregateMetrics {
    private final Timer activatedOk;
    private final Timer activationFailed;
    private final DistributionSummary groupCommit;
    private final DistributionSummary mailboxDepth;
    private final Counter conflicts;
    private final Counter snapshots;
    private final Map<Passivation, Counter> passivations = new EnumMap<>(Passivation.class);

    Meters(String aggregate) {
      activatedOk = activation(aggregate, "success");
      activationFailed = activation(aggregate, "failure");
      groupCommit = DistributionSummary.builder(GROUP_COMMIT_SIZE).baseUnit("commands")
          .description("commands decided in one group commit").tag("aggregate", aggregate).register(registry);
      mailboxDepth = DistributionSummary.builder(MAILBOX_DEPTH).baseUnit("messages")
          .description("mailbox depth when a batch is taken, the batch included").tag("aggregate", aggregate)
          .register(registry);
      conflicts = Counter.builder(CONFLICTS).description("version conflicts the store reported on appends")
          .tag("aggregate", aggregate).register(registry);
      snapshots = Counter.builder(SNAPSHOTS).description("snapshots the snapshot store accepted")
          .tag("aggregate", aggregate).register(registry);
      for (Passivation cause : Passivation.values()) {
        passivations.put(cause, Counter.builder(PASSIVATIONS).description("virtual machines passivated, by cause")
            .tags("aggregate", aggregate, "cause", cause.tagValue()).register(registry));
      }
    }

    private Timer activation(String aggregate, String outcome) {
      return Timer.builder(ACTIVATIONS).description("activations: snapshot load and replay")
          .tags("aggregate", aggregate, "outcome", outcome).register(registry);
    }

    @Override
    public long activationStarted() {
      return System.nanoTime();
    }

    @Override
    public void activated(long started, boolean succeeded) {
      (succeeded ? activatedOk : activationFailed).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }

    @Override
    public void batchTaken(int commands, int depth) {
      groupCommit.record(commands);
      mailboxDepth.record(depth);
    }

    @Override
    public void conflict() {
      conflicts.increment();
    }

    @Override
    public void snapshotWritten() {
      snapshots.increment();
    }

    @Override
    public void passivated(Passivation cause) {
      passivations.get(cause).increment();
    }
  }
}
