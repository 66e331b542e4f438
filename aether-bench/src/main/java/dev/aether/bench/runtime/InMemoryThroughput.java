package dev.aether.bench.runtime;

import dev.aether.bench.Benchmark;
import dev.aether.bench.Jit;
import dev.aether.bench.Meter;
import dev.aether.bench.RunCost;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.Runtime;
import dev.aether.store.InMemoryEventStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The in-memory runtime's throughput in the steady state a user sees: {@value #BURSTS} bursts of {@value
 * #OUTSTANDING} {@code Deposit} commands over {@value #ACTORS} actors, round-robin, each burst sent at once and
 * awaited; every {@code RuntimeMessage} is built when it is sent, inside the timed region.
 *
 * <p>Each run has a fresh {@link InMemoryEventStore} and runtime (defaults: group commit, snapshot every 100
 * versions, idempotency window, 5 s command timeout) with its actors activated ({@code createVM}) before the
 * timed region, so that runs do not pile up stored events. The harness's full GC before each run only clears
 * the previous run's garbage. A run allocates about 3 GB (about 3 KB per command), more than G1 lets the young
 * generation grow to in the suite's 3 GB heap (60% by default), so young collections fall inside every timed
 * region whatever size G1 chose for it (after the JetStream cases it had grown past the 1 GB that 300,000
 * commands allocate: such runs saw no collection at all); and the run's stored events survive them, as a
 * user's do. A {@link Meter} reads the collections (with CPU, allocation and JIT time) per run. Used by one
 * thread at a time.
 */
final class InMemoryThroughput implements Benchmark {

  static final int ACTORS = 1_000;
  static final int OUTSTANDING = 10_000;
  static final int BURSTS = 100;
  static final int COMMANDS = BURSTS * OUTSTANDING;

  private final List<RunCost> costs = new ArrayList<>();
  private final String[] actorIds = new String[ACTORS];
  private int runNumber;
  private InMemoryEventStore store;
  private Runtime runtime;

  /** @return each run's costs, in run order (warm-up runs first) */
  List<RunCost> costs() {
    return costs;
  }

  @Override
  public void setUp() {
    runNumber++;
    store = InMemoryEventStore.create();
    runtime = Bank.runtime().eventStore(store).build();
    runtime.start();
    List<CompletableFuture<?>> activations = new ArrayList<>(ACTORS);
    for (int a = 0; a < ACTORS; a++) {
      actorIds[a] = "mem-" + runNumber + "-" + a;
      activations.add(runtime.createVM(ActorKey.of(Bank.TYPE, actorIds[a])));
    }
    activations.forEach(CompletableFuture::join);
    Jit.awaitQuiet();
  }

  @Override
  public long run() {
    Meter meter = Meter.start();
    long sent = 0;
    for (int b = 0; b < BURSTS; b++) {
      sent += Bank.sendBurst(runtime, OUTSTANDING, i -> Bank.deposit(actorIds[i % ACTORS]));
    }
    costs.add(meter.stop());
    return sent;
  }

  @Override
  public void tearDown() {
    try {
      for (String actorId : actorIds) {
        long version = store.getLatestVersion(ActorKey.of(Bank.TYPE, actorId).streamId());
        if (version != COMMANDS / ACTORS) {
          throw new IllegalStateException(actorId + " is at version " + version + ", expected " + COMMANDS / ACTORS);
        }
      }
    } finally {
      close();
      store = null;
    }
  }

  /** Closes the runtime of a run that failed before its tear-down. */
  void close() {
    if (runtime != null) {
      runtime.close();
      runtime = null;
    }
  }
}
