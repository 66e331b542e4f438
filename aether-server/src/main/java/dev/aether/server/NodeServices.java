package dev.aether.server;

import dev.aether.cluster.ClusterNode;
import dev.aether.runtime.CommandGateway;
import dev.aether.runtime.Runtime;
import dev.aether.store.EventStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the HTTP services of one node work with: the configuration, the command gateway (the cluster's when
 * clustered), the local runtime (model, read models, actors), the event store, the meters and the event
 * signals; plus the node's life state (starting, serving, stopping: its HTTP drain, closed).
 *
 * <p>Thread-safe: the life state is one atomic; the parts are thread-safe themselves.
 */
final class NodeServices {

  private static final int STARTING = 0;
  private static final int SERVING = 1;
  private static final int STOPPING = 2;
  private static final int CLOSED = 3;

  /**
   * Readiness and why; {@code stopping} when the node's close began (it drains, then stops: never ready again);
   * {@code cluster} is empty on a single node, else whether the cluster node runs and its own lease is fresh (a node
   * that cannot renew it, cut off from NATS or its lease bucket, serves no shard).
   */
  record Readiness(boolean stopping, boolean serving, boolean store, boolean model, Optional<Boolean> cluster) {
    boolean ready() {
      return serving && store && model && cluster.orElse(true);
    }
  }

  private final NodeConfig config;
  private final CommandGateway gateway;
  private final Runtime runtime;
  private final EventStore store;
  private final Optional<ClusterNode> cluster;
  private final Optional<ClusterModel> clusterModel;
  private final Optional<ModelRecord> modelRecord;
  private final PrometheusMeterRegistry registry;
  private final StreamSignals signals;
  private final String storeDescription;
  private final ReadModelRebuilds rebuilds;
  private final AtomicInteger state = new AtomicInteger(STARTING);
  /** Why a part of the node stopped by itself (its cluster node), or null: then it is neither live nor ready. */
  private final CompletableFuture<String> failed = new CompletableFuture<>();

  NodeServices(NodeConfig config, CommandGateway gateway, Runtime runtime, EventStore store,
      Optional<ClusterNode> cluster, Optional<ClusterModel> clusterModel, Optional<ModelRecord> modelRecord,
      PrometheusMeterRegistry registry, StreamSignals signals, String storeDescription, ReadModelRebuilds rebuilds) {
    this.config = config;
    this.gateway = gateway;
    this.runtime = runtime;
    this.store = store;
    this.cluster = cluster;
    this.clusterModel = clusterModel;
    this.modelRecord = modelRecord;
    this.registry = registry;
    this.signals = signals;
    this.storeDescription = storeDescription;
    this.rebuilds = rebuilds;
  }

  NodeConfig config() {
    return config;
  }

  CommandGateway gateway() {
    return gateway;
  }

  Runtime runtime() {
    return runtime;
  }

  /** Where a read model's rebuild asked over HTTP goes: here, or the cluster node that runs it. */
  ReadModelRebuilds rebuilds() {
    return rebuilds;
  }

  EventStore store() {
    return store;
  }

  Optional<ClusterNode> cluster() {
    return cluster;
  }

  /** @return the cluster's model key, when clustered */
  Optional<ClusterModel> clusterModel() {
    return clusterModel;
  }

  /** @return the record of the model a single node runs, when it keeps its events on NATS */
  Optional<ModelRecord> modelRecord() {
    return modelRecord;
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  StreamSignals signals() {
    return signals;
  }

  String storeDescription() {
    return storeDescription;
  }

  void markServing() {
    state.compareAndSet(STARTING, SERVING);
  }

  /**
   * Marks the start of the node's close: not ready from now on, still live while its HTTP API drains.
   *
   * @return true for the first caller only
   */
  boolean markStopping() {
    return state.getAndUpdate(s -> Math.max(s, STOPPING)) < STOPPING;
  }

  /** Marks the node closed: not live either. */
  void markClosed() {
    state.set(CLOSED);
  }

  /** @return whether the node's close began (it drains or has stopped) */
  boolean isStopping() {
    return state.get() >= STOPPING;
  }

  /**
   * @return whether the node started, its close has not ended its HTTP API yet (it serves, or drains), and no part
   *     of it stopped by itself
   */
  boolean isLive() {
    int now = state.get();
    return (now == SERVING || now == STOPPING) && !failed.isDone();
  }

  /**
   * Marks the node failed: a part of it stopped by itself (not by the node's close), so it can serve nothing any
   * more; {@code /health/live} answers 503 with the reason and {@code aether serve} exits with 1.
   *
   * @param reason why, in words
   */
  void markFailed(String reason) {
    failed.complete(reason);
  }

  /** @return completed with why once a part of the node stopped by itself ({@link #markFailed}) */
  CompletableFuture<String> whenFailed() {
    return failed;
  }

  Readiness ready() {
    int now = state.get();
    return new Readiness(now >= STOPPING, now == SERVING && runtime.isRunning(), AetherNode.storeHealthy(store),
        runtime.model().isPresent(), cluster.map(ClusterNode::isLiveMember));
  }
}
