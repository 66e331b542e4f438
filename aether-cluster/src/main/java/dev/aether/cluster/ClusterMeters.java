package dev.aether.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A node's (or client's) cluster meters, tagged {@code node=<id>}: {@code aether.cluster.commands} (counter, tag
 * {@code route} = {@code local} | {@code remote}: sends, a resend counted again), {@code aether.cluster.moved}
 * ({@code MOVED} answers followed), {@code aether.cluster.retries} (resends after a back-off: no responders,
 * timeout, no owner, a shard moving), {@code aether.cluster.timeouts} (commands that reached no owner by their
 * deadline); for a node also the gauges {@code aether.cluster.shards} (shards it owns),
 * {@code aether.cluster.epoch} (its map's epoch), {@code aether.cluster.leader} (1 while it leads) and
 * {@code aether.cluster.moves} (moves the leader's plan has left). {@link #NONE} records nothing. Thread-safe.
 */
class ClusterMeters {

  static final ClusterMeters NONE = new ClusterMeters(null, null);

  private final Counter local;
  private final Counter remote;
  private final Counter moved;
  private final Counter retries;
  private final Counter timeouts;

  ClusterMeters(MeterRegistry registry, String node) {
    local = counter(registry, "aether.cluster.commands", node, "route", "local");
    remote = counter(registry, "aether.cluster.commands", node, "route", "remote");
    moved = counter(registry, "aether.cluster.moved", node, null, null);
    retries = counter(registry, "aether.cluster.retries", node, null, null);
    timeouts = counter(registry, "aether.cluster.timeouts", node, null, null);
  }

  private static Counter counter(MeterRegistry registry, String name, String node, String tag, String value) {
    if (registry == null) {
      return null;
    }
    Counter.Builder b = Counter.builder(name).tag("node", node == null ? "client" : node);
    return (tag == null ? b : b.tag(tag, value)).register(registry);
  }

  /** Registers a node's gauges. */
  static void nodeGauges(MeterRegistry registry, ClusterNode node) {
    Gauge.builder("aether.cluster.shards", node, n -> n.map().map(m -> m.shardsOf(n.nodeId()).size()).orElse(0))
        .tag("node", node.nodeId()).description("shards this node owns").register(registry);
    Gauge.builder("aether.cluster.epoch", node, n -> n.map().map(ShardMap::epoch).orElse(-1L))
        .tag("node", node.nodeId()).description("epoch of the newest shard map seen").register(registry);
    Gauge.builder("aether.cluster.leader", node, n -> n.isLeader() ? 1 : 0).tag("node", node.nodeId())
        .description("1 while this node leads").register(registry);
    Gauge.builder("aether.cluster.moves", node, ClusterMeters::moves).tag("node", node.nodeId())
        .description("shard moves the leader's plan has left").register(registry);
    Gauge.builder("aether.cluster.members", node, ClusterNode::aliveMembers).tag("node", node.nodeId())
        .description("nodes this node sees renewing their leases, itself included").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("aether.cluster.leaders", node, ClusterNode::leadersSeen)
        .tag("node", node.nodeId()).description("leaders seen taking the leader key (a change: it grows)")
        .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("aether.cluster.dead", node, ClusterNode::nodesFoundDead)
        .tag("node", node.nodeId()).description("leases of dead nodes this node deleted (a probe's proof, or the leader's"
            + " cold move)")
        .register(registry);
  }

  /** The moves the node's status shows; 0 once the node stopped (its status throws then). */
  private static int moves(ClusterNode node) {
    try {
      return node.isRunning() ? node.status().movesInProgress() : 0;
    } catch (IllegalStateException stopped) {
      return 0;
    }
  }

  void routedLocal() {
    increment(local);
  }

  void routedRemote() {
    increment(remote);
  }

  void followedMoved() {
    increment(moved);
  }

  void retried() {
    increment(retries);
  }

  void timedOut() {
    increment(timeouts);
  }

  private static void increment(Counter counter) {
    if (counter != null) {
      counter.increment();
    }
  }
}
