package dev.aether.cluster;

import dev.aether.InvalidInputException;
import dev.aether.cluster.ControlJson.LeaderLease;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.KvKeys;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.ActorPlacement;
import dev.aether.runtime.CommandGateway;
import dev.aether.runtime.Runtime;
import dev.aether.support.Checks;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.KeyValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a cluster: a local {@link Runtime} whose actors are the ones of the shards this node owns, and
 * the cluster work around it, all on NATS. It holds a lease in KV (renewed every
 * {@link ClusterConfig#leaseInterval()}), watches every lease and the shard map, may lead (then it plans
 * placement and hands shards over warm), serves the commands routed to it and answers {@code MOVED} for shards
 * it does not own, and routes its own commands through {@link #gateway()}. The runtime's placement seam is set
 * so that no actor of a shard owned elsewhere is activated here.
 *
 * <pre>{@code
 * ClusterConfig config = ClusterConfig.builder(storeConfig).nodeId("node-1").build();
 * try (ClusterNode node = ClusterNode.builder(config).connection(connection)
 *     .runtime(gateway -> Runtime.builder().eventStore(store).reactionGateway(gateway).behavior(account).build())
 *     .start()) {
 *   node.gateway().sendMessage(RuntimeMessage.of("Account", "acc-42", "Deposit", Map.of("amount", 5))).join();
 * }
 * }</pre>
 *
 * <p>{@link #close()} leaves gracefully: the node marks its lease leaving, the leader hands its shards to the
 * others (warm), then it stops serving, drains its actors, closes its runtime and deletes its lease. The NATS
 * connection stays the caller's; close the node before it: a node whose connection closes under it (or that
 * jnats gives up reconnecting) stops by itself, as a crash looks to the others, and {@link #whenStopped()} says
 * so. Thread-safe.
 */
public final class ClusterNode implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  /** How long after a node's dead-after the lease loop looks (its age is then past dead-after, not equal). */
  private static final long DEATH_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
  /** How long a node that gained a reaction's shard waits before it runs the reaction. */
  static final Duration REACTION_GRACE = Duration.ofSeconds(1);

  private final ClusterConfig config;
  /** A renewal this late (1.5 lease intervals) gets its node probed; kept, not computed every tick. */
  private final Duration probeWhenLate;
  private final MeterRegistry meterRegistry;
  private final String self;
  private final Connection connection;
  private final ClusterNames names;
  private final DistributedRuntime gateway;
  private final ClusterEvents events;
  private final AtomicBoolean leaving = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final Map<String, Long> reactionsOwnedSince = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> left = new CompletableFuture<>();
  /** Completed with why the node stopped, once it has stopped ({@link #whenStopped()}). */
  private final CompletableFuture<StopReason> whenStopped = new CompletableFuture<>();
  /** Why the node stopped, set by the stop that won {@code stopped}; null while it runs. */
  private volatile StopReason stopReason;
  private final Semaphore planSignal = new Semaphore(0);
  private final Semaphore leaseSignal = new Semaphore(0);
  private volatile boolean running;
  private volatile boolean frozen;
  /** {@link #movesDue}'s last answer, by map epoch and members. */
  private volatile MovesDue movesDue;
  /** Whether a stop closes the runtime: not one given built whose node failed to start (the caller keeps it). */
  private boolean closesRuntime = true;
  private volatile IntPredicate forcedOwnership = shard -> false;
  private ClusterKv kv;
  private Membership membership;
  private Leadership leadership;
  private MapView maps;
  private Router router;
  private Planner planner;
  private FailureDetector detector;
  private NatsServers servers;
  private RememberedActors remembered;
  private Thread rememberThread;
  private NodeEndpoints endpoints;
  private Runtime runtime;
  private Thread leaseThread;
  private Thread plannerThread;

  /**
   * How long after this node's connection came back every lease counts as renewed and no responders is no proof
   * of death: the others reconnect within moments of a restarted server (jnats retries every 500 ms here), not at
   * once.
   */
  private static final Duration SETTLE_AFTER_RECONNECT = Duration.ofSeconds(3);

  /**
   * Watches again when the connection comes back (a restarted server lost the watches' consumers); stops the node
   * when it closes (the lease loop also checks, in case jnats tells its listeners nothing once closed).
   */
  private final ConnectionListener reconnects = (conn, event) -> {
    if (event == ConnectionListener.Events.RECONNECTED) {
      membership.reconnected();
      Thread.ofVirtual().name("aether-cluster-rewatch").start(this::rewatch); // not on jnats' thread
    } else if (event == ConnectionListener.Events.CLOSED && running) {
      stopInBackground(StopReason.CONNECTION_CLOSED);
    }
  };

  /** JetStream's answer for a stream (a KV bucket) that does not exist. */
  private static final int STREAM_NOT_FOUND = 10059;

  /** The runtimes serving a node, with the node's id: a runtime serves one node (its placement is the node's). */
  private static final Map<Runtime, String> SERVING = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  /**
   * The running nodes by connection and namespace (the lease bucket's name): one node per connection and namespace
   * ({@link Builder#start()}).
   */
  private static final Map<ConnectionUse, ClusterNode> CONNECTION_USERS = new ConcurrentHashMap<>();

  /** A connection (by identity: jnats' connections do not override equals) used by a node of a namespace. */
  private record ConnectionUse(Connection connection, String leaseBucket) {}

  private ClusterNode(ClusterConfig config, Connection connection, MeterRegistry meterRegistry) {
    this.config = config;
    this.probeWhenLate = Duration.ofNanos(config.leaseInterval().toNanos() * 3 / 2);
    this.meterRegistry = meterRegistry;
    this.self = config.nodeId();
    this.connection = connection;
    this.names = ClusterNames.of(config.store());
    this.gateway = new DistributedRuntime(self);
    this.events = new ClusterEvents(self, this::status, config.leaseInterval());
  }

  /**
   * The nodes of a cluster that run in a namespace now: those holding a lease (a lease expires two dead-after
   * times after its last renewal). A process that is no node of the cluster asks it before using the namespace
   * on its own (the node server refuses to start alone there: its decisions would compete with the cluster's).
   *
   * @param connection an open connection
   * @param store the namespace (and subject prefix) to look at
   * @return the ids of the nodes holding a lease, sorted; empty when no cluster runs there (or never did)
   * @throws InvalidInputException naming a null argument, or {@code connection} when it is closed
   * @throws dev.aether.store.StoreUnavailableException when NATS cannot answer
   */
  public static List<String> liveNodes(Connection connection, JetStreamConfig store) {
    ClusterKv.requireOpen(Checks.notNull(connection, "connection"));
    String bucket = ClusterNames.of(Checks.notNull(store, "store")).leaseBucket();
    try {
      connection.keyValueManagement().getStatus(bucket);
    } catch (io.nats.client.JetStreamApiException e) {
      if (e.getApiErrorCode() == STREAM_NOT_FOUND) {
        return List.of(); // no lease bucket: no cluster ever ran in this namespace
      }
      throw new dev.aether.store.StoreUnavailableException("cannot read the cluster's leases: " + e.getMessage(), e);
    } catch (java.io.IOException | RuntimeException e) {
      throw new dev.aether.store.StoreUnavailableException("cannot read the cluster's leases: " + e.getMessage(), e);
    }
    try { // listed without a consumer (KvKeys); a lease deleted by a leave is left out by a read of each
      KeyValue leases = connection.keyValue(bucket);
      List<String> live = new ArrayList<>();
      for (String key : KvKeys.list(connection.jetStreamManagement(), bucket, ClusterNames.NODE_KEY_PREFIX + ">")) {
        if (leases.get(key) != null) {
          live.add(key.substring(ClusterNames.NODE_KEY_PREFIX.length()));
        }
      }
      return live;
    } catch (java.io.IOException | io.nats.client.JetStreamApiException | RuntimeException e) {
      throw new dev.aether.store.StoreUnavailableException("cannot read the cluster's leases: " + e.getMessage(), e);
    }
  }

  /**
   * Starts building a node.
   *
   * @param config the node's configuration
   * @return a builder
   * @throws InvalidInputException naming {@code config} when null
   */
  public static Builder builder(ClusterConfig config) {
    return new Builder(Checks.notNull(config, "config"));
  }

  private void start(Function<CommandGateway, Runtime> runtimeFactory) {
    kv = ClusterKv.open(connection, config, names);
    Duration settle = settleAfterReconnect();
    membership = new Membership(kv, config, settle);
    leadership = new Leadership(kv, membership, self, () -> planner.progress());
    maps = new MapView(connection, kv.mapBucket(), this::onMapChanged);
    servers = new NatsServers(connection, self, settle);
    detector = new FailureDetector(kv, connection, names, membership, servers, self,
        config.leaseInterval().dividedBy(2));
    membership.onChange(() -> { // a lease deleted, the leader key gone: elect and plan now, not at the next tick
      leaseSignal.release();
      planSignal.release();
      events.changed();
    });
    membership.onOwnRenewalSeen(() -> { // a leader's renewal is echoed: it may plan again (seesMembership)
      if (leadership.leading()) {
        planSignal.release();
      }
    });
    membership.beforeRejoin(this::refreshMapQuietly);
    Runtime given = Checks.notNull(runtimeFactory.apply(gateway), "runtime");
    String holder = SERVING.putIfAbsent(given, self);
    if (holder != null) { // a second placement would take the first node's shards from its runtime
      throw new InvalidInputException("runtime", "already serves cluster node " + holder
          + ": give each node a runtime of its own");
    }
    runtime = given; // from here a failed start closes a runtime the factory built (Builder.start)
    String namespace = config.store().namespace();
    given.storeNamespace().filter(other -> !other.equals(namespace)).ifPresent(other -> {
      throw new InvalidInputException("runtime", "stores events in namespace " + other + ", the cluster runs in "
          + namespace + ": build the runtime's store and the ClusterConfig from one JetStreamConfig");
    });
    claimConnection(); // before anything subscribes (a runtime serving another node is named first)
    // another node may have run an actor until just before: its outcomes that store nothing are fenced (README)
    runtime.setPlacement(ActorPlacement.fencing(this::allows));
    runtime.setReactionPlacement(this::runsReaction);
    if (!runtime.isRunning()) {
      try {
        runtime.start();
      } catch (IllegalStateException e) {
        throw new InvalidInputException("runtime", "is closed: give the node a runtime that is not");
      }
    }
    membership.report(() -> new Membership.Report(activeActors(), model()));
    Duration attemptTimeout = config.deadAfter().plus(config.leaseInterval()); // a dead owner's replacement
    router = new Router(connection, names, maps, self, runtime, config.maxHops(), runtime.config().commandTimeout(),
        attemptTimeout, meterRegistry == null ? ClusterMeters.NONE : new ClusterMeters(meterRegistry, self),
        detector::suspect);
    gateway.bind(router, new StateReads(connection, names, maps, self, this::owns, runtime, config.maxHops(),
        attemptTimeout));
    planner = new Planner(kv, maps, membership, config, connection, names,
        () -> leadership.publish(membership.incarnation()));
    BackgroundActivations activations = new BackgroundActivations(runtime, config.warmupConcurrency());
    if (!config.rememberActors().isEmpty()) {
      remembered = RememberedActors.open(connection, config.store(), names, config, runtime, this::owns, maps,
          activations);
      config.rememberActors().stream().filter(type -> !runtime.aggregateTypes().contains(type))
          .forEach(type -> LOG.warn("cluster: node {} remembers actors of {}, which its runtime has no behaviour for"
              + " (yet); a misspelt type remembers nothing", self, type));
    }
    endpoints = new NodeEndpoints(connection, names, config, maps, this::owns, runtime, activations, gateway,
        this::status, detector::suspect, () -> membership.incarnation());
    maps.start();
    membership.watch();
    connection.addConnectionListener(reconnects);
    membership.join(); // before serving: a node whose id a live node holds never answers on that id's subjects
    endpoints.start();
    running = true;
    // platform threads: a renewal must not wait for a carrier thread that busy actors hold (a lease lost under
    // load was measured with virtual threads on 2 cores)
    leaseThread = Thread.ofPlatform().daemon().name("aether-cluster-lease-" + self).start(this::leaseLoop);
    plannerThread = Thread.ofPlatform().daemon().name("aether-cluster-planner-" + self).start(this::plannerLoop);
    planSignal.release();
    awaitMap();
    if (remembered != null) {
      rememberThread = Thread.ofVirtual().name("aether-cluster-remember-" + self).start(this::rememberLoop);
    }
    if (meterRegistry != null) {
      ClusterMeters.nodeGauges(meterRegistry, this);
    }
    LOG.info("cluster: node {} joined {} (incarnation {})", self, config.store().namespace(), membership.incarnation());
  }

  /** Waits until this node has a shard map (the first node's planner creates it), at most two dead-after times. */
  private void awaitMap() {
    long deadline = System.nanoTime() + config.deadAfter().multipliedBy(2).toNanos();
    while (maps.map() == null && !stopped.get() && !Thread.currentThread().isInterrupted()) {
      if (System.nanoTime() - deadline > 0) {
        LOG.warn("cluster: node {} has no shard map {} after joining (no leader has made one yet); commands wait"
            + " for it", self, config.deadAfter().multipliedBy(2));
        return;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  /**
   * Renews the lease every lease interval, probes the nodes whose renewals are late, and keeps or seeks the
   * leadership; woken early (without renewing) when the lease watch shows a lease deleted or the leader key
   * gone, so that a dead leader is replaced at once, and when a node goes dead-after without a renewal.
   */
  private void leaseLoop() {
    long nextRenewal = System.nanoTime();
    long interval = config.leaseInterval().toNanos();
    while (running) {
      try {
        if (connection.getStatus() == Connection.Status.CLOSED) {
          stopInBackground(StopReason.CONNECTION_CLOSED);
          return;
        }
        if (!frozen && System.nanoTime() - nextRenewal >= 0) {
          nextRenewal = System.nanoTime() + interval;
          servers.look();
          membership.renew();
          membership.forgetExpired();
          if (membership.fenced()) {
            stopInBackground(StopReason.ID_TAKEN);
            return;
          }
          // a node whose renewal is half an interval late is probed: a crash without traffic is confirmed long
          // before deadAfter (a slow node answers, or its ping times out: no proof)
          membership.late(probeWhenLate).forEach(detector::suspect);
          if (membership.watchStalled()) {
            LOG.warn("cluster: node {} sees no lease renewal, not even its own, though its renewals succeed: the"
                + " lease watch stalled; watching the leases and the map again", self);
            Thread.ofVirtual().name("aether-cluster-rewatch").start(this::rewatch);
          }
        }
        if (!frozen) {
          leadership.tick(membership.incarnation(), !leaving.get() && membership.selfFresh());
          if (leadership.leading()) {
            planSignal.release();
          }
          events.changed();
        }
      } catch (RuntimeException e) {
        LOG.warn("cluster: lease work of {} failed, trying again: {}", self, e.toString());
      }
      try {
        // frozen (the test hook): nothing is renewed, so nextRenewal stays behind; thaw() wakes the loop
        long wait = frozen ? interval : Math.max(0, nextRenewal - System.nanoTime());
        // also when a node goes dead-after unrenewed: a paused or crashed node's shards move (or its leadership
        // passes) then, not up to an interval later at the next renewal
        long untilDeath = membership.nanosUntilNextDeath();
        if (untilDeath < wait) {
          wait = Math.min(wait, untilDeath + DEATH_MARGIN_NANOS);
        }
        if (leaseSignal.tryAcquire(wait, TimeUnit.NANOSECONDS)) {
          leaseSignal.drainPermits();
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Activates the remembered actors of the shards the node owns once it serves, then records the active
   * remembered actors once a second (until the node leaves: a leave's drain is no passivation).
   */
  private void rememberLoop() {
    ShardMap first = maps.map();
    if (first != null) {
      remembered.activate(Set.copyOf(first.shardsOf(self)));
    }
    while (running && !leaving.get()) {
      if (!pause(Duration.ofSeconds(1))) {
        return;
      }
      if (running && !leaving.get() && !frozen) {
        try {
          remembered.sync();
        } catch (RuntimeException e) {
          LOG.debug("cluster: recording remembered actors of {}: {}", self, e.toString());
        }
      }
    }
  }

  private void refreshMapQuietly() {
    try {
      maps.refresh();
    } catch (RuntimeException e) {
      LOG.debug("cluster: cannot read the shard map: {}", e.getMessage());
    }
  }

  private void plannerLoop() {
    while (running) {
      try {
        planSignal.tryAcquire(config.leaseInterval().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      planSignal.drainPermits();
      if (frozen) {
        continue;
      }
      if (!mayPlan()) {
        planner.reset();
        continue;
      }
      try {
        while (planner.step(this::mayPlan) && mayPlan()) {
          // each step is one map update (a warm-up first may take seconds); go on while there are moves
        }
      } catch (RuntimeException e) {
        LOG.warn("cluster: planning on {} failed, trying again: {}", self, e.toString());
        planner.reset();
      }
    }
  }

  /**
   * Whether this node may write the next map: it runs, leads, is not frozen, its own lease is fresh and it sees
   * the others' renewals (checked before every step, not only before a plan's first).
   */
  private boolean mayPlan() {
    return running && !frozen && leadership.leading() && membership.selfFresh() && membership.seesMembership();
  }

  private static boolean pause(Duration duration) {
    try {
      Thread.sleep(duration);
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }

  /** The placement seam: this node runs an actor when it owns the actor's shard (also for tests). */
  boolean allows(ActorKey key) {
    ShardMap map = maps.map();
    return map != null && owns(map, map.shards().shardOf(key.streamId()));
  }

  /**
   * Tells whether a reaction that runs once per cluster (a read model on a shared store) runs on this node now:
   * on the owner of its name's shard, from 1 s after this node first saw itself own it (the previous owner stops
   * before its next event once it sees the new map, so the two do not run at once). A model's read models use
   * it ({@code readModel/<name>}); give it to a Java projection as its condition, under a name of its own:
   * {@code projection.start(feed, store, registry, () -> node.runsReaction("projection/Orders"))}. Thread-safe.
   *
   * @param reaction the reaction's name, the same on every node
   * @return whether it runs here now
   * @throws InvalidInputException naming {@code reaction} when null or blank
   */
  public boolean runsReaction(String reaction) {
    Checks.notBlank(reaction, "reaction");
    ShardMap map = maps.map();
    if (map == null || !owns(map, map.shards().shardOf(reaction))) {
      reactionsOwnedSince.remove(reaction);
      return false;
    }
    long now = System.nanoTime();
    return now - reactionsOwnedSince.computeIfAbsent(reaction, r -> now) >= REACTION_GRACE.toNanos();
  }

  private boolean owns(int shard) {
    ShardMap map = maps.map();
    return map != null && owns(map, shard);
  }

  /**
   * Whether this node serves a shard: the map names it, its own lease is fresh, and its cluster connection is
   * connected. Without that connection the node can neither renew nor answer, and the others declare it dead
   * as soon as a probe meets no responders (about 50 ms, long before {@code deadAfter}), while its store's
   * connection may still write: a node cut off from the cluster decides nothing more.
   */
  private boolean owns(ShardMap map, int shard) {
    return (self.equals(map.ownerId(shard)) && membership.selfFresh() && !stopped.get()
        && connection.getStatus() == Connection.Status.CONNECTED)
        || forcedOwnership.test(shard);
  }

  /** When shards move away, their actors here finish the commit in flight and answer the rest NOT_OWNER. */
  /**
   * Drains every active actor of a shard the new map does not give this node: the shards that moved away, and
   * also actors warmed up for a move that did not happen, or active before the node started.
   */
  private void onMapChanged(ShardMap previous, ShardMap next) {
    events.changed();
    if (runtime == null) {
      return;
    }
    List<ActorKey> leaving = new ArrayList<>();
    for (ActorKey key : runtime.registry().snapshot().keySet()) {
      int shard = next.shards().shardOf(key.streamId());
      if (!self.equals(next.ownerId(shard)) && !forcedOwnership.test(shard)) {
        leaving.add(key);
      }
    }
    if (!leaving.isEmpty()) {
      LOG.debug("cluster: node {} drains {} actors for map epoch {}", self, leaving.size(), next.epoch());
      runtime.drain(leaving);
    }
    if (remembered != null && running) {
      Set<Integer> gained = new HashSet<>(next.shardsOf(self));
      if (previous != null) {
        gained.removeAll(previous.shardsOf(self));
      }
      if (!gained.isEmpty()) {
        Thread.ofVirtual().name("aether-cluster-remembered-" + self).start(() -> remembered.activate(gained));
      }
    }
  }

  /**
   * This node's id.
   *
   * @return the id from its configuration
   */
  public String nodeId() {
    return self;
  }

  /**
   * The gateway that routes every command to the owner of its actor's shard; give it to policies and clients.
   *
   * @return the node's distributed runtime (the same object for the node's life)
   */
  public DistributedRuntime gateway() {
    return gateway;
  }

  /**
   * The node's local runtime, for its management face (active VMs, models, read models); send commands through
   * {@link #gateway()}, which reaches actors of other nodes too.
   *
   * @return the runtime
   */
  public Runtime runtime() {
    return runtime;
  }

  /**
   * The newest shard map this node has seen.
   *
   * @return the map; empty before the cluster has one
   */
  public Optional<ShardMap> map() {
    return Optional.ofNullable(maps.map());
  }

  /**
   * Tells whether this node leads the cluster now (plans placement and detects failures).
   *
   * @return {@code true} while it runs and holds the leader key; {@code false} once it stopped, also when it stopped
   *     by itself and its key has yet to expire (another node may lead already)
   */
  public boolean isLeader() {
    return !stopped.get() && leadership.leading();
  }

  /**
   * Whether the node is in the cluster: started, and neither closed, crashed nor stopped by itself (its NATS
   * connection closed under it: {@link #whenStopped()}); {@link #leave()} in progress counts as running until it
   * stops serving.
   *
   * @return whether the node runs
   */
  public boolean isRunning() {
    return running && !stopped.get();
  }

  /**
   * Completes once this node has stopped, with why: a leave ({@link #close()}, {@link #leave()}), or a stop that
   * no caller asked for ({@link StopReason#CONNECTION_CLOSED}: its NATS connection closed under it, by the
   * application or because jnats gave up reconnecting; {@link StopReason#ID_TAKEN}). Then {@link #isRunning()} is
   * false, its runtime is closed, its gateway answers {@code NOT_RUNNING} and its reactions stop; the others take
   * its shards (handed off on a leave, after {@link ClusterConfig#deadAfter()} otherwise). An application exits or
   * starts a new node on a new connection then, as with Akka's {@code registerOnMemberRemoved}. Thread-safe.
   *
   * @return a future completed (never exceptionally) after the stop (a copy per call: completing it does nothing to
   *     the node); a callback added before the stop runs on the stopping thread, one added after it on the caller's,
   *     unless given an executor; it may call {@link #close()}, which then returns at once
   */
  public CompletableFuture<StopReason> whenStopped() {
    return whenStopped.copy();
  }

  /**
   * Whether this node is a live member of its cluster now: running, and its own lease renewed within {@code
   * deadAfter}. A node that cannot renew (cut off from NATS or from its lease bucket) serves no shard: its commands
   * wait for their deadline, and the others take its shards once they find it dead.
   *
   * @return whether the node runs and its lease is fresh
   */
  public boolean isLiveMember() {
    return isRunning() && membership.selfFresh();
  }

  /**
   * The cluster as this node sees it now.
   *
   * @return the status (also answered as JSON on {@code <prefix>.<ns>.cluster.status})
   * @throws IllegalStateException when the node has stopped (closed, left, crashed or stopped by itself: {@link
   *     #whenStopped()}), naming why: it sees nothing any more; ask a running node
   */
  public ClusterStatus status() {
    if (stopped.get()) {
      StopReason reason = stopReason;
      throw new IllegalStateException("cluster node " + self + " has stopped" + (reason == null ? ""
          : " (" + reason.description() + ")") + ": ask a running node for the status");
    }
    ShardMap map = maps.map();
    Map<String, Integer> loads = map == null ? Map.of() : map.loads();
    Map<String, Membership.Seen> seen = membership.seen();
    TreeSet<String> ids = new TreeSet<>(seen.keySet());
    ids.addAll(loads.keySet());
    ids.add(self);
    List<ClusterStatus.Node> nodes = new ArrayList<>();
    for (String id : ids) {
      Membership.Seen s = seen.get(id);
      if (id.equals(self)) { // its own figures now, not as its watch last showed its lease (maybe not yet)
        nodes.add(new ClusterStatus.Node(id, membership.incarnation(), membership.state().name(),
            membership.selfFresh(), loads.getOrDefault(id, 0), activeActors(), model()));
      } else {
        nodes.add(new ClusterStatus.Node(id, s == null ? null : s.lease().incarnation(),
            s == null ? "GONE" : s.lease().state().name(), membership.alive(id), loads.getOrDefault(id, 0),
            s == null || s.lease().activeActors() == null ? -1 : s.lease().activeActors(),
            s == null ? null : s.lease().model()));
      }
    }
    Optional<LeaderLease> leader = membership.leader();
    Planner.Progress planned = planner.progress();
    int moves = leadership.leading() ? pendingAsSeen(planned.pendingMoves(), planned.epoch(), map)
        : leader.map(lease -> pendingAsSeen(lease.pendingMoves(), lease.epoch(), map)).orElse(0);
    if (moves == 0 && map != null && movesDue(map)) {
      moves = 1; // a member came or went, and no plan counts its moves yet (the leader has not planned them)
    }
    int unowned = 0;
    for (int s = 0; map != null && s < map.shards().count(); s++) {
      unowned += map.ownerId(s) == null ? 1 : 0;
    }
    return new ClusterStatus(self, map == null ? -1 : map.epoch(), map == null ? 0 : map.shards().count(),
        leader.map(LeaderLease::node).orElse(null), nodes, moves, unowned);
  }

  /**
   * The leader's count of its plan's moves as this node shows it: at least one while this node has not seen the
   * map the leader counted from (its last switch is still on its way here, through another watch than the count;
   * on the leader itself, for the moment between counting and offering the new map).
   */
  private static int pendingAsSeen(int pendingMoves, Long countedAt, ShardMap map) {
    boolean behind = countedAt != null && map != null && countedAt > map.epoch();
    return behind ? Math.max(1, pendingMoves) : pendingMoves;
  }

  /**
   * Whether the leader would move shards for the members this node sees ({@link ShardMap#next} of them differs
   * from {@code map}): a member joined, or an owner is leaving, dead or paused, and no plan counts it yet. The
   * members as the planner takes them ({@link Membership#activeNodes()}), this node by its own state now. Cached
   * by map epoch and members.
   */
  private boolean movesDue(ShardMap map) {
    Set<String> members = new TreeSet<>(membership.activeNodes());
    if (membership.state() == ControlJson.State.ACTIVE && membership.selfFresh()) {
      members.add(self);
    } else {
      members.remove(self);
    }
    MovesDue last = movesDue;
    if (last != null && last.epoch() == map.epoch() && last.members().equals(members)) {
      return last.due();
    }
    boolean due = !members.isEmpty() && !map.movesTo(map.next(members)).isEmpty();
    movesDue = new MovesDue(map.epoch(), members, due);
    return due;
  }

  /** {@link #movesDue}'s last answer. */
  private record MovesDue(long epoch, Set<String> members, boolean due) {}

  /** This node's active actors now. */
  private int activeActors() {
    return runtime.registry().size();
  }

  /** The model this node's runtime runs now, {@code name@version}, or null. */
  private String model() {
    return runtime.model().map(m -> m.name() + "@" + m.version()).orElse(null);
  }

  /**
   * Adds a listener of the cluster's changes as this node sees them ({@link ClusterEvent}: members up, leaving,
   * unreachable, reachable again and removed; the leader; the shard map and the leader's plan). It is first told
   * what is now (a {@code MemberUp} for each member, then the leader if one leads, and the placement once there is a
   * map), then every change, on a thread of this node, one event at a time ({@link ClusterListener}). A change
   * shows within a lease interval; a new map and a lease deleted at once. Listeners are told nothing more once the
   * node stops.
   *
   * @param listener the listener (added twice, it is told everything twice)
   * @throws InvalidInputException naming {@code listener} when null
   * @throws IllegalStateException when the node has stopped
   */
  public void addListener(ClusterListener listener) {
    Checks.notNull(listener, "listener");
    if (stopped.get() || !events.add(listener)) {
      throw new IllegalStateException("cluster node " + self + " has stopped: it tells no more changes");
    }
  }

  /**
   * Removes a listener (every time it was added): it is told nothing after the event it may be being told now.
   * Does nothing for a listener not added.
   *
   * @param listener the listener
   */
  public void removeListener(ClusterListener listener) {
    events.remove(listener);
  }

  /**
   * Leaves the cluster gracefully: stops taking the any-node requests ({@code <prefix>.<ns>.cmd}, state reads,
   * the status: the other nodes take them; those taken are answered), marks the lease leaving, waits (at most
   * {@link ClusterConfig#leaveTimeout()}) until the leader has handed this node's shards to the others, warm, or
   * until no other node is active to take them, or no longer once its lease went unrenewed for {@link ClusterConfig#deadAfter()} (NATS
   * unreachable: nobody sees it leave, the others take its shards once they find it dead); then stops serving,
   * drains and closes the runtime and deletes the lease (not without a connection: the key expires). Idempotent.
   */
  public void leave() {
    if (!leaving.compareAndSet(false, true)) {
      left.join(); // another caller leaves: wait for it
      return;
    }
    try {
      if (running) {
        // first: the other nodes take the any-node requests from now on, while those taken here are still
        // forwarded (after the gateway stops they would be answered NOT_RUNNING)
        quietly("stop its any-node endpoints", endpoints::stopAnyNode);
        handOff();
      }
      stop(StopReason.LEFT);
    } finally {
      left.complete(null);
    }
  }

  /** Marks the lease leaving and waits until the shards moved (or nobody can take them). */
  private void handOff() {
    membership.markLeaving(); // the lease thread writes it and resigns the leadership at its next tick
    long deadline = System.nanoTime() + config.leaveTimeout().toNanos();
    while (System.nanoTime() < deadline) {
      ShardMap map = maps.map();
      // a node that cannot renew (NATS unreachable) cannot say it leaves: nobody would move its shards
      if (map == null || map.shardsOf(self).isEmpty() || alone() || !reachesNats()) {
        break;
      }
      if (!pause(config.leaseInterval().dividedBy(5))) {
        break;
      }
    }
    logUnhandedShards();
  }

  /**
   * Says why a leave ends with shards this node still owns, by the newest map it can read (a switch may have come
   * just as the leave timeout ended; a node cut off cannot read, and the others may have taken them already).
   */
  private void logUnhandedShards() {
    if (ownedNow() > 0 && reachesNats()) {
      refreshMapQuietly(); // its watch may lag a switch made as the leave timeout ended (cut off, it would hang)
    }
    int owned = ownedNow();
    long epoch = maps.map() == null ? -1 : maps.map().epoch();
    if (owned > 0 && !reachesNats()) {
      LOG.warn("cluster: node {} leaves without reaching NATS ({}): by the newest map it could read (epoch {}) it"
          + " still owns {} shards, which it cannot hand off; the other nodes take them once they find it dead (if"
          + " they have not already)", self, connection.getStatus() != Connection.Status.CONNECTED
          ? "its connection is " + connection.getStatus() : "its lease not renewed within " + config.deadAfter(),
          epoch, owned);
    } else if (owned > 0 && alone()) {
      LOG.info("cluster: node {} leaves as the last active node; its {} shards wait in the map for the next node",
          self, owned);
    } else if (owned > 0) {
      LOG.warn("cluster: node {} leaves still owning {} shards at map epoch {} (not handed off within {})", self,
          owned, epoch, config.leaveTimeout());
    }
  }

  /** @return the shards this node owns in the newest map it has */
  private int ownedNow() {
    ShardMap map = maps.map();
    return map == null ? 0 : map.shardsOf(self).size();
  }

  /**
   * Whether no other node is active to take this node's shards, by a lease view that is current: a stalled
   * watch shows every lease stale, this node's own too, until the lease loop watches again.
   */
  private boolean alone() {
    return membership.seesMembership() && membership.activeNodes().stream().allMatch(self::equals);
  }

  /**
   * Whether this node can write to the cluster's buckets: its connection is up and its own lease was renewed
   * within dead-after (a connection jnats still shows up may hang: a network partition).
   */
  private boolean reachesNats() {
    return connection.getStatus() == Connection.Status.CONNECTED && membership.selfFresh();
  }

  /** Leaves gracefully ({@link #leave()}); idempotent, and a second caller waits for the first. */
  @Override
  public void close() {
    leave();
  }

  /**
   * Stops the node on a thread of its own because of {@code reason}, as a crash looks to the others (no handoff,
   * the lease left to expire: it cannot be written), and says why once. A closed connection does nothing while a
   * leave or another stop is under way (the leave finds NATS unreachable and writes nothing); a lost id stops the
   * node also during a leave, whose graceful stop would delete the lease of the node that now holds the id.
   */
  private void stopInBackground(StopReason reason) {
    boolean leaveUnderWay = !leaving.compareAndSet(false, true);
    if ((leaveUnderWay && reason == StopReason.CONNECTION_CLOSED) || stopped.get()) {
      return;
    }
    if (reason == StopReason.ID_TAKEN) {
      LOG.error("cluster: node {} lost its id to another live node; it stops serving and leaves nothing", self);
    } else {
      LOG.error("cluster: node {} stops: {}; the other nodes take its shards once they find it dead (within {}),"
          + " its runtime closes and its gateway answers NOT_RUNNING; start a new node to serve again"
          + " (ClusterNode.whenStopped() tells when)", self, reason.description(), config.deadAfter());
    }
    Thread.ofPlatform().daemon().name("aether-cluster-stop-" + self).start(() -> stop(reason));
  }

  /** Stops everything; a leave ({@link StopReason#LEFT}) also deletes the lease (a crash leaves it to expire). */
  private void stop(StopReason reason) {
    if (!stopped.compareAndSet(false, true)) {
      left.join(); // stopping on another thread: wait for it
      return;
    }
    stopReason = reason;
    boolean graceful = reason == StopReason.LEFT;
    // before the lease thread stops: afterwards nothing renews, and a drain longer than dead-after would make a
    // node that reaches NATS look cut off, keeping its lease and leader key until they expire
    boolean reachable = membership != null && reachesNats();
    try {
      running = false;
      quietly("stop telling its listeners", events::close);
      connection.removeConnectionListener(reconnects);
      gateway.unbind(reason.description());
      if (rememberThread != null) {
        rememberThread.interrupt();
        joinQuietly(rememberThread, Duration.ofSeconds(5)); // no record after this: the drain below is no passivation
      }
      if (leaseThread != null) {
        leaseThread.interrupt();
        plannerThread.interrupt();
        joinQuietly(leaseThread, config.leaseInterval().multipliedBy(4));
        joinQuietly(plannerThread, config.warmupTimeout().plusSeconds(1)); // a warm-up in hand ends by its timeout
      }
      // each step on its own: one that fails (a connection closed under the node) must not keep the others
      if (endpoints != null) {
        quietly("stop its endpoints", () -> {
          endpoints.freeze(false);
          endpoints.close(); // answers what it has already taken
        });
      }
      if (detector != null) {
        quietly("stop its failure detector", detector::close);
      }
      if (runtime != null && closesRuntime) {
        try {
          runtime.drain(runtime.registry().snapshot().keySet()).get(config.leaveTimeout().toMillis(),
              TimeUnit.MILLISECONDS);
        } catch (Exception e) {
          LOG.warn("cluster: node {} could not drain its actors: {}", self, e.toString());
        }
        quietly("close its runtime", runtime::close);
      }
      if (runtime != null && !closesRuntime) { // left to its caller: as it would run on its own again
        runtime.setPlacement(key -> true);
        runtime.setReactionPlacement(reaction -> true);
      }
      if (runtime != null) {
        SERVING.remove(runtime, self);
      }
      if (router != null) {
        quietly("close its router", router::close);
      }
      if (maps != null) {
        quietly("stop its map watch", maps::close);
      }
      if (membership != null) {
        if (graceful && reachable) {
          quietly("resign its leadership", leadership::resign);
          quietly("delete its lease", membership::deleteLease);
        } // else each would wait its request timeout: the keys expire with the bucket's max age
        quietly("stop its lease watch", membership::close);
      }
      LOG.info("cluster: node {} {}", self, graceful ? "left" : "stopped without leaving");
    } finally {
      CONNECTION_USERS.remove(connectionUse(), this);
      left.complete(null); // whatever failed above: a later close() must not wait forever
      whenStopped.complete(reason); // after left: a callback that calls close() returns at once
    }
  }

  /**
   * Makes this node the one of its namespace on its connection. A second would share the first's failure domain
   * (one closed connection stops both; one slow consumer delays both), its inbox and its connection listeners:
   * no capacity or availability to gain over one node, and two nodes in one process on one connection are far
   * more likely a mistake (a node started again before the first stopped) than a design.
   */
  private void claimConnection() {
    ClusterNode other = CONNECTION_USERS.putIfAbsent(connectionUse(), this);
    if (other != null) {
      throw new InvalidInputException("connection", "already serves cluster node " + other.self + " in namespace "
          + config.store().namespace() + ": give each node a connection of its own");
    }
  }

  private ConnectionUse connectionUse() {
    return new ConnectionUse(connection, names.leaseBucket());
  }

  /** Runs one step of a stop; a failure is logged and the stop goes on. */
  private void quietly(String step, Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.warn("cluster: node {} could not {}: {}", self, step, e.toString());
    }
  }

  private static void joinQuietly(Thread thread, Duration timeout) {
    if (thread == Thread.currentThread()) {
      return;
    }
    try {
      thread.join(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * @return how long after a reconnect, or after renewals resume from an outage of the lease bucket, other nodes
   *     are given to reconnect or renew too: 3 s, two dead-after times, or this connection's reconnect wait with
   *     its jitter and a second (the others' are likely alike), the longest
   */
  private Duration settleAfterReconnect() {
    Duration longest = SETTLE_AFTER_RECONNECT;
    Duration twice = config.deadAfter().multipliedBy(2);
    longest = twice.compareTo(longest) > 0 ? twice : longest;
    io.nats.client.Options options = connection.getOptions();
    if (options != null) {
      Duration jitter = options.getReconnectJitterTls().compareTo(options.getReconnectJitter()) > 0
          ? options.getReconnectJitterTls() : options.getReconnectJitter();
      Duration reconnect = options.getReconnectWait().plus(jitter).plusSeconds(1);
      longest = reconnect.compareTo(longest) > 0 ? reconnect : longest;
    }
    return longest;
  }

  /** @return the nodes this node sees renewing their leases (itself included) */
  int aliveMembers() {
    return membership.aliveCount();
  }

  /** @return leaders seen taking the key since this node joined */
  long leadersSeen() {
    return membership.leadersSeen();
  }

  /** @return the leases of dead nodes this node deleted (its probe's proof, or the leader's cold move) */
  long nodesFoundDead() {
    return membership.foundDead();
  }

  /**
   * Restarts the lease and map watches after a reconnect and reads the map, trying again (100 ms doubling to 2 s)
   * while the server's JetStream is not ready yet, until it worked or the node stopped.
   */
  private void rewatch() {
    long pauseMillis = 100;
    while (!stopped.get()) { // also while the start is joining: a reconnect then is not lost
      try {
        membership.rewatch();
        maps.rewatch();
        maps.refresh();
        LOG.debug("cluster: node {} watches the leases and the map again after its reconnect", self);
        return;
      } catch (RuntimeException e) {
        LOG.debug("cluster: node {} cannot watch again yet: {}", self, e.toString());
        if (!pause(Duration.ofMillis(pauseMillis))) {
          return;
        }
        pauseMillis = Math.min(2000, pauseMillis * 2);
      }
    }
  }

  /** Stops the lease and map watches without a word: {@link ClusterFaults#stallWatches}. */
  void stallWatches() {
    membership.stallWatch();
    maps.stallWatch();
  }

  /** Stops like a crash (no handoff, the lease left to expire): {@link ClusterFaults#crash}. */
  void crash() {
    leaving.set(true);
    stop(StopReason.CRASHED);
  }

  /**
   * Freezes the node ({@link ClusterFaults#freeze}) as a stopped process would be (SIGSTOP, a long GC pause):
   * no lease renewal, no leadership or planning, no endpoint answers (the server keeps its subscriptions and
   * queues requests), no map updates seen. Its runtime and actors stay as they were.
   */
  void freeze() {
    frozen = true;
    maps.hold(true);
    endpoints.freeze(true);
  }

  /** Ends {@link #freeze()} ({@link ClusterFaults#thaw}): everything goes on from where it stopped (SIGCONT). */
  void thaw() {
    maps.hold(false);
    endpoints.freeze(false);
    frozen = false;
    leaseSignal.release();
  }

  /** @return the node's failure detector (tests probe through it) */
  FailureDetector detector() {
    return detector;
  }

  /** @return the node's current incarnation (a new one after it lost its lease) */
  String incarnation() {
    return membership.incarnation();
  }

  /**
   * Makes this node also serve the shards the predicate accepts ({@link ClusterFaults#forceOwnership}), whoever
   * owns them in the map (two owners at once: the store must keep each actor's log linear).
   */
  void forceOwnership(IntPredicate shards) {
    this.forcedOwnership = Checks.notNull(shards, "shards");
  }

  @Override
  public String toString() {
    return "ClusterNode[" + self + ", namespace=" + config.store().namespace() + "]";
  }

  /** Why a node stopped: what {@link ClusterNode#whenStopped()} completes with. */
  public enum StopReason {
    /** It left: {@link ClusterNode#close()} or {@link ClusterNode#leave()}. */
    LEFT("it left"),
    /**
     * Its NATS connection closed under it (the application closed it before the node, or jnats gave up
     * reconnecting): a closed connection never reconnects, so the node can neither renew its lease nor answer.
     */
    CONNECTION_CLOSED("its NATS connection is CLOSED (closed before the node, or jnats gave up reconnecting; it"
        + " never reconnects)"),
    /** Another live node holds its id (its lease was taken over): it stopped serving without a goodbye. */
    ID_TAKEN("another live node holds its id"),
    /** It was crashed by {@link ClusterFaults#crash} (tests), or its start failed (then nobody holds it). */
    CRASHED("it crashed");

    private final String description;

    StopReason(String description) {
      this.description = description;
    }

    /** @return the reason in words, as logs and errors give it (e.g. "another live node holds its id") */
    public String description() {
      return description;
    }
  }

  /** Builds and starts a {@link ClusterNode}. Not thread-safe. */
  public static final class Builder {

    private final ClusterConfig config;
    private Connection connection;
    private Function<CommandGateway, Runtime> runtimeFactory;
    private boolean runtimeGiven;
    private MeterRegistry meterRegistry;

    private Builder(ClusterConfig config) {
      this.config = config;
    }

    /**
     * Publishes the node's cluster meters ({@code aether.cluster.*}: commands routed locally and remotely,
     * {@code MOVED} followed, retries, timeouts; shards owned, map epoch, leadership, moves left).
     *
     * @param registry where the meters go
     * @return this builder
     * @throws InvalidInputException naming {@code meterRegistry} when null
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Checks.notNull(registry, "meterRegistry");
      return this;
    }

    /**
     * @param connection the NATS connection for the cluster's KV, watches and requests (stays the caller's;
     *     the event store may use another)
     * @return this builder
     * @throws InvalidInputException naming {@code connection} when null
     */
    public Builder connection(Connection connection) {
      this.connection = Checks.notNull(connection, "connection");
      return this;
    }

    /**
     * The node's runtime, built from the node's gateway (pass it to {@code Runtime.Builder.reactionGateway}
     * so that policy commands are routed to their owners). The node starts the runtime if it is not running,
     * sets its placement, and closes it when the node closes or fails to start. A runtime serves one node at a
     * time: {@link #start()} refuses one that serves another, or is closed.
     *
     * @param factory builds the runtime from the cluster's gateway
     * @return this builder
     * @throws InvalidInputException naming {@code runtime} when null
     */
    public Builder runtime(Function<CommandGateway, Runtime> factory) {
      this.runtimeFactory = Checks.notNull(factory, "runtime");
      this.runtimeGiven = false;
      return this;
    }

    /**
     * The node's runtime, already built. Its policies, if any, send through the runtime it was built with, which
     * refuses commands for other nodes' actors ({@code NOT_OWNER}): their deliveries are retried by other
     * members and may end as dead letters. A runtime with policies is built with {@link #runtime(Function)},
     * which hands it the node's gateway. The node closes the runtime when it closes; when {@link #start()}
     * fails, the runtime is left open, with the placements it has on its own (it runs every actor and reaction:
     * the start can be tried again, or the runtime used alone). A runtime serves one node at a time:
     * {@link #start()} refuses one that serves another, or is closed.
     *
     * @param runtime the runtime
     * @return this builder
     * @throws InvalidInputException naming {@code runtime} when null
     */
    public Builder runtime(Runtime runtime) {
      Checks.notNull(runtime, "runtime");
      this.runtimeFactory = gateway -> runtime;
      this.runtimeGiven = true;
      return this;
    }

    /**
     * Registers the node's runtime with the cluster, under the seed's name ({@code SetVMProvider}): the same as
     * {@link #runtime(Runtime)}. The node then sets the runtime's placement seam, so the runtime activates only
     * actors of the shards this node owns.
     *
     * @param runtime the runtime that provides this node's virtual machines
     * @return this builder
     * @throws InvalidInputException naming {@code runtime} when null
     */
    public Builder setVMProvider(Runtime runtime) {
      return runtime(runtime);
    }

    /**
     * Joins the cluster: opens (or creates) the KV buckets, starts the runtime and the endpoints, creates the
     * lease and starts renewing it. The first node creates the shard map with the configured shard count;
     * later nodes take the count the map has. Returns once the node has the cluster's shard map, so that
     * {@link ClusterNode#map()} and {@link ClusterNode#status()} describe the cluster it joined (or after two
     * dead-after times without one; commands sent meanwhile wait for it).
     *
     * @return the running node
     * @throws InvalidInputException naming {@code connection} or {@code runtime} when not set, {@code connection}
     *     when it is closed or a running node of the same namespace uses it (one node per connection and
     *     namespace), {@code runtime} when it serves another node, is closed or its store keeps another
     *     namespace, {@code nodeId} when a live node holds the id, or {@code leaseInterval} / {@code deadAfter}
     *     when they do not fit the live nodes' timings (a lease interval longer than half the cluster's dead-after,
     *     a dead-after shorter than the cluster's: the cluster README)
     * @throws dev.aether.store.StoreUnavailableException when NATS cannot be reached
     */
    public ClusterNode start() {
      if (connection == null) {
        throw new InvalidInputException("connection", "must be set");
      }
      ClusterKv.requireOpen(connection);
      if (runtimeFactory == null) {
        throw new InvalidInputException("runtime", "must be set");
      }
      ClusterNode node = new ClusterNode(config, connection, meterRegistry);
      try {
        node.start(runtimeFactory);
      } catch (RuntimeException e) {
        node.closesRuntime = !runtimeGiven;
        node.stop(StopReason.CRASHED); // nobody sees this node: no whenStopped() to tell
        throw e;
      }
      return node;
    }
  }
}
