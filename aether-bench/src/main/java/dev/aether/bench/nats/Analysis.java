package dev.aether.bench.nats;

import static dev.aether.bench.nats.Goal.fmt;

import dev.aether.bench.Result;
import java.util.List;

/**
 * The analysis paragraph of the nats section: what the ratios of this run mean and where the store's time
 * goes (from JFR profiles of the same cases; see {@code aether-nats/README.md}, "Performance").
 */
final class Analysis {

  private Analysis() {}

  static String of(List<Result> results) {
    return "Analysis.\n\n"
        + "- **Pipelined appends** reach " + ratio(results, NatsStoreSuite.PIPELINED) + " of raw `publishAsync`"
        + " and " + ratio(results, NatsStoreSuite.PIPELINED_SYNC) + " of raw synchronous publishes made from the"
        + " same 1,000 virtual threads. The `EventStore` API is synchronous: every append parks its virtual"
        + " thread and jnats' dispatcher wakes it again, where the raw chain continues on the dispatcher thread."
        + " On 2 cores shared with the server those hand-offs cost CPU the server needs, so the ratio to"
        + " `publishAsync` moves with the machine's load (several runs: `aether-nats/README.md`, Performance),"
        + " while against the synchronous baseline the store stays close to raw. The store's own work per append"
        + " (event JSON, SHA-256 message id, four headers, checks, position cache) is small beside either. A"
        + " steady 0.9x of `publishAsync` would take an asynchronous append API, which the SPI does not have.\n"
        + "- **Sequential appends** (" + ratio(results, NatsStoreSuite.SEQUENTIAL) + "): a round trip per append"
        + " dwarfs the store's microseconds of work.\n"
        + "- **Replay** (" + ratio(results, NatsStoreSuite.REPLAY) + " of the raw time): raw only touches bytes;"
        + " the store reads two version headers per commit and decodes every event into an `Event` (about"
        + " 0.5 us each), which is the cost of the store: it doubles the replaying thread's CPU. The decode"
        + " competes with the nats-server and jnats' reader thread for the 2 cores, so this ratio, too, moves"
        + " with the load.\n"
        + "- **Current version**: one direct get either way (" + ratio(results, NatsStoreSuite.LATEST) + ").\n"
        + "- What the profiles showed, what was changed in the store and in `EventJson`, and a before / after"
        + " comparison: `aether-nats/README.md`, section Performance.\n"
        + "- Numbers vary by up to 2x from run to run on this shared machine (min / max columns above): compare"
        + " ratios, and rerun on a quiet machine before drawing conclusions from a few percent.\n";
  }

  private static String ratio(List<Result> results, String caseName) {
    Result result = results.stream().filter(r -> r.benchmarkCase().name().equals(caseName)).findFirst()
        .orElseThrow();
    return fmt("%.2f", NatsStoreSuite.goal(result).ratio(result)) + "x";
  }
}
