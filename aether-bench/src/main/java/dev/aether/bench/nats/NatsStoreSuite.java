package dev.aether.bench.nats;

import dev.aether.bench.Case;
import dev.aether.bench.Result;
import dev.aether.bench.Suite;
import java.util.List;
import java.util.Map;

/**
 * {@code JetStreamEventStore} against bare jnats doing the same work on the same nats-server, in the same
 * run: concurrent and sequential appends with optimistic concurrency, a replay of 10,000 events, and the
 * current-version lookup. The suite starts its own nats-server (testkit fixture, file storage, fresh
 * temporary directory) and stops it in {@link #close()}; it never uses a server left running.
 *
 * <p>Goals (issue "NATS JetStream event store"): appends at least 0.9x the raw throughput, a replay at most
 * 1.2x the raw time. {@link #notes} turns the results into a goal table.
 */
public final class NatsStoreSuite implements Suite {

  static final String CONCURRENT = "append with OCC, 1,000 actors x 10 events, synchronous, a virtual thread per actor";
  static final String SEQUENTIAL = "append with OCC, sequential, one actor";
  static final String REPLAY = "replay of one actor with 10,000 events";
  static final String LATEST = "current version of one actor";

  private static final List<Goal> GOALS = List.of(
      Goal.throughput(CONCURRENT, "events/s", Double.NaN),
      Goal.throughput(SEQUENTIAL, "events/s", 0.9),
      Goal.time(REPLAY, 1.2),
      Goal.time(LATEST, Double.NaN));

  private final NatsBench bench;
  private final Reads reads;

  /**
   * Starts the suite's nats-server and opens the store and the raw connection.
   *
   * @throws IllegalStateException when the server or the store cannot be started
   */
  public NatsStoreSuite() {
    try {
      bench = NatsBench.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the nats suite: " + e.getMessage(), e);
    }
    reads = new Reads(bench);
  }

  @Override
  public String id() {
    return "nats";
  }

  @Override
  public String title() {
    return "JetStream event store against raw jnats";
  }

  @Override
  public String description() {
    return "`JetStreamEventStore` against bare jnats calls doing the same work on the same nats-server and the"
        + " same stream, measured alternately in one JVM. Raw publishes carry the store's own JSON of an"
        + " equivalent event (encoded before the run), `Nats-Msg-Id` and"
        + " `Nats-Expected-Last-Subject-Sequence`; the store encodes, checks and hashes inside the run. Every"
        + " run writes to fresh actors. Raw replay reads bytes only; the store decodes every event.\n\n"
        + "- **" + CONCURRENT + "**: Aether = 1,000 virtual threads, each calling the"
        + " synchronous `append(actor, v-1, [event])` for v = 1..10, against raw synchronous `js.publish` with"
        + " expected last subject sequence = the previous ack's sequence, from one virtual thread per actor: the"
        + " store's own cost, without the cost of a synchronous API on virtual threads.\n"
        + "- **" + SEQUENTIAL + "**: 2,000 appends on the benchmark thread; raw = synchronous `js.publish` with"
        + " the expected sequence.\n"
        + "- **" + REPLAY + "** (one commit per event, written once by the store): Aether = `getEvents(actor, 1)`"
        + " (direct get of the last message, then an ordered push consumer, decoding every event); raw = a"
        + " legacy ordered push consumer (the probe's fastest, e2) reading the bytes until nothing is pending.\n"
        + "- **" + LATEST + "**: 2,000 x `getLatestVersion` against 2,000 x `jsm.getLastMessage(stream,"
        + " subject)` (direct get) of the 10,000-event actor.";
  }

  @Override
  public Map<String, String> facts() {
    try {
      return bench.facts();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the suite's facts: " + e.getMessage(), e);
    }
  }

  @Override
  public List<Case> cases() {
    return List.of(
        Case.compared(CONCURRENT, "1 event", ConcurrentAppends.store(bench), ConcurrentAppends.rawSynchronous(bench)),
        Case.compared(SEQUENTIAL, "1 event", SequentialAppends.store(bench), SequentialAppends.raw(bench)),
        Case.compared(REPLAY, "1 replay", reads.storeReplay(), reads.rawReplay()),
        Case.compared(LATEST, "1 lookup", reads.storeLatest(), reads.rawLatest()));
  }

  @Override
  public String notes(List<Result> results) {
    StringBuilder md = new StringBuilder("Goals. Aether / raw is the ratio of the medians, as the issue asks;"
        + " \"paired\" is the median over the runs of each Aether run against the raw run right after it, which"
        + " load that changes during the suite disturbs less.\n\n"
        + "| case | raw median | Aether median | Aether / raw | paired | goal | met |\n"
        + "|---|--:|--:|--:|--:|--:|---|\n");
    for (Result result : results) {
      md.append(goal(result).row(result)).append('\n');
    }
    return md.append('\n').append(Analysis.of(results)).toString();
  }

  static Goal goal(Result result) {
    return GOALS.stream().filter(g -> g.caseName().equals(result.benchmarkCase().name())).findFirst()
        .orElseThrow();
  }

  @Override
  public void close() {
    bench.close();
  }
}
