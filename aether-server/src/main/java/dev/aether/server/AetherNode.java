package dev.aether.server;

import dev.aether.InvalidInputException;
import dev.aether.cluster.ClusterConfig;
import dev.aether.cluster.ClusterNode;
import dev.aether.config.ConfigKeys;
import dev.aether.model.Model;
import dev.aether.model.exec.CompiledModel;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.nats.JetStreamReadModelStore;
import dev.aether.runtime.CommandGateway;
import dev.aether.runtime.InvalidModelException;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeConfig;
import dev.aether.store.EventStore;
import dev.aether.store.HealthReporting;
import dev.aether.store.InMemoryEventStore;
import dev.aether.store.InMemoryReadModelStore;
import dev.aether.store.ReadModelStore;
import io.helidon.webserver.WebServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nats.client.Connection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Aether node: the stores (JetStream on the configured or the embedded nats-server, or memory), the
 * runtime with the configured model (or a {@link ClusterNode} of aether-cluster), and the HTTP API. Embeddable:
 * {@code try (AetherNode node = AetherNode.start(config)) { node.uri(); }}.
 *
 * <p>{@link #close()} is graceful: first the HTTP API drains for {@link NodeConfig#drainPeriod()} (readiness DOWN,
 * requests still answered, each HTTP/1.1 answer closing its connection, event streams ended), then the HTTP server
 * stops taking requests (and finishes those in hand), the runtime (or cluster node) drains, the stores and the NATS
 * connection close, and the embedded nats-server is stopped last. Thread-safe.
 */
