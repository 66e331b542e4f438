package dev.aether.bench.runtime;

import static dev.aether.bench.runtime.NatsRig.fmt;

import dev.aether.bench.Case;
import dev.aether.bench.Measurement;
import dev.aether.bench.Result;
import dev.aether.bench.Stats;
import dev.aether.bench.Suite;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The runtime's performance list (issue "virtual-actor runtime"): commands through {@code Runtime.sendMessage}
 * on JetStream against raw jnats (1,000 actors with 10,000 outstanding commands; one hot actor with 50
 * senders), the in-memory runtime's throughput and single-command latency, the activation of an actor from
 * its snapshot in a small and in a million-event store against one raw KV get plus one direct get, and the
 * heap of a million active idle VMs. Starts its own nats-server (testkit fixture) and stops it in
 * {@link #close()}. {@link #notes} turns the results into the goal table.
 */
public final class RuntimeSuite implements Suite {

  static final String SPREAD = "JetStream: 10,000 outstanding commands over 1,000 actors";
  static final String HOT = "JetStream: one hot actor, 50 concurrent senders";
  static final String ACTIVATION_SMALL = "JetStream: activation from a snapshot, small store";
  static final String ACTIVATION_BIG = "JetStream: activation from a snapshot, store of >= 1,000,000 events";
  static final String MEMORY_SPREAD = "in-memory: 10,000 outstanding commands over 1,000 actors";
  static final String MEMORY_LATENCY = "in-memory: one command at a time (latency)";
  static final String MEMORY_HEAP = "in-memory: activate 1,000,000 idle actors (heap per VM)";
  static final double HEAP_GOAL_BYTES = 1024;

  private final NatsRig rig;
  private final NatsCommands commands;
  private final Activation activation;
  private final InMemory memory = new InMemory();
  private final InMemoryThroughput memoryThroughput = new InMemoryThroughput();
  private Map<String, String> facts;

  /**
   * Starts the suite's nats-server and opens the stores and the raw connection.
   *
   * @throws IllegalStateException when the server or a store cannot be started
   */
  public RuntimeSuite() {
    try {
      rig = NatsRig.start();
      facts = rig.facts();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the runtime suite: " + e.getMessage(), e);
    }
    commands = new NatsCommands(rig);
    activation = new Activation(rig);
  }

  @Override
  public String id() {
    return "runtime";
  }

  @Override
  public String title() {
    return "virtual-actor runtime";
  }

  @Override
  public String description() {
    return "`Runtime.sendMessage` with a `JavaBehavior` account (one `Deposit` -> one `Deposited` event) on"
        + " `JetStreamEventStore`, against bare jnats doing the equivalent storage work on the same nats-server"
        + " and stream, measured alternately in one JVM; raw payloads are the store's JSON of an equivalent"
        + " event with `Nats-Msg-Id` and `Nats-Expected-Last-Subject-Sequence`. The runtime keeps its defaults"
        + " (group commit <= 64, snapshot every 100 versions) except a 60 s command timeout. Activation: a"
        + " passivated actor with a snapshot, `createVM(...).join()` one at a time, against raw `kv.get` +"
        + " `getLastMessage` of the same key and subject. In-memory cases have no raw equivalent; the in-memory"
        + " throughput case has a fresh store and runtime (defaults, 1,000 actors activated untimed) per run of "
        + fmt("%,d", InMemoryThroughput.COMMANDS) + " commands, each message built when it is sent, so the"
        + " young collections a run causes fall inside its timed region (see the notes). Ops/s of the"
        + " activation cases are activations per second (one at a time), so their ratio is raw time / Aether time."
        + " The hot-actor case has " + NatsCommands.HOT_WARMUP + " extra untimed runs before its first warm-up"
        + " run (its steady state needs more JIT warm-up than the harness gives).";
  }

  @Override
  public Map<String, String> facts() {
    return facts;
  }

  @Override
  public List<Case> cases() {
    return List.of(
        Case.compared(SPREAD, "1 command (raw: 1 event)", commands.runtimeSpread(), commands.rawSpread()),
        Case.compared(HOT, "1 command (raw: 1 event)", commands.runtimeHot(), commands.rawSequential()),
        Case.compared(ACTIVATION_SMALL, "1 activation (raw: KV get + direct get)", activation.aether(false),
            activation.raw(false)),
        Case.compared(ACTIVATION_BIG, "1 activation (raw: KV get + direct get)", activation.aether(true),
            activation.raw(true)),
        Case.alone(MEMORY_SPREAD, "1 command", memoryThroughput),
        Case.alone(MEMORY_LATENCY, "1 command", memory.latency()),
        Case.alone(MEMORY_HEAP, "1 activation", memory.heap()));
  }

  @Override
  public String notes(List<Result> results) {
    if (!List.of(SPREAD, HOT, ACTIVATION_SMALL, ACTIVATION_BIG, MEMORY_SPREAD, MEMORY_LATENCY, MEMORY_HEAP).stream()
        .allMatch(name -> find(results, name).isPresent())) {
      return partialNotes(results);
    }
    Result spread = get(results, SPREAD);
    Result hot = get(results, HOT);
    Result small = get(results, ACTIVATION_SMALL);
    Result big = get(results, ACTIVATION_BIG);
    Result latency = get(results, MEMORY_LATENCY);
    Result heap = get(results, MEMORY_HEAP);
    long[] sizes = activation.storeSizes();
    double bytes = Stats.median(lastRuns(memory.bytesPerVm(), heap.subject().runs()));
    List<long[]> latencies = lastRuns(memory.latencyRuns(), latency.subject().runs());
    double[] micros = InMemoryNotes.latencyMicros(latencies);
    double smallTime = small.subject().medianNanosPerOp();
    double bigTime = big.subject().medianNanosPerOp();
    StringBuilder md = new StringBuilder("Goals (medians of the measured runs; a ratio > 1 is better for"
        + " throughput, < 1 better for time):\n\n| goal | raw | Aether | Aether / raw | goal | met |\n"
        + "|---|--:|--:|--:|--:|---|\n");
    md.append(throughputRow("commands/s, 1,000 actors, 10,000 outstanding, vs pipelined OCC publishAsync", spread,
        1.0));
    md.append(throughputRow("commands/s, one hot actor, 50 senders, vs sequential OCC publish", hot, 5.0));
    md.append(timeRow("activation from a snapshot, store of " + fmt("%,d", sizes[0]) + " messages", small));
    md.append(timeRow("activation from a snapshot, store of " + fmt("%,d", sizes[1]) + " messages", big));
    md.append(fmt("| activation time, big store / small store (independent of store size) | - | %.1f us / %.1f us"
        + " | %.2fx | ~1x | %s |%n", bigTime / 1e3, smallTime / 1e3, bigTime / smallTime,
        bigTime / smallTime <= 1.25 ? "yes" : "**no**"));
    Result memorySpread = get(results, MEMORY_SPREAD);
    md.append(fmt("| in-memory commands/s, 1,000 actors, collections in the timed region | - | %,.0f commands/s"
        + " | - | none set | - |%n", memorySpread.subject().medianOpsPerSecond()));
    md.append(fmt("| in-memory latency of one command, p50 / p99 | - | %.1f us / %.1f us | - | none set | - |%n",
        micros[0], micros[1]));
    md.append(fmt("| heap per active idle VM, 1,000,000 actors | - | %.0f bytes | - (a ratio means nothing here)"
        + " | <= %.0f bytes | %s |%n", bytes, HEAP_GOAL_BYTES, bytes <= HEAP_GOAL_BYTES ? "yes" : "**no**"));
    md.append("\nHow to read it:\n\n");
    md.append("- Activation goal: Aether time <= 2x raw time.\n");
    md.append(InMemoryNotes.throughput(lastRuns(memoryThroughput.costs(), memorySpread.subject().runs())));
    md.append(InMemoryNotes.latency(latencies, lastRuns(memory.latencyCosts(), latency.subject().runs())));
    md.append("- Ratios move a lot from run to run on this shared 2-core machine (see min / max above): the"
        + " runtime is latency-bound (thread hand-offs, round trips), not CPU-bound, in the JetStream cases.\n");
    md.append("- Spread: group commit only helps when an actor's commands queue while its previous commit is in"
        + " flight. Round-robin sending spaces an actor's ten commands 1,000 sends apart, so commits hold fewer"
        + " than ten commands (commit sizes are not measured here); the raw chain keeps exactly one append per"
        + " actor in flight and needs no decisions, timers or virtual-thread hand-offs. This ratio moved between"
        + " 0.8x and 1.3x across full runs of the suite on this machine.\n");
    md.append("- Activation: both sides make the same two round trips (KV get of the snapshot, direct get of the"
        + " last message); the runtime adds a hand-off to the actor's virtual thread and back, decoding the"
        + " snapshot and the state. Independent of store size: the last message is found by subject, and nothing"
        + " is replayed after a snapshot that covers it.\n");
    md.append("- Heap: the heap used after full GCs with the 1,000,000 VMs active, minus the same before"
        + " activating them (the store's events already in memory), divided by 1,000,000; median of the runs ("
        + fmt("%s", lastRuns(memory.bytesPerVm(), heap.subject().runs()).stream().map(b -> fmt("%.0f", b))
        .toList()) + "). It counts the VM, its state holder and state record, mailbox queue, registry entry, key"
        + " and stream-id strings and its idempotency window with one command id, whose string is shared with"
        + " the stored event in this in-memory store (a JetStream-backed VM holds its own copy, about 80 bytes"
        + " more).\n");
    return md.toString();
  }

  private static String throughputRow(String goal, Result result, double limit) {
    Measurement raw = result.baseline().orElseThrow();
    double ratio = result.ratio().orElseThrow();
    return fmt("| %s | %,.0f /s | %,.0f /s | %.2fx | >= %.1fx | %s |%n", goal, raw.medianOpsPerSecond(),
        result.subject().medianOpsPerSecond(), ratio, limit, ratio >= limit ? "yes" : "**no**");
  }

  private static String timeRow(String goal, Result result) {
    double raw = result.baseline().orElseThrow().medianNanosPerOp();
    double aether = result.subject().medianNanosPerOp();
    return fmt("| %s | %.1f us | %.1f us | %.2fx time | <= 2.0x | %s |%n", goal, raw / 1e3, aether / 1e3,
        aether / raw, aether / raw <= 2.0 ? "yes" : "**no**");
  }

  /** Notes when {@code --only} measured some cases: the in-memory lines of those that ran, no goal table. */
  private String partialNotes(List<Result> results) {
    StringBuilder md = new StringBuilder("No goal table: it needs every case of the suite, and this run measured"
        + " " + results.size() + ".\n\n");
    find(results, MEMORY_SPREAD).ifPresent(r -> md.append(InMemoryNotes.throughput(
        lastRuns(memoryThroughput.costs(), r.subject().runs()))));
    find(results, MEMORY_LATENCY).ifPresent(r -> md.append(InMemoryNotes.latency(
        lastRuns(memory.latencyRuns(), r.subject().runs()), lastRuns(memory.latencyCosts(), r.subject().runs()))));
    return md.toString();
  }

  private static <T> List<T> lastRuns(List<T> all, int runs) {
    return all.subList(Math.max(0, all.size() - runs), all.size());
  }

  private static Optional<Result> find(List<Result> results, String name) {
    return results.stream().filter(r -> r.benchmarkCase().name().equals(name)).findFirst();
  }

  private static Result get(List<Result> results, String name) {
    return find(results, name).orElseThrow();
  }

  @Override
  public void close() {
    try {
      commands.close();
      activation.close();
      memory.close();
      memoryThroughput.close();
    } finally {
      rig.close();
    }
  }
}
