package dev.aether.cluster;

import dev.aether.InvalidInputException;
import dev.aether.config.ConfigKeys;
import dev.aether.nats.JetStreamConfig;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandGateway;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.RuntimeConfig;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.StoredState;
import dev.aether.support.Checks;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A thin client of a cluster, not a node: it watches the shard map read-only and sends each command straight
 * to the node that owns its actor's shard (one hop), following {@code MOVED} and retrying with the same
 * command id within the deadline exactly as a node's {@link DistributedRuntime} does; it reads an actor's
 * state from its owner the same way ({@link #readState}), and asks any node for the cluster's {@link #status()}.
 * It runs no actors and holds no lease. Clients in other languages can do the same (the map is JSON in KV, the
 * shard is FNV-1a of the stream id, the wire is documented in the module README), or send to
 * {@code <prefix>.<ns>.cmd}, which any node forwards.
 *
 * <pre>{@code
 * try (AetherClient client = AetherClient.builder(connection, storeConfig).build()) {
 *   CommandResult r = client.sendMessage(RuntimeMessage.of("Account", "acc-42", "Deposit", Map.of("amount", 5)))
 *       .join();
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops the watch and fails the reads and status requests still waiting; the
 * connection stays the caller's.
 */
public final class AetherClient implements CommandGateway, AutoCloseable {

  /** How long a read or a status request waits for the node asked before it asks another. */
  private static final Duration ATTEMPT = Duration.ofSeconds(1);

  private final MapView maps;
  private final Router router;
  private final ClientStateReads reads;
  private final AnyNode anyNode;
  private final ClusterNames names;
  private final String namespace;
  private final Duration commandTimeout;
  /** The reads and status requests not answered yet: {@link #close()} fails them. */
  private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private AetherClient(Builder b) {
    ClusterNames names = ClusterNames.of(b.store);
    this.maps = new MapView(b.connection, () -> ClusterKv.findMapBucket(b.connection, names), (previous, next) -> {})
        .start();
    Duration attemptTimeout = ClusterConfig.DEFAULT_DEAD_AFTER.plus(ClusterConfig.DEFAULT_LEASE_INTERVAL);
    this.router = new Router(b.connection, names, maps, null, null, b.maxHops, b.commandTimeout, attemptTimeout,
        b.meterRegistry == null ? ClusterMeters.NONE : new ClusterMeters(b.meterRegistry, null),
        node -> b.connection.publish(names.suspect(), node.getBytes(StandardCharsets.UTF_8)));
    // a read asks the owner for a second, then the other members by name and then any node (a second each), which
    // read the store at once when their map names the owner this client could not reach; the status: any node
    // answers it at once
    this.anyNode = new AnyNode(b.connection, ATTEMPT);
    this.reads = new ClientStateReads(b.connection, names, maps, anyNode, b.maxHops, b.commandTimeout, ATTEMPT);
    this.names = names;
    this.namespace = b.store.namespace();
    this.commandTimeout = b.commandTimeout;
  }

  /**
   * Starts building a client.
   *
   * @param connection the NATS connection to use (stays the caller's)
   * @param store the cluster's store configuration (its namespace and subject prefix)
   * @return a builder
   * @throws InvalidInputException naming {@code connection} or {@code store} when null
   */
  public static Builder builder(Connection connection, JetStreamConfig store) {
    return new Builder(Checks.notNull(connection, "connection"), Checks.notNull(store, "store"));
  }

  /**
   * Sends a command to the node that owns its actor.
   *
   * @param message the command
   * @return completes with the owner's outcome; never exceptionally ({@code TIMEOUT} when no owner answered by
   *     the deadline, saying whether an attempt may have been applied)
   * @throws InvalidInputException naming {@code message} when null
   */
  @Override
  public CompletableFuture<CommandResult> sendMessage(RuntimeMessage message) {
    return router.sendMessage(message);
  }

  /**
   * Reads an actor's state where it lives: one request to the owner of its shard, which reads it through the
   * actor's VM (activated there if needed, caught up with the store first), so the answer includes every command
   * acknowledged before the read, by any writer. {@code MOVED} is followed; when no owner answers with the state
   * within a second (none in the map yet, a node crashed or paused, a failure there) the read goes through the
   * map's other members, one at a time by name (so a paused owner, which the nodes' queue group still counts,
   * takes no second attempt), then through any node; the node asked folds the actor's events from the store (or
   * asks an owner its newer map names). While no node runs, a node does not answer, or the store is unavailable,
   * it is asked again within the command timeout. Callbacks run on a virtual thread, never on a NATS client's
   * thread.
   *
   * @param key the actor
   * @return completes with the state and its version (version 0 and the initial state for an actor without
   *     events); exceptionally with {@link InvalidInputException} naming {@code key.aggregateType} for a type the
   *     cluster's nodes do not know, {@link dev.aether.runtime.ActorFailedException} when the actor's history
   *     cannot be read (retrying cannot fix it), {@link dev.aether.store.StoreUnavailableException} when the
   *     store stayed unavailable, {@link ClusterUnavailableException} when no node answered within the command
   *     timeout, {@link IllegalStateException} once this client is closed (also a read still waiting then)
   * @throws InvalidInputException naming {@code key} when null
   */
  public CompletableFuture<StoredState> readState(ActorKey key) {
    Checks.notNull(key, "key");
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the client is closed"));
    }
    return tracked(reads.read(key));
  }

  /**
   * Asks any node for the cluster's status (what {@link ClusterNode#status()} answers there: nodes, leader,
   * epoch, shard counts, moves in progress), asked again within the command timeout while no node runs or the
   * node asked does not answer.
   *
   * @return completes with the status, on a virtual thread; exceptionally with {@link ClusterUnavailableException}
   *     when no node answered within the command timeout, {@link IllegalStateException} once this client is
   *     closed (also a request still waiting then)
   */
  public CompletableFuture<ClusterStatus> status() {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the client is closed"));
    }
    return tracked(anyNode.ask(names.status(), new byte[0], "the status request",
            System.nanoTime() + commandTimeout.toNanos(), reply -> null))
        .thenApply(reply -> ControlJson.read(reply.getData(), ClusterStatus.class));
  }

  /** Keeps a request's future until it completes, so that {@link #close()} can fail it. */
  private <T> CompletableFuture<T> tracked(CompletableFuture<T> answer) {
    pending.add(answer);
    // on the completing thread: a set removal needs no virtual thread of its own (HandedOffFuture's default)
    answer.whenCompleteAsync((value, failure) -> pending.remove(answer), Runnable::run);
    if (closed) { // closed while this request was being made: close() may have missed it
      answer.completeExceptionally(new IllegalStateException("the client is closed"));
    }
    return answer;
  }

  /**
   * The newest shard map this client has seen.
   *
   * @return the map; empty before the cluster has one
   */
  public Optional<ShardMap> map() {
    return Optional.ofNullable(maps.map());
  }

  /**
   * Stops the map watch; commands still being resent are answered {@code NOT_RUNNING}; reads and status requests
   * still waiting, and those asked afterwards, fail with {@link IllegalStateException}. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    router.close();
    maps.close();
    for (CompletableFuture<?> answer : pending) {
      answer.completeExceptionally(new IllegalStateException("the client was closed before the answer came"));
    }
  }

  @Override
  public String toString() {
    ShardMap map = maps.map();
    return "AetherClient[namespace=" + namespace + ", epoch=" + (map == null ? "none" : map.epoch())
        + (closed ? ", closed" : "") + "]";
  }

  /** Builds an {@link AetherClient}. Not thread-safe. */
  public static final class Builder {

    private final Connection connection;
    private final JetStreamConfig store;
    private Duration commandTimeout = RuntimeConfig.DEFAULT_COMMAND_TIMEOUT;
    private int maxHops = ClusterConfig.DEFAULT_MAX_HOPS;
    private MeterRegistry meterRegistry;

    private Builder(Connection connection, JetStreamConfig store) {
      this.connection = connection;
      this.store = store;
    }

    /**
     * @param timeout the budget of a message without a deadline, from {@link RuntimeConfig#MIN_COMMAND_TIMEOUT}
     *     to {@link RuntimeConfig#MAX_COMMAND_TIMEOUT} (1 ms to 1 d, as a runtime's; default 5 s)
     * @return this builder
     * @throws InvalidInputException naming {@code commandTimeout} when null or out of that range
     */
    public Builder commandTimeout(Duration timeout) {
      Checks.notNull(timeout, "commandTimeout");
      if (timeout.compareTo(RuntimeConfig.MIN_COMMAND_TIMEOUT) < 0
          || timeout.compareTo(RuntimeConfig.MAX_COMMAND_TIMEOUT) > 0) {
        throw new InvalidInputException("commandTimeout", "must be from "
            + ConfigKeys.formatDuration(RuntimeConfig.MIN_COMMAND_TIMEOUT) + " to "
            + ConfigKeys.formatDuration(RuntimeConfig.MAX_COMMAND_TIMEOUT) + ", was "
            + ConfigKeys.formatDuration(timeout));
      }
      this.commandTimeout = timeout;
      return this;
    }

    /**
     * @param hops redirects one attempt follows, 1 to 16 (default 3)
     * @return this builder
     * @throws InvalidInputException naming {@code maxHops}
     */
    public Builder maxHops(int hops) {
      this.maxHops = ClusterConfig.checkHops(hops);
      return this;
    }

    /**
     * Publishes the client's routing meters ({@code aether.cluster.commands}, {@code .moved}, {@code .retries},
     * {@code .timeouts}, tagged {@code node=client}).
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
     * Reads the shard map and watches it. A client may start before any node of its namespace: its commands
     * then wait (retrying within their deadline) until a first node has created the cluster, and are answered
     * {@code TIMEOUT} ("it was not applied") when none has by their deadline.
     *
     * @return the client
     * @throws InvalidInputException naming {@code connection} when it is closed
     * @throws dev.aether.store.StoreUnavailableException when NATS cannot be reached
     */
    public AetherClient build() {
      ClusterKv.requireOpen(connection);
      return new AetherClient(this);
    }
  }
}
