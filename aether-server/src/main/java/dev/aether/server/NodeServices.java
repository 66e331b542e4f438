package dev.aether.server;

import dev.aether.cluster.ClusterNode;
import dev.aether.runtime.CommandGateway;
import dev.aether.runtime.Runtime;
import dev.aether.store.EventStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the HTTP services of one node work with: the configuration, the command gateway (the cluster's when
 * clustered), the local runtime (model, read models, actors), the event store, the meters and the event
 * signals; plus the node's life state (starting, serving, closed).
 *
 * <p>Thread-safe: the life state is one atomic; the parts are thread-safe themselves.
 */
final class NodeServices {

  private static final int STARTING = 0;
  private static final int SERVING = 1;
  private static final int CLOSED = 2;

  /**
   * Readiness and why; {@code cluster} is empty on a single node, else whether the cluster node runs and its own
   * lease is fresh (a node that cannot renew it, cut off from NATS or its lease bucket, serves no shard).
   */
  record Readiness(boolean serving, boolean store, boolean model, Optional<Boolean> cluster) {
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

  /** @return true for the first caller */
  boolean markClosed() {
    return state.getAndSet(CLOSED) != CLOSED;
  }

  boolean isLive() {
    return state.get() == SERVING;
  }

  Readiness ready() {
    return new Readiness(state.get() == SERVING && runtime.isRunning(), AetherNode.storeHealthy(store),
        runtime.model().isPresent(), cluster.map(ClusterNode::isLiveMember));
  }
}
