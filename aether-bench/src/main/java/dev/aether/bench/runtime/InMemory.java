package dev.aether.bench.runtime;

import dev.aether.bench.Heap;
import dev.aether.bench.Benchmark;
import dev.aether.bench.Meter;
import dev.aether.bench.RunCost;
import dev.aether.event.Event;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeConfig;
import dev.aether.store.InMemoryEventStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The runtime on {@link InMemoryEventStore}: no raw baseline exists, so these cases stand alone. The throughput
 * case is {@link InMemoryThroughput}; this class holds the others.
 *
 * <ul>
 *   <li><b>latency</b>: {@value #SEQUENTIAL} commands one at a time (send, wait for the reply), rotating over
 *       {@value #ACTORS} actors of one runtime that lives for the whole suite; each message is built just
 *       before its send and each command's latency (send to reply) is recorded; each run's p50 / p99 and its
 *       {@link RunCost} (collections in the run) are kept for the notes;
 *   <li><b>heap</b>: {@value #IDLE_ACTORS} actors, each with one stored {@code Deposited} event, activated by
 *       {@code createVM} (replay of that event: state {@code Account(1)}, one remembered command id); after
 *       the run, heap used after full GCs minus the same before the run, divided by the actors: bytes per
 *       active idle VM (the store's events were written before the "before" figure). Snapshots are off (so
 *       stopping writes none) and {@code maxActiveVMs} and the idle timeout are high enough that no VM is
 *       passivated during the measurement.
 * </ul>
 */
final class InMemory {

  static final int ACTORS = 1_000;
  static final int SEQUENTIAL = 20_000;
  static final int IDLE_ACTORS = 1_000_000;
  private static final int ACTIVATION_WINDOW = 10_000;

  private final List<long[]> latencyRuns = new ArrayList<>();
  private final List<RunCost> latencyCosts = new ArrayList<>();
  private final List<Double> bytesPerVm = new ArrayList<>();
  private Runtime runtime;
  private InMemoryEventStore idleStore;

  /** @return per run: {p50, p99} in nanoseconds, in run order (warm-up runs first) */
  List<long[]> latencyRuns() {
    return latencyRuns;
  }

  /** @return what each latency run cost (its collections), in run order (warm-up runs first) */
  List<RunCost> latencyCosts() {
    return latencyCosts;
  }

  /** @return bytes per active idle VM, per run in run order (warm-up runs first) */
  List<Double> bytesPerVm() {
    return bytesPerVm;
  }

  void close() {
    if (runtime != null) {
      runtime.close();
      runtime = null;
    }
  }

  private Runtime runtime() {
    if (runtime == null) {
      runtime = Bank.runtime().eventStore(InMemoryEventStore.create()).build();
      runtime.start();
      List<CompletableFuture<CommandResult>> replies = new ArrayList<>(ACTORS);
      for (int a = 0; a < ACTORS; a++) {
        replies.add(runtime.sendMessage(Bank.deposit("mem-" + a)));
      }
      Bank.requireAccepted(replies);
    }
    return runtime;
  }

  Benchmark latency() {
    return new Benchmark() {
      @Override
      public void setUp() {
        runtime(); // its first call builds the runtime and activates the actors: never in a timed region
      }

      @Override
      public long run() {
        Runtime rt = runtime();
        long[] nanos = new long[SEQUENTIAL];
        Meter meter = Meter.start();
        for (int i = 0; i < SEQUENTIAL; i++) {
          var message = Bank.deposit("mem-" + (i % ACTORS));
          long start = System.nanoTime();
          CommandResult result = rt.sendMessage(message).join();
          nanos[i] = System.nanoTime() - start;
          Bank.requireAccepted(result);
        }
        latencyCosts.add(meter.stop());
        Arrays.sort(nanos);
        latencyRuns.add(new long[] {nanos[SEQUENTIAL / 2], nanos[(int) (SEQUENTIAL * 0.99)]});
        return SEQUENTIAL;
      }
    };
  }

  Benchmark heap() {
    return new Benchmark() {
      private Runtime idle;
      private long before;

      @Override
      public void setUp() {
        if (idleStore == null) {
          idleStore = InMemoryEventStore.create();
          for (int a = 0; a < IDLE_ACTORS; a++) {
            Event event = Bank.depositedEvent("idle-" + a, 1);
            idleStore.append(event.streamId(), 0, List.of(event));
          }
        }
        idle = Bank.runtime().eventStore(idleStore).withoutSnapshots()
            .config(RuntimeConfig.builder().maxActiveVMs(2 * IDLE_ACTORS).idleTimeout(Duration.ofHours(1))
                .build()).build();
        idle.start();
        before = Heap.usedAfterGc();
      }

      @Override
      public long run() {
        List<CompletableFuture<?>> window = new ArrayList<>(ACTIVATION_WINDOW);
        for (int a = 0; a < IDLE_ACTORS; a++) {
          window.add(idle.createVM(ActorKey.of(Bank.TYPE, "idle-" + a))); // the key is the VM's: made here
          if (window.size() == ACTIVATION_WINDOW) {
            window.forEach(CompletableFuture::join);
            window.clear();
          }
        }
        window.forEach(CompletableFuture::join);
        return IDLE_ACTORS;
      }

      @Override
      public void tearDown() {
        if (idle.registry().size() != IDLE_ACTORS) {
          throw new IllegalStateException(idle.registry().size() + " active VMs, expected " + IDLE_ACTORS);
        }
        long after = Heap.usedAfterGc();
        bytesPerVm.add((after - before) / (double) IDLE_ACTORS);
        if (idle.registry().get(ActorKey.of(Bank.TYPE, "idle-" + IDLE_ACTORS / 2)).orElseThrow().getVersion() != 1) {
          throw new IllegalStateException("an actor was not replayed");
        }
        idle.close();
        idle = null;
      }
    };
  }
}
