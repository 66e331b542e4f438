package dev.aether.cluster;

import dev.aether.AetherException;
import dev.aether.InvalidInputException;
import dev.aether.cluster.ControlJson.Control;
import dev.aether.cluster.ControlJson.HotRequest;
import dev.aether.cluster.ControlJson.HotSet;
import dev.aether.cluster.ControlJson.Pong;
import dev.aether.cluster.ControlJson.StateRequest;
import dev.aether.cluster.ControlJson.WarmMove;
import dev.aether.cluster.ControlJson.WarmRequest;
import dev.aether.cluster.ControlJson.Warmed;
import dev.aether.config.ConfigKeys;
import dev.aether.runtime.ActorFailedException;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandJson;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.StoredState;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.nats.service.Service;
import io.nats.service.ServiceEndpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's NATS endpoints: routed commands ({@code node.<id>.cmd}: served when this node
 * owns the shard at an epoch at least the sender's, else {@code MOVED}), control ({@code node.<id>.ctl}: warm
 * up shards that are about to move here; the most recently used actors of some shards), commands from
 * clients in any language ({@code <prefix>.<ns>.cmd}, a queue group of all nodes: forwarded through the
 * distributed runtime), state reads from clients ({@code <prefix>.<ns>.state}, the same queue group: read
 * through the distributed runtime, answered as {@link StateReplies} writes them), the status
 * ({@code cluster.status}, any node answers), liveness pings on the control subject (answered with the node's
 * incarnation) and suspicions from clients ({@code cluster.suspect}, a queue group: handed to the failure
 * detector). The any-node subjects (commands, state reads, the status) are the endpoints of
 * the NATS service {@value #SERVICE_NAME} ({@code nats micro ls}), on a dispatcher of their own. Thread-safe.
 */
final class NodeEndpoints implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NodeEndpoints.class);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);
  /** The name of the nodes' NATS service ({@code nats micro ls}); every node of every namespace is an instance. */
  static final String SERVICE_NAME = "aether";
  /** The version of the service's interface (its endpoints and their JSON), not of the node's code. */
  static final String SERVICE_VERSION = "1.0.0";

  private final Connection connection;
  private final ClusterNames names;
  private final String self;
  private final MapView maps;
  private final IntPredicate owns;
  private final Runtime runtime;
  private final BackgroundActivations activations;
  private final DistributedRuntime cluster;
  private final Supplier<ClusterStatus> status;
  private final ClusterConfig config;
  private final Consumer<String> suspicions;
  private final Supplier<String> incarnation;
  private final ReentrantLock gateLock = new ReentrantLock();
  private final Condition thawed = gateLock.newCondition();
  private volatile boolean frozen;
  private final ExecutorService workers =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("aether-cluster-endpoint-", 0).factory());
  private Dispatcher dispatcher;
  private Dispatcher serviceDispatcher;
  /** Set by {@link #start}; taken (and stopped) once by {@link #stopAnyNode}, from a leave or a stop. */
  private final AtomicReference<Service> service = new AtomicReference<>();

  /**
   * @param suspicions told the node a client found without responders (probed by the failure detector)
   * @param incarnation this node's current incarnation, for the answer to a ping
   */
  NodeEndpoints(Connection connection, ClusterNames names, ClusterConfig config, MapView maps, IntPredicate owns,
      Runtime runtime, BackgroundActivations activations, DistributedRuntime cluster, Supplier<ClusterStatus> status,
      Consumer<String> suspicions, Supplier<String> incarnation) {
    this.activations = activations;
    this.suspicions = suspicions;
    this.incarnation = incarnation;
    this.connection = connection;
    this.names = names;
    this.self = config.nodeId();
    this.config = config;
    this.maps = maps;
    this.owns = owns;
    this.runtime = runtime;
    this.cluster = cluster;
    this.status = status;
  }

  void start() {
    dispatcher = connection.createDispatcher();
    dispatcher.subscribe(names.nodeCommands(self), m -> {
      awaitThaw();
      onRoutedCommand(m);
    });
    dispatcher.subscribe(names.nodeControl(self), m -> {
      awaitThaw();
      workers.execute(() -> onControl(m));
    });
    serviceDispatcher = connection.createDispatcher();
    try { // discovery too on this dispatcher: a frozen node (the test hook) answers nothing, as a stopped process
      Service built = Service.builder().connection(connection).name(SERVICE_NAME).version(SERVICE_VERSION)
          .description("an Aether cluster node: commands, state reads and the cluster's status from any client")
          .metadata(Map.of("node", self, "subjects", names.subjectStem())).drainTimeout(DRAIN_TIMEOUT)
          .pingDispatcher(serviceDispatcher).infoDispatcher(serviceDispatcher).statsDispatcher(serviceDispatcher)
          .addServiceEndpoint(endpoint("commands", names.anyNodeCommands(), this::onAnyNodeCommand))
          .addServiceEndpoint(endpoint("state", names.anyNodeStates(),
              m -> workers.execute(() -> onAnyNodeState(m))))
          .addServiceEndpoint(endpoint("status", names.status(), this::onStatus))
          .build();
      built.startService();
      service.set(built);
    } catch (RuntimeException e) {
      connection.closeDispatcher(serviceDispatcher);
      throw e;
    }
    dispatcher.subscribe(names.suspect(), ClusterNames.NODE_QUEUE, m -> {
      awaitThaw();
      String node = new String(m.getData(), StandardCharsets.UTF_8);
      if (NodeIds.valid(node)) {
        suspicions.accept(node);
      }
    });
  }

  /** An endpoint of the node's NATS service: a subject of the nodes' queue group, served on its dispatcher. */
  private ServiceEndpoint endpoint(String name, String subject, Consumer<Message> handler) {
    return ServiceEndpoint.builder().endpointName(name).endpointSubject(subject)
        .endpointQueueGroup(ClusterNames.NODE_QUEUE).dispatcher(serviceDispatcher)
        .handler(m -> {
          awaitThaw();
          try {
            handler.accept(NatsMessage.builder().subject(m.getSubject()).replyTo(m.getReplyTo())
                .headers(m.getHeaders()).data(m.getData()).build());
          } catch (RuntimeException e) { // unanswered, as before (jnats would answer an empty body): asked again
            LOG.warn("cluster: {} could not handle a request on {}", self, subject, e);
          }
        })
        .build();
  }

  /**
   * Test hook: while frozen, the dispatcher thread stops at its next message (the server keeps the
   * subscriptions and queues what comes, as for a stopped process); thawing goes on in order.
   */
  void freeze(boolean freeze) {
    gateLock.lock();
    try {
      frozen = freeze;
      if (!freeze) {
        thawed.signalAll();
      }
    } finally {
      gateLock.unlock();
    }
  }

  private void awaitThaw() {
    if (!frozen) {
      return;
    }
    gateLock.lock();
    try {
      while (frozen) {
        thawed.awaitUninterruptibly();
      }
    } finally {
      gateLock.unlock();
    }
  }

  /**
   * Stops taking the any-node requests (commands, state reads, the status: the NATS service), answering those
   * already taken; the queue group gives the next ones to the other nodes. First thing on a graceful leave, while
   * the gateway still forwards what was taken (found by a user: requests that reached a leaving node after its
   * gateway stopped were answered {@code NOT_RUNNING}). Idempotent.
   */
  void stopAnyNode() {
    Service running = service.getAndSet(null);
    if (running != null) { // drains its dispatcher: what its endpoints took is answered first, as below
      try {
        running.stop(true);
      } catch (RuntimeException e) { // the connection is closed already (a crash)
        LOG.debug("cluster: stopping the service of {}: {}", self, e.toString());
      }
      if (serviceDispatcher.isActive()) { // the drain did not end it: no thread is left behind
        closeDispatcher(serviceDispatcher);
      }
    }
  }

  /**
   * Stops taking requests (senders then meet no responders and go to the map's next owner) and answers those
   * already taken: the dispatcher drains (waits up to {@link #DRAIN_TIMEOUT} for its queue) rather than drop them.
   */
  @Override
  public void close() {
    stopAnyNode();
    if (dispatcher != null) {
      try {
        dispatcher.drain(DRAIN_TIMEOUT).get(DRAIN_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        LOG.debug("cluster: draining the endpoints of {}: {}", self, e.toString());
        closeDispatcher(dispatcher);
      }
      dispatcher = null;
    }
    workers.shutdown();
  }

  /** Closes the dispatcher; on a closed connection (closed first by its owner, or a crash) there is none left. */
  private void closeDispatcher(Dispatcher which) {
    try {
      connection.closeDispatcher(which);
    } catch (IllegalStateException closed) {
      LOG.debug("cluster: the connection of {} is closed already: {}", self, closed.getMessage());
    }
  }

  private void onRoutedCommand(Message request) {
    long epoch = Wire.longHeader(request, Wire.EPOCH, -1);
    ShardMap map = maps.map();
    if (map == null || epoch > map.epoch()) {
      workers.execute(() -> { // the sender saw a newer map: read it before deciding who owns the shard
        try {
          maps.refresh();
        } catch (AetherException e) {
          LOG.debug("cluster: cannot read the shard map: {}", e.getMessage());
        }
        serve(request);
      });
    } else {
      serve(request);
    }
  }

  private void serve(Message request) {
    ShardMap map = maps.map();
    if (map == null) {
      moved(request, null, -1);
      return;
    }
    long shardHeader = Wire.longHeader(request, Wire.SHARD, -1);
    if (shardHeader < 0 || shardHeader >= map.shards().count()) {
      badRequest(request, new InvalidInputException(Wire.SHARD, "must be the actor's shard, 0.."
          + (map.shards().count() - 1) + " (a client without the shard map sends to <prefix>.<ns>.cmd instead)"));
      return;
    }
    int shard = (int) shardHeader;
    RuntimeMessage message;
    try {
      message = CommandJson.messageFromBytes(request.getData());
    } catch (InvalidInputException e) {
      badRequest(request, e);
      return;
    }
    int actorShard = map.shards().shardOf(message.target().streamId());
    if (actorShard != shard) { // the cluster's own senders hash as the map does: a foreign client's mistake
      badRequest(request, new InvalidInputException(Wire.SHARD, "is " + shard + ", but the shard of "
          + message.target().streamId() + " is " + actorShard + " (StreamHash of the stream id modulo "
          + map.shards().count() + "; a client without the shard map sends to <prefix>.<ns>.cmd instead)"));
      return;
    }
    if (!owns.test(shard)) {
      moved(request, map, shard);
      return;
    }
    // relayed: the reply may complete on the store's acknowledgement thread; all this callback does is answer
    runtime.sendMessageToRelay(message).whenComplete((result, failure) -> {
      if (result instanceof Rejected r && r.reason() == RejectionReason.NOT_OWNER) {
        moved(request, maps.map(), shard); // drained while queued: the sender follows the map
      } else {
        reply(request, null, result != null ? CommandJson.resultToBytes(result)
            : CommandJson.resultToBytes(Rejected.of(message.commandId(), RejectionReason.BEHAVIOR_FAILED,
                String.valueOf(failure))));
      }
    });
  }

  private void moved(Message request, ShardMap map, int shard) {
    Headers headers = new Headers().put(Wire.STATUS, Wire.MOVED)
        .put(Wire.EPOCH, Long.toString(map == null ? -1 : map.epoch()));
    String owner = map == null || shard < 0 || shard >= map.shards().count() ? null : map.ownerId(shard);
    if (owner != null && !owner.equals(self)) {
      headers.put(Wire.OWNER, owner);
    }
    reply(request, headers, new byte[0]);
  }

  private void badRequest(Message request, InvalidInputException e) {
    reply(request, new Headers().put(Wire.STATUS, Wire.BAD_REQUEST).put(Wire.ERROR_FIELD, Wire.text(e.field())),
        e.getMessage().getBytes(StandardCharsets.UTF_8));
  }

  /** @return false when the answer could not be published (too large for the server, a closed connection) */
  private boolean reply(Message request, Headers headers, byte[] body) {
    if (request.getReplyTo() == null) {
      return true;
    }
    try {
      connection.publish(request.getReplyTo(), headers, body);
      return true;
    } catch (RuntimeException e) {
      LOG.debug("cluster: cannot answer {}: {}", request.getSubject(), e.getMessage());
      return false;
    }
  }

  private void onAnyNodeCommand(Message request) {
    RuntimeMessage message;
    try {
      message = CommandJson.messageFromBytes(request.getData());
    } catch (InvalidInputException e) {
      badRequest(request, e);
      return;
    }
    ActorKey target = message.target();
    if (runtime.model().filter(m -> m.isInternal(target.aggregateType(), message.command())).isPresent()) {
      badRequest(request, new InvalidInputException("command", target.aggregateType() + "." + message.command()
          + " is internal: only the domain (the model's policies) sends it"));
      return;
    }
    cluster.sendMessageToRelay(message) // the callback only publishes the answer
        .thenAccept(result -> reply(request, null, CommandJson.resultToBytes(result)));
  }

  /** A state read from a client: through the owner, or from the store here when no owner answers. */
  private void onAnyNodeState(Message request) {
    StateRequest asked;
    ActorKey key;
    try {
      asked = ControlJson.read(request.getData(), StateRequest.class);
      key = ActorKey.of(asked.aggregateType(), asked.actorId());
    } catch (InvalidInputException e) {
      badRequest(request, e);
      return;
    }
    readAsAnyNode(request, key, asked.unresponsive());
  }

  /** Reads through the owner, or the store here when the map names the {@code unresponsive} node the owner. */
  private void readAsAnyNode(Message request, ActorKey key, String unresponsive) {
    cluster.readState(key, unresponsive).whenComplete((read, failure) -> sendState(request, read, failure));
  }

  private void onStatus(Message request) {
    workers.execute(() -> {
      ClusterStatus now;
      try {
        now = status.get();
      } catch (IllegalStateException stopped) { // the node stopped since: the asker's retry meets another member
        return;
      }
      reply(request, null, ControlJson.write(now));
    });
  }

  private void onControl(Message request) {
    try {
      Control control = ControlJson.read(request.getData(), Control.class);
      if (control.ping() != null) {
        reply(request, null, ControlJson.write(new Pong(self, incarnation.get())));
      } else if (control.hot() != null) {
        reply(request, null, ControlJson.write(hotSet(control.hot())));
      } else if (control.warm() != null) {
        reply(request, null, ControlJson.write(warmUp(control.warm())));
      } else if (control.state() != null) {
        answerState(request, control.state());
      } else {
        throw new InvalidInputException("Control", "names no operation");
      }
    } catch (InvalidInputException e) {
      badRequest(request, e);
    }
  }

  /**
   * Reads an actor's state through its VM here (activated if needed, current with the store) when this node
   * owns its shard; else answers {@code MOVED} naming the owner in this node's map, unless the asker names an
   * owner it could not reach (a client whose owner did not answer asks other members by name): then the read
   * goes on as one of the any-node subject ({@link DistributedRuntime#readState(ActorKey, String)}). A read that
   * fails here answers its failure ({@link StateReplies}): a node asking reads the store itself and meets it in
   * its own terms.
   */
  private void answerState(Message request, StateRequest asked) {
    ActorKey key = ActorKey.of(asked.aggregateType(), asked.actorId());
    ShardMap map = maps.map();
    int shard = map == null ? -1 : map.shards().shardOf(key.streamId());
    if (map == null || !owns.test(shard)) {
      if (asked.unresponsive() != null) {
        readAsAnyNode(request, key, asked.unresponsive());
      } else {
        moved(request, map, shard);
      }
      return;
    }
    StateReads.readOwned(runtime, key, () -> owns.test(shard))
        .whenComplete((read, failure) -> sendState(request, read, failure));
  }

  /** Answers a state read (a state too large for one NATS message is a failure the asker meets). */
  private void sendState(Message request, StoredState read, Throwable failure) {
    Throwable failed = failure;
    if (read != null) {
      try {
        StateReplies.Reply answer = StateReplies.state(read);
        if (reply(request, answer.headers(), answer.body())) {
          return;
        }
        var server = connection.getServerInfo();
        long maxPayload = server == null ? -1 : server.getMaxPayload();
        failed = new ActorFailedException(RejectionReason.STORE_FAILED, "the state of " + read.key() + " ("
            + answer.body().length + " bytes of JSON) could not be sent" + (maxPayload > 0
            && answer.body().length > maxPayload ? ": above the NATS server's max payload (" + maxPayload
            + " bytes); a state this large is read where it is kept (the owner's runtime), not over NATS" : ""),
            null);
      } catch (RuntimeException e) { // a state the JSON cannot hold: retrying cannot fix it
        failed = new ActorFailedException(RejectionReason.STORE_FAILED, "the state of " + read.key()
            + " cannot be written as JSON: " + e.getMessage(), e);
      }
    }
    StateReplies.Reply answer = StateReplies.failure(failed);
    reply(request, answer.headers(), answer.body());
  }

  /** The most recently used active actors of some shards, most recent first. */
  private HotSet hotSet(HotRequest request) {
    ShardMap map = maps.map();
    Set<Integer> shards = new HashSet<>(request.shards());
    List<ActorKey> lru = new ArrayList<>(runtime.registry().snapshot().keySet()); // least recently used first
    List<String> hot = new ArrayList<>();
    for (int i = lru.size() - 1; i >= 0 && hot.size() < request.limit() && map != null; i--) {
      String stream = lru.get(i).streamId();
      if (shards.contains(map.shards().shardOf(stream))) {
        hot.add(stream);
      }
    }
    return new HotSet(hot);
  }

  /** Activates the hot actors of shards about to move here, asking each old owner for them. */
  private Warmed warmUp(WarmRequest request) {
    Map<String, List<Integer>> byOldOwner = new LinkedHashMap<>();
    for (WarmMove move : request.moves()) {
      byOldOwner.computeIfAbsent(move.from(), n -> new ArrayList<>()).add(move.shard());
    }
    Duration budget = config.warmupTimeout();
    long deadline = System.nanoTime() + budget.toNanos();
    List<String> hot = new ArrayList<>();
    int perOwner = Math.max(1, config.warmupActors() / Math.max(1, byOldOwner.size()));
    byOldOwner.forEach((owner, shards) -> {
      try {
        Message answer = connection.requestWithTimeout(names.nodeControl(owner),
                ControlJson.write(Control.hot(new HotRequest(shards, perOwner))), budget)
            .orTimeout(budget.toMillis(), TimeUnit.MILLISECONDS).join();
        hot.addAll(ControlJson.read(answer.getData(), HotSet.class).streams());
      } catch (RuntimeException e) {
        LOG.info("cluster: no hot set from {} ({}); its shards move cold", owner, e.toString());
      }
    });
    return new Warmed(activate(hot, deadline));
  }

  /**
   * Activates a warm-up's actors among the node's background activations ({@link BackgroundActivations}: {@code
   * warmupConcurrency} at a time with the remembered actors; a newer warm-up ends this one's starts), starting
   * none after the deadline.
   *
   * @return how many were activated by the deadline
   */
  private int activate(List<String> streams, long deadline) {
    Collection<CompletableFuture<?>> started = List.of();
    try {
      started = activations.warmUp(streams, deadline).values();
      long left = deadline - System.nanoTime();
      if (left > 0) { // allOf ends once each has ended, a failed one too
        CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(left, TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // a failed activation, or the deadline: counted below
    }
    int activated = (int) started.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
    if (activated < streams.size()) {
      LOG.info("cluster: warmed up {} of {} actors within {}{}", activated, streams.size(),
          ConfigKeys.formatDuration(config.warmupTimeout()),
          started.size() < streams.size() ? " (a newer warm-up, or the deadline, ended its starts)" : "");
    }
    return activated;
  }
}
