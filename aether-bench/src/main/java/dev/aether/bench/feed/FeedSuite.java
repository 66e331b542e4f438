package dev.aether.bench.feed;

import dev.aether.bench.Case;
import dev.aether.bench.Result;
import dev.aether.bench.Suite;
import dev.aether.bench.nats.Goal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code feed} suite (issue "Durable event feed"): a Java projection catching up from a JetStream stream
 * of 100,000 events against a bare jnats ordered consumer reading the same messages, and a model policy's
 * end-to-end latency on one node (event stored to the policy's command stored) against the same two
 * JetStream publishes done by bare jnats. Starts its own nats-server (testkit fixture) and stops it in
 * {@link #close()}.
 *
 * <p>Goal: catch-up at least 0.7x the raw rate ({@link #GOALS}); the policy latencies are reported with their
 * raw equivalent, no goal set.
 */
public final class FeedSuite implements Suite {

  static final String CATCH_UP = "projection catch-up, 100,000 events (10,000 commits of 10, 1,000 actors)";
  static final String POLICY_ONE = "policy end-to-end, one transfer at a time";
  static final String POLICY_LANES = "policy end-to-end, 100 lanes of sequential transfers (100 outstanding)";
  private static final String AETHER = "aether ";
  private static final String RAW = "raw ";

  private static final List<Goal> GOALS = List.of(Goal.throughput(CATCH_UP, "events/s", 0.7));

  private final FeedRig rig;
  private final CatchUp catchUp;
  private final PolicyLatency policy;

  /**
   * Starts the suite's nats-server, writes the catch-up stream and starts the policy runtime.
   *
   * @throws IllegalStateException when the server, the stores or the runtime cannot be started
   */
  public FeedSuite() {
    try {
      rig = FeedRig.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the feed suite: " + e.getMessage(), e);
    }
    try {
      catchUp = new CatchUp(rig);
      catchUp.fill();
      policy = new PolicyLatency(rig);
    } catch (Exception e) {
      rig.close();
      throw new IllegalStateException("cannot set up the feed suite: " + e.getMessage(), e);
    }
  }

  @Override
  public String id() {
    return "feed";
  }

  @Override
  public String title() {
    return "Event feed: projection catch-up and policy latency on JetStream";
  }

  @Override
  public String description() {
    return "Reactions read the event feed (`EventFeed`, issue 11). Both cases run on JetStream stores of one"
        + " partition each, on a nats-server the suite starts; Aether and raw alternate run by run in one JVM.\n\n"
        + "- **" + CATCH_UP + "**: the stream is written once before the runs (`append` of 10 `Deposited` events"
        + " per commit, 10 commits per actor). Aether: a `Projection<Balance>` (one handler, `Deposited` ->"
        + " `Balance(amount + e.amount)`, the view a record, the data read as a record) started on the"
        + " `JetStreamEventStore` with a fresh `InMemoryReadModelStore` each run, timed from `start` until"
        + " `idle()` completes; the rows are then checked against the expected sums (untimed). Raw: a jnats"
        + " ordered consumer (the kind the store's feed reader uses: simplified API, `iterate`, batch 500,"
        + " deliver all) on the benchmark thread, counting messages and bytes until it has seen all 10,000; no"
        + " decoding. One op = one event on both sides.\n"
        + "- **" + POLICY_ONE + "** and **" + POLICY_LANES + "**: a runtime on the store runs a model whose"
        + " policy `credit` turns `Account.TransferSent` into `Account.ReceiveTransfer` of `event.to`. Latency per"
        + " transfer = the time the policy's command completed accepted (the runtime's reaction gateway is"
        + " wrapped to take it) minus the time the `Transfer` completed accepted at its sender. Raw: the sender"
        + " publishes the store's bytes of a `TransferSent` event (`publishAsync`, message id, expected last"
        + " subject sequence); one consumer thread on a durable pull consumer configured as a shared feed's"
        + " (explicit ack, ack wait 5 s, max ack pending 1,000: the defaults), read with jnats' simplified API"
        + " (`iterate`, batch 32), publishes the store's bytes"
        + " of a `TransferReceived` event to the target (message id, expected sequence), waits for its ack, then"
        + " `ackSync`s the source; latency = credit ack time minus transfer ack time. One at a time: "
        + String.format(Locale.ROOT, "%,d", PolicyLatency.SEQUENTIAL) + " transfers per run, each sent when the"
        + " previous one's credit is stored, over 100 source and 100 target accounts. Lanes: 100 virtual threads,"
        + " each " + PolicyLatency.PER_LANE + " sequential transfers from its own account to its own target."
        + " Ops/s of these cases = transfers completed end to end per second.";
  }

  @Override
  public Map<String, String> facts() {
    try {
      Map<String, String> facts = rig.facts();
      facts.put("runtime", "defaults (group commit up to 64, snapshot every 100 versions, idempotency window 100)"
          + " except a 60 s command timeout; policy shared group options: defaults (ack timeout 5 s, 1,000 in"
          + " flight); policy batch 32, one delivery handled at a time");
      return facts;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the suite's facts: " + e.getMessage(), e);
    }
  }

  @Override
  public List<Case> cases() {
    return List.of(
        Case.compared(CATCH_UP, "1 event", catchUp.aether(), catchUp.raw()),
        Case.compared(POLICY_ONE, "1 transfer + its credit", policy.aetherSequential(AETHER + POLICY_ONE),
            policy.rawSequential(RAW + POLICY_ONE)),
        Case.compared(POLICY_LANES, "1 transfer + its credit", policy.aetherLanes(AETHER + POLICY_LANES),
            policy.rawLanes(RAW + POLICY_LANES)));
  }

  @Override
  public String notes(List<Result> results) {
    StringBuilder md = new StringBuilder("Goal. Aether / raw is the ratio of the medians; \"paired\" is the median"
        + " over the runs of each Aether run against the raw run right after it.\n\n"
        + "| case | raw median | Aether median | Aether / raw | paired | goal | met |\n"
        + "|---|--:|--:|--:|--:|--:|---|\n");
    for (Result result : results) {
      GOALS.stream().filter(g -> g.caseName().equals(result.benchmarkCase().name())).findFirst()
          .ifPresent(g -> md.append(g.row(result)).append('\n'));
    }
    md.append(String.format(Locale.ROOT, "%nThe raw consumer read %,d bytes of message data per run (%,.0f per"
        + " commit of %d events).%n", catchUp.rawBytes(), catchUp.rawBytes() / (double) CatchUp.COMMITS,
        CatchUp.EVENTS_PER_COMMIT));
    md.append("\nPolicy latency, event stored -> policy command stored (per transfer; each figure the median over"
        + " the measured runs of that run's percentile, [min - max] over the runs; \"all\" = the percentile of"
        + " every transfer of the measured runs together):\n\n"
        + "| case | transfers / run | Aether p50 | Aether p99 | raw p50 | raw p99 | Aether / raw p50 |"
        + " Aether p99 (all) | raw p99 (all) |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (Result result : results) {
      String name = result.benchmarkCase().name();
      if (!name.equals(POLICY_ONE) && !name.equals(POLICY_LANES)) {
        continue;
      }
      int runs = result.subject().runs();
      List<long[]> aether = lastRuns(policy.percentiles(AETHER + name), runs);
      List<long[]> raw = lastRuns(policy.percentiles(RAW + name), runs);
      double aetherP50 = median(aether, 0);
      double rawP50 = median(raw, 0);
      md.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %.2fx | %s | %s |%n", name,
          result.subject().opsPerRun(), spread(aether, 0), spread(aether, 1), spread(raw, 0), spread(raw, 1),
          aetherP50 / rawP50, ms(pooled(lastRuns(policy.samples(AETHER + name), runs), 0.99)),
          ms(pooled(lastRuns(policy.samples(RAW + name), runs), 0.99))));
    }
    return md.append('\n').append(ANALYSIS).toString();
  }

  /**
   * What the cases' costs are made of, from profiles taken outside the suite (JFR execution samples and process
   * CPU time of a probe that runs the same projection, the feed reader alone and the raw consumer on the same
   * 100,000 events, 16-30 rounds each, at commit c40564d); stable findings, not numbers of this run.
   */
  static final String ANALYSIS = """
      Where the time went, and what issue 11 changed (JFR execution samples and process CPU time of a probe \
      running the same projection and the raw consumer on the same 100,000 events, on this 2-core machine while \
      others ran builds; the suite measured 0.38x at c40564d; 0.75x (paired 0.78x) at 61009cf and \
      0.55x (paired 0.62x) at e157f0a, with the same 26% of the CPU used outside the JVM, the raw consumer at \
      1.06M and 1.27M events/s):

      - **Catch-up is CPU-bound in two pipelined threads**, the reader's consumer thread (jnats, then \
      `FeedItem.decode` of each commit) and the projection thread (handlers and read-model store), next to the \
      jnats I/O thread that both sides have. At c40564d the process spent about 2.5 us of CPU per event against \
      the raw consumer's 0.4 us; at 61009cf about 1.5-2 us. Raw reads bytes only, so most of what remains is \
      decoding every event into an immutable `Event` (about 0.33 us of thread CPU per event of this suite) and \
      applying it.
      - **Projection thread**: Jackson `convertValue` was 62% of its samples (three conversions per event in \
      `ViewCodec`); plain records now go through `RecordCodec` (aether-core), the rows are the codec's immutable \
      objects that the in-memory store keeps without a copy, and the projector reuses the view it wrote while the \
      store still holds that very row object (no conversion back). Routes are found without cutting the stream \
      id or concatenating keys. What is left: the record constructor and accessor calls, and the store's \
      checkpoint and row maps (once per commit since the fold below).
      - **Decode thread**: Jackson's pass over each commit to cut it into events (`JsonSlices`, 24%) is gone: \
      the scanner reads a commit's array in one pass. Names (keys, event types) and short values come from a \
      small shared cache, strings are scanned eight bytes at a time, one timestamp parse serves the events of \
      the same second, and `Event.Builder` no longer takes `Instant.now()` or a metadata map it then replaces.
      - **Issue 11's last step (less CPU per event, the raw side unchanged)**: before it, this suite measured \
      0.56x (paired 0.52x, 18% of the CPU used outside the JVM) at e795bfa. JFR execution samples (with \
      `-XX:+DebugNonSafepoints`; without it the inlined scanner's samples land on the wrong methods) of a probe \
      that decodes the 10,000 stored commits in a loop, and of the projector fed pre-decoded entries, put the \
      reader thread at about 410 ns of thread CPU per event for `FeedItem.decode` (field-name lookups, blank \
      skipping, name hashing and comparing byte by byte, and per commit the subject token's base64 and UTF-8 \
      decode and canonical check) and the projector at about 430 ns per event on its own (two checkpoint \
      lookups per event, a substring per event for the row key). Park/unpark between the two threads was not a \
      cost: a poll returned about 100 entries. Changed: the scanner reads the writer's field order without \
      looking names up (any other order as before, and each value with the same reader, so the same event or the \
      same refusal), compares and hashes names eight bytes at a time, and keeps the last timestamp second across \
      commits; decoded subject tokens are cached, so an actor's events share one stream id string; the projector \
      reads a stream's checkpoint once per run of its events in a batch (one writer per read model) and the \
      default key cuts the actor id once per stream id string. Decode went from about 410 to 290 ns per event \
      (325 to 245 with the bytes in cache), the projector alone from 2.3M to 4.4M events/s. What is left per \
      event: the scan itself and the `Event` it builds (id string, data object, `Instant`), the record codec, \
      one `FeedPosition` per entry and the store's row and checkpoint maps. Lazily decoded entries were not \
      needed for the goal and would not remove the scan: an unreadable record must still be refused when the \
      poll reaches it.
      - **The margin (after issue 11; the suite had measured 0.58-0.67x in later runs at 4adbe01, Aether \
      700k-960k events/s, raw 1.17-1.43M)**: JFR samples of the suite itself (other agents' builds running, load \
      average 4-7 on the 2 cores) gave the reader's consumer thread 1.7x the projection thread's samples, 3.5x \
      once the projector was cheaper: decode was 68% of it, jnats 30% (the same work as the raw consumer's). On \
      a shared machine each runnable thread gets a share of a core, so that one thread set the pace. Changed, \
      each measured alone: (1) the projector folds consecutive events of one stream that update one row and \
      writes the row once with its checkpoint at the last of them (one `put` per commit instead of per event, \
      still one write for row and checkpoint), and reads batches with `FeedReader.pollEvents` (no `FeedEntry` \
      and `FeedPosition` per event; one position per commit): the projector fed by the in-memory feed went from \
      320 to 230 ns per event (best of 40 rounds), the Aether side's allocation from 1,330 to 1,050 bytes per \
      event (raw 528); (2) the scanner reads an event's data in the shape of its type's last data (keys \
      compared as bytes, one shared key array) and compares the event type with the previous one and the \
      stream id with the expected one as bytes: decode of the 10,000 commits went from about 250 to 195 ns \
      per event (best of 40); (3) the reader decodes each commit on whichever thread has less to do: the \
      consumer thread when 16 or more items are queued, else the polling thread when it takes the message. \
      Exploratory runs of the suite (5 measured each, 16-18% of the CPU used outside the JVM): 0.71x (paired \
      0.82x) before, 0.75x (0.82x) after (1), 0.83x (0.75x) after (2), 0.83x (0.84x) after (3) with Aether at \
      1.16M events/s; with more of the machine busy, 0.79x (paired 0.77x) with 38% and 0.53x (paired 0.51x, \
      Aether 320k-1.03M events/s across its runs) with 41% of the CPU used outside the JVM. On main after the \
      merge (819ba96, no other agent running, 15-27% of the CPU outside the JVM, most of it the nats-server), six \
      runs of the suite measured 0.57x, 0.79x, 0.78x, 0.71x, 0.80x and 0.77x (the run below): median 0.78x, one \
      run in six below the goal, its five Aether runs all slow (505k-753k events/s) against a normal raw side, \
      not explained. The Aether side's own threads (consumer and projection) used about 62-69 \
      ms of CPU per run in a probe against 78-91 ms before, next to the jnats I/O thread's 22 ms that both sides \
      have (raw's consumer thread: 18 ms). What is left on the Aether side per event: the scan (id string, timestamp, data values), \
      the `Event` and its builder, the record codec; lazily decoded data (parsed when a handler reads it) would \
      move the data part off the consumer thread but was not needed.
      - **Policy with 100 outstanding** (fixed after the first runs of this suite): `JetStreamSharedFeed.pull` \
      asked for 1 message, then `pullNoWait(max - 1)`, and read until `nextMessage(1 s)` returned null. A no_wait \
      pull the server fills completely ends without a status message (checked with bare jnats against this \
      nats-server: 31 of 31 delivered, then `nextMessage` waits the full 1 s), so with 32 or more events waiting \
      each batch of 32 cost a 1 s stall: the policy group drained about 32 events/s and the 100 lanes waited about \
      6 s per transfer (p50 6,017 ms at e1a1892). The member now stops reading once it has the messages it asked \
      for.
      """;

  private static String spread(List<long[]> runs, int index) {
    long min = runs.stream().mapToLong(r -> r[index]).min().orElse(0);
    long max = runs.stream().mapToLong(r -> r[index]).max().orElse(0);
    return ms(median(runs, index)) + " [" + ms(min) + " - " + ms(max) + "]";
  }

  private static String ms(double nanos) {
    return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
  }

  private static double median(List<long[]> runs, int index) {
    double[] values = runs.stream().mapToDouble(r -> r[index]).sorted().toArray();
    if (values.length == 0) {
      return Double.NaN;
    }
    int middle = values.length / 2;
    return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
  }

  private static double pooled(List<long[]> runs, double quantile) {
    List<Long> all = new ArrayList<>();
    runs.forEach(r -> Arrays.stream(r).forEach(all::add));
    if (all.isEmpty()) {
      return Double.NaN;
    }
    all.sort(null);
    return all.get((int) Math.min(all.size() - 1, all.size() * quantile));
  }

  private static <T> List<T> lastRuns(List<T> all, int runs) {
    return all.subList(Math.max(0, all.size() - runs), all.size());
  }

  @Override
  public void close() {
    try {
      policy.close();
    } finally {
      rig.close();
    }
  }
}
