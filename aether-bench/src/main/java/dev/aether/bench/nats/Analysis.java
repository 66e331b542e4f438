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
        + "- **Concurrent appends** (" + ratio(results, NatsStoreSuite.CONCURRENT) + "): synchronous `append`"
        + " from 1,000 virtual threads against raw synchronous publishes from as many. The store's own client"
        + " work per append (event JSON, SHA-256 message id, headers, checks, position cache) remains; the"
        + " ratios move with the machine's load (`aether-nats/README.md`, Performance).\n"
        + "- **Sequential appends** (" + ratio(results, NatsStoreSuite.SEQUENTIAL) + "): a round trip per append"
        + " dwarfs the store's microseconds of work.\n"
        + "- **Replay** (" + ratio(results, NatsStoreSuite.REPLAY) + " of the raw time): raw only touches bytes;"
        + " the store reads the version header of each commit and decodes every event into an `Event` (about"
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
    return results.stream().filter(r -> r.benchmarkCase().name().equals(caseName)).findFirst()
        .map(result -> fmt("%.2f", NatsStoreSuite.goal(result).ratio(result)) + "x").orElse("(not run)");
  }
}