public final class AetherNode implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AetherNode.class);

  private final NodeConfig config;
  private final NodeServices services;
  private final WebServer server;
  private final Deque<AutoCloseable> resources;
  /** Counted down to end the drain before its period (tests). */
  private final CountDownLatch drainCutShort = new CountDownLatch(1);
  /** Counted down once the first {@link #close()} has closed everything: a second close waits for it. */
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile boolean closedCleanly;

  private AetherNode(NodeConfig config, NodeServices services, WebServer server, Deque<AutoCloseable> resources) {
    this.config = config;
    this.services = services;
    this.server = server;
    this.resources = resources;
  }

  /**
   * Starts a node with the process environment (for {@code AETHER_NATS_SERVER} and {@code PATH}).
   *
   * @param config the configuration
   * @return the running node
   * @throws NodeStartException when a part cannot start (no nats-server, a model with errors, a taken port);
   *     whatever had started is stopped again
   */
  public static AetherNode start(NodeConfig config) {
    return start(config, System.getenv());
  }

  /**
   * Starts a node.
   *
   * @param config the configuration
   * @param env the environment used to find nats-server for the embedded default
   * @return the running node
   * @throws NodeStartException when a part cannot start; whatever had started is stopped again
   */
  public static AetherNode start(NodeConfig config, Map<String, String> env) {
    requireFreePort(config); // before anything starts, and before Helidon logs a failed bind with its stack trace
    Deque<AutoCloseable> resources = new ArrayDeque<>(); // closed in reverse order of creation
    try {
      List<EmbeddedNats> embedded = new ArrayList<>(1);
      NodeServices services = startServices(config, env, resources, embedded);
      WebServer server = HttpApi.server(config, services).start();
      resources.push(server::stop);
      if (!server.isRunning() || server.port() <= 0) { // taken since the check: Helidon logged it, started nothing
        throw cannotListen(config, null);
      }
      resources.push(services.signals()::close); // streams end before the server waits (close(): as its drain begins)
      embedded.forEach(nats -> resources.push(nats::expectExit)); // first thing on close: no restart from now
      services.markServing();
      AetherNode node = new AetherNode(config, services, server, resources);
      LOG.info("Aether node {} serving {} ({}; model {})", config.nodeId(), node.uri(), services.storeDescription(),
          services.runtime().model().map(m -> m.name() + " version " + m.version()).orElse("none"));
      return node;
    } catch (RuntimeException e) {
      boolean interrupted = Thread.interrupted(); // a start cut short (serve's stop signal): stop what it started
      closeAll(resources);                          // with the waits a clean stop takes, then say so again
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      if (e instanceof NodeStartException || e instanceof InvalidConfigException) {
        throw e;
      }
      if (e instanceof InvalidInputException refused && refused.field().equals("nodeId")) {
        // the cluster refused the id (another live node holds it): a setting to change, named by its key
        throw new InvalidConfigException(NodeConfig.NODE_ID, refused.getMessage().substring("nodeId: ".length()),
            "the running cluster");
      }
      throw new NodeStartException("the node could not start: " + message(e), e);
    }
  }

  /** Binds the configured HTTP address for a moment (as the server will: address reuse on) unless the port is 0. */
  private static void requireFreePort(NodeConfig config) {
    if (config.httpPort() == 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(config.httpHost(), config.httpPort()));
    } catch (IOException e) {
      throw cannotListen(config, e);
    }
  }

  private static NodeStartException cannotListen(NodeConfig config, IOException cause) {
    return new NodeStartException("cannot listen on " + config.httpHost() + ":" + config.httpPort()
        + " (" + (cause == null ? "the port is taken, or the host is not an address of this machine"
            : cause.getMessage()) + "); see http.host, http.port", cause);
  }

  private static NodeServices startServices(NodeConfig config, Map<String, String> env,
      Deque<AutoCloseable> resources, List<EmbeddedNats> embedded) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    resources.push(registry::close);
    resources.push(Meters.configure(registry));
    StreamSignals signals = new StreamSignals();
    resources.push(signals::close);
    Optional<CompiledModel> model = config.model().map(AetherNode::loadModel);
    RuntimeConfig runtimeConfig = RuntimeConfig.builder().apply(config.runtimeSettings())
        .commandTimeout(config.commandTimeout()).build();
    if (config.store() == StoreKind.MEMORY) {
      LOG.warn("store=memory: NOTHING IS DURABLE - every event is lost when this node stops. "
          + "Use the default (embedded nats-server) or --nats URL to keep data.");
      EventStore store = InMemoryEventStore.withListener(signals);
      Runtime runtime = runtime(store, InMemoryReadModelStore.create(), runtimeConfig, registry, model, null);
      resources.push(runtime::close);
      runtime.start();
      return new NodeServices(config, runtime, runtime, store, Optional.empty(), Optional.empty(), Optional.empty(),
          registry, signals, "memory", ReadModelRebuilds.local(runtime));
    }
    String url = config.natsUrl().orElseGet(() -> {
      EmbeddedNats nats = EmbeddedNats.start(config.dataDir(), env);
      resources.push(nats);
      embedded.add(nats);
      return nats.url();
    });
    JetStreamConfig storeConfig = JetStreamConfig.builder().apply(config.natsSettings()).servers(url.split(","))
        .namespace(config.namespace()).requestTimeout(config.commandTimeout()).build();
    Connection connection = NatsConnections.connect(storeConfig);
    resources.push(connection::close);
    JetStreamEventStore store = JetStreamEventStore.create(connection, storeConfig, signals);
    resources.push(store::close);
    store.bindTo(registry);
    ReadModelStore readModels = JetStreamReadModelStore.create(store);
    String description = "nats " + String.join(",", storeConfig.servers().stream().map(JetStreamConfig::redacted)
        .toList()) + (config.natsUrl().isEmpty() ? " (embedded)" : "");
    if (!config.cluster()) { // alone on a namespace a cluster runs in: two deciders, two models, one policy group
      List<String> live = ClusterNode.liveNodes(connection, storeConfig);
      if (!live.isEmpty()) {
        throw new InvalidConfigException(NodeConfig.CLUSTER, "namespace " + config.namespace() + " (from "
            + config.source(NodeConfig.NAMESPACE) + ") is a running cluster's (nodes " + String.join(", ", live)
            + "): start this node with --cluster (cluster=true) to join it, or give it another namespace; cluster is"
            + " false",
            config.source(NodeConfig.CLUSTER));
      }
    }
    if (config.cluster()) {
      ClusterConfig clusterConfig = ClusterConfig.builder(storeConfig).apply(config.clusterSettings())
          .nodeId(config.nodeId()).build();
      ClusterModel clusterModel = ClusterModel.open(connection, bucket(storeConfig, "model"), storeConfig.replicas(),
          config.commandTimeout());
      Optional<CompiledModel> startModel = clusterModel.current().or(() -> model); // the cluster's decision wins
      clusterModel.recorded().ifPresent(c -> model.filter(file -> !sameModel(file, c.compiled())).ifPresent(
          file -> warnFileNotRun(c, file)));
      ClusterNode node = ClusterNode.builder(clusterConfig).connection(connection).meterRegistry(registry)
          .runtime((Function<CommandGateway, Runtime>) gateway ->
              runtime(store, readModels, runtimeConfig, registry, startModel, gateway))
          .start();
      resources.push(node::close);
      clusterModel.follow(node.runtime(), config.commandTimeout());
      resources.push(clusterModel); // closed first: no model change reaches a node that is leaving
      ReadModelRebuilds rebuilds = ReadModelRebuilds.clustered(node.runtime(), connection,
          storeConfig.subjectPrefix() + "." + storeConfig.namespaceToken() + ".readmodels.rebuild", config.nodeId(),
          config.commandTimeout());
      resources.push(rebuilds);
      NodeServices services = new NodeServices(config, node.gateway(), node.runtime(), store, Optional.of(node),
          Optional.of(clusterModel), Optional.empty(), registry, signals, description + ", cluster node "
          + config.nodeId(), rebuilds);
      node.whenStopped().thenAccept(reason -> { // not by the node's close: it can serve nothing any more
        if (!services.isStopping()) {
          services.markFailed("its cluster node stopped: " + reason.description());
        }
      });
      return services;
    }
    Optional<ModelRecord> record = ModelRecord.open(connection, bucket(storeConfig, "model"),
        storeConfig.replicas(), config.commandTimeout());
    record.ifPresent(r -> model.ifPresent(m -> r.starting(m, config.model().orElseThrow(), config.forceModel())));
    Runtime runtime = runtime(store, readModels, runtimeConfig, registry, model, null);
    resources.push(runtime::close);
    runtime.start();
    return new NodeServices(config, runtime, runtime, store, Optional.empty(), Optional.empty(), record, registry,
        signals, description, ReadModelRebuilds.local(runtime));
  }

  private static Runtime runtime(EventStore store, ReadModelStore readModels, RuntimeConfig config,
      PrometheusMeterRegistry registry, Optional<CompiledModel> model, CommandGateway reactionGateway) {
    Runtime.Builder builder = Runtime.builder().eventStore(store).readModelStore(readModels).config(config)
        .meterRegistry(registry);
    if (reactionGateway != null) {
      builder.reactionGateway(reactionGateway);
    }
    Runtime runtime = builder.build();
    model.ifPresent(m -> runtime.loadModel(m.model()));
    return runtime;
  }

  private static CompiledModel loadModel(java.nio.file.Path file) {
    try {
      return CompiledModel.load(file);
    } catch (InvalidModelException e) {
      throw new NodeStartException("model " + file + " has errors: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new NodeStartException("cannot load model " + file + ": " + message(e), e);
    }
  }

  /**
   * A cluster node starts with the cluster's model, not its file: it says so, and names what a load of the file
   * would refuse (the file is never loaded, so nothing is refused at start).
   */
  private static void warnFileNotRun(ClusterModel.Started cluster, CompiledModel file) {
    Model running = cluster.compiled().model();
    List<String> refused = file.refusalsReplacing(running, cluster.storedTypes().including(running)).stream()
        .map(r -> r.id() + " at " + r.path()).toList();
    LOG.warn("starting with the cluster's model {} version {}, not the --model file's {} version {} (PUT /v1/model"
        + " makes a model the cluster's){}", running.name(), running.version(), file.model().name(),
        file.model().version(), refused.isEmpty() ? "" : "; a load of the file would be refused unless forced: "
        + String.join(", ", refused));
  }

  private static boolean sameModel(CompiledModel a, CompiledModel b) {
    return a.model().name().equals(b.model().name()) && a.model().version().equals(b.model().version());
  }

  /**
   * A KV bucket of the node's namespace: {@code <subject prefix>-<kind>-<namespace token>}
   * ({@code aether-readmodels-default}), the token escaping {@code _} and {@code .} as the streams' names do, so
   * that namespaces such as {@code my.bank} and {@code my_bank} never share one.
   */
  static String bucket(JetStreamConfig store, String kind) {
    return store.subjectPrefix() + "-" + kind + "-" + store.namespaceToken();
  }

  /**
   * The address the HTTP API is bound to (with the actual port when {@code http.port} was 0).
   *
   * @return {@code http://host:port}
   */
  public URI uri() {
    String host = config.httpHost().contains(":") ? "[" + config.httpHost() + "]" : config.httpHost();
    return URI.create("http://" + host + ":" + server.port());
  }

  /** The HTTP server's configuration as Helidon built it (tests read its socket options). */
  io.helidon.webserver.WebServerConfig httpConfig() {
    return server.prototype();
  }

  /**
   * The configuration the node runs with.
   *
   * @return the configuration
   */
  public NodeConfig config() {
    return config;
  }

  /**
   * The node's command gateway (the cluster's when clustered): the same path as the HTTP API's commands.
   *
   * @return the gateway
   */
  public CommandGateway gateway() {
    return services.gateway();
  }

  /**
   * Whether the node is ready: serving, its store reachable and a model loaded, and a cluster node a live member
   * of its cluster (its own lease renewed within {@code cluster.dead-after}); what {@code /health/ready} answers.
   *
   * @return true when ready
   */
  public boolean isReady() {
    return services.ready().ready();
  }

  /**
   * Whether the node is live: started, not closed beyond its drain, and no part of it stopped by itself ({@link
   * #whenFailed()}); what {@code /health/live} answers.
   *
   * @return true when live
   */
  public boolean isLive() {
    return services.isLive();
  }

  /**
   * Completes when a part of the node stopped by itself, not by {@link #close()}: its cluster node, when its NATS
   * connection closed under it (jnats gave up reconnecting) or another live node took its id. The node then serves
   * nothing any more: {@code /health/live} answers 503 with the reason (an orchestrator's liveness probe restarts
   * it), and {@code aether serve} closes it and exits with 1. An embedding application closes it and starts a new
   * one. Never completes for a node that is not clustered, nor exceptionally. Thread-safe.
   *
   * @return a future of why, in words; completing it does nothing to the node
   */
  public CompletableFuture<String> whenFailed() {
    return services.whenFailed().copy();
  }

  /**
   * Stops the node gracefully: drains its HTTP API for {@link NodeConfig#drainPeriod()} ({@code /health/ready}
   * answers 503 with the reason {@code stopping}, {@code /health/live} 200; requests are answered as before, each
   * HTTP/1.1 answer with {@code Connection: close} and its connection then closed, so that clients and load
   * balancers open their next connection elsewhere; event streams end once caught up), then stops the HTTP server (requests
   * in hand are finished, for at most 5 s), the runtime or cluster node, the stores and the embedded nats-server
   * last. Blocks until all that is done. Idempotent: a second call (a second signal, the end of a
   * try-with-resources after an explicit close) changes nothing and returns once the first has closed the node.
   */
  @Override
  public void close() {
    if (!services.markStopping()) {
      awaitClosed();
      return;
    }
    try {
      LOG.info("Aether node {} stopping", config.nodeId());
      boolean interrupted = drain();
      services.markClosed();
      closedCleanly = closeAll(resources);
      if (interrupted) { // the drain was cut short by an interrupt: the parts were closed with their waits; say so
        Thread.currentThread().interrupt();
      }
      if (closedCleanly) {
        LOG.info("Aether node {} stopped", config.nodeId());
      } else {
        LOG.warn("Aether node {} stopped; a part failed to stop (above)", config.nodeId());
      }
    } finally {
      closed.countDown();
    }
  }

  /**
   * The drain: event streams end once caught up (a long-lived stream would hold its connection through the drain),
   * and the HTTP API serves on, not ready, for the drain period ({@link HttpApi} closes each HTTP/1.1 connection
   * once answered meanwhile).
   *
   * @return whether the wait was interrupted (it then ends at once; the interrupt is cleared)
   */
  private boolean drain() {
    services.signals().close();
    Duration period = config.drainPeriod();
    if (period.isZero() || services.whenFailed().isDone()) { // a failed node serves nothing: nothing to drain
      return false;
    }
    LOG.info("Aether node {} draining for {} ({}): /health/ready answers 503, requests are answered, each HTTP/1.1"
        + " connection closed once answered", config.nodeId(), ConfigKeys.formatDuration(period),
        NodeConfig.HTTP_DRAIN_PERIOD);
    try {
      drainCutShort.await(period.toNanos(), TimeUnit.NANOSECONDS);
      return false;
    } catch (InterruptedException e) {
      return true;
    }
  }

  /** Ends a drain in progress now, as if its period had passed (tests drain for long and end it when done). */
  void endDrain() {
    drainCutShort.countDown();
  }

  /** Waits until the first {@link #close()} has closed the node; an interrupt ends the wait (and is kept). */
  private void awaitClosed() {
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Whether {@link #close()} stopped every part without a failure (each failure is logged as a WARN); false
   * before it was closed.
   *
   * @return whether the node closed cleanly
   */
  public boolean closedCleanly() {
    return closedCleanly;
  }

  /** Closes each resource, in order, whatever the others do; @return whether none of them failed */
  private static boolean closeAll(Deque<AutoCloseable> resources) {
    boolean clean = true;
    while (!resources.isEmpty()) {
      AutoCloseable resource = resources.pop();
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("while stopping the node: {}", message(e));
        clean = false;
      }
    }
    return clean;
  }

  static String message(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  /** @return whether the store can serve now (always for memory; JetStream is asked, at most every 2 s) */
  static boolean storeHealthy(EventStore store) {
    if (store instanceof JetStreamEventStore jetStream) {
      return jetStream.jetStreamProblem().isEmpty(); // the connection, and JetStream's answer for the streams
    }
    return !(store instanceof HealthReporting reporting) || reporting.health().isHealthy();
  }
}
