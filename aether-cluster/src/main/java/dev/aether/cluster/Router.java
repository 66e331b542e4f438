package dev.aether.cluster;

import dev.aether.InvalidInputException;
import dev.aether.runtime.CommandGateway;
import dev.aether.runtime.CommandJson;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.store.StoreUnavailableException;
import dev.aether.support.TimeoutWheel;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.nats.client.support.NatsRequestCompletableFuture;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each command to the node that owns its shard, by the newest map this process has: to the local
 * runtime when that is this node, else one NATS request with the {@link Wire} headers. An owner that does not
 * own the shard any more answers {@code MOVED}, which is followed at once (at most {@code maxHops} times, the
 * map read again when the answer names a newer epoch); no responders, a timeout or a shard without owner
 * read the map again and retry after a back-off of 10 ms doubling to 1 s. Every retry sends the same command
 * id, so a command that was applied before its answer was lost is answered as a duplicate. All within the
 * message's deadline (or the default timeout from the first send): past it the outcome is
 * {@link RejectionReason#TIMEOUT}, saying whether an attempt may have been applied. Never completes
 * exceptionally. Thread-safe.
 *
 * <p>Failures (issue 14): "no responders" on an owner's subject is reported as a suspicion (the node's failure
 * detector probes it); a sender waiting for the map (no responders, no owner) resends as soon as a newer map is
 * seen; a request unanswered for 100 ms makes its node suspect too, unless the node answered another request of
 * this sender meanwhile (it is busy, not gone); and a new map that gives a node no shard
 * at all resends the requests still waiting for that node's
 * answer at once (a crashed owner swallowed them, a paused one holds them), ignoring any later answer.
 */
final class Router implements CommandGateway, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Router.class);
  private static final long FIRST_BACKOFF_MS = 10;
  private static final long MAX_BACKOFF_MS = 1_000;
  /** Waited past the deadline for the owner's own TIMEOUT answer before answering TIMEOUT here. */
  private static final long GRACE_MS = 250;

  private final Connection connection;
  private final ClusterNames names;
  private final MapView maps;
  private final String self;
  private final CommandGateway local;
  private final int maxHops;
  private final Duration defaultTimeout;
  private final long attemptTimeoutMs;
  private final ClusterMeters meters;
  private final Consumer<String> suspicions;
  private volatile boolean closed;
  /** Requests waiting for their answer, by the node asked. */
  private final ConcurrentHashMap<String, Set<InFlight>> inFlight =
      new ConcurrentHashMap<>();
  private final ExecutorService refreshers =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("aether-cluster-route-", 0).factory());

  /**
   * @param self this node's id, or null for a client that is not a node
   * @param local the local runtime, or null for a client
   */
  /** A router that reports no suspicions (a sender with a frozen map in tests). */
  Router(Connection connection, ClusterNames names, MapView maps, String self, CommandGateway local, int maxHops,
      Duration defaultTimeout, Duration attemptTimeout, ClusterMeters meters) {
    this(connection, names, maps, self, local, maxHops, defaultTimeout, attemptTimeout, meters, node -> {});
  }

  /**
   * @param attemptTimeout how long one request waits for its answer before the map is read again and the
   *     command resent (same id): about the time a dead owner takes to be replaced
   * @param suspicions told the id of an owner whose command subject had no responders (a crash hint: the
   *     node's failure detector, or a message to the nodes from a client); must not block
   */
  Router(Connection connection, ClusterNames names, MapView maps, String self, CommandGateway local, int maxHops,
      Duration defaultTimeout, Duration attemptTimeout, ClusterMeters meters,
      Consumer<String> suspicions) {
    this.suspicions = suspicions;
    this.connection = connection;
    this.names = names;
    this.maps = maps;
    this.self = self;
    this.local = local;
    this.maxHops = maxHops;
    this.defaultTimeout = defaultTimeout;
    this.attemptTimeoutMs = attemptTimeout.toMillis();
    this.meters = meters;
    watchMap();
    Thread.ofVirtual().name("aether-cluster-route-sweep").start(this::sweepSlowRequests);
  }

  /** One request in flight: the attempt, the send it belongs to, and the shard and map epoch it was sent by. */
  private record InFlight(Attempt attempt, int send, int shard, long epoch, long sentNanos) {}

  /**
   * A request unanswered this long makes its node suspect, when the node answered nothing else for as long (a
   * crashed owner swallowed what it had taken; a busy one answers other requests).
   */
  static final long SUSPECT_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** When each node last answered a request of this router (nanoTime). */
  private final Map<String, Long> lastAnswers = new ConcurrentHashMap<>();

  /**
   * Every 100 ms: each node with a request unanswered for {@link #SUSPECT_AFTER_NANOS} that answered nothing else
   * for as long is reported as a suspect (once per sweep), and a request unanswered that long whose shard a map
   * newer than the one it was sent by gives to another node is resent to it now.
   * The probe tells a crash (no responders) from a slow or paused node (proves nothing); the resend covers a
   * request sent to a crashed owner just after the map that moved its shards was seen, which no later map
   * change would resend before the attempt timeout.
   */
  private void sweepSlowRequests() {
    while (!closed) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      ShardMap map = maps.map();
      inFlight.forEach((node, requests) -> {
        Long answered = lastAnswers.get(node);
        boolean suspected = answered != null && now - answered <= SUSPECT_AFTER_NANOS; // it answers: no suspicion
        for (InFlight request : requests) {
          if (now - request.sentNanos() <= SUSPECT_AFTER_NANOS) {
            continue;
          }
          if (!suspected) {
            suspect(node);
            suspected = true;
          }
          String owner = map == null || map.epoch() <= request.epoch() ? null : map.ownerId(request.shard());
          if (owner != null && !owner.equals(node)) {
            abandon(node, requests, request, "node " + node + " did not answer, and map epoch " + map.epoch()
                + " gives shard " + request.shard() + " to node " + owner);
          }
        }
      });
    }
  }

  private void watchMap() {
    maps.nextChange().thenRun(() -> {
      if (!closed) {
        ShardMap map = maps.map();
        if (map != null) {
          abandonRequestsToNodesWithoutShards(map);
          lastAnswers.keySet().retainAll(map.loads().keySet()); // nodes gone (a restart takes a new id by default)
        }
        watchMap();
      }
    });
  }

  /**
   * A new map that gives a node no shard at all (it was found dead, or left): requests still waiting for that
   * node's answer are resent now, to the new owners, instead of after the attempt timeout (a crashed owner
   * swallowed them, a paused one holds them). The same command id: an answer that comes anyway is ignored, and a
   * paused node that wakes up answers {@code MOVED} or is fenced by the store.
   */
  private void abandonRequestsToNodesWithoutShards(ShardMap map) {
    if (inFlight.isEmpty()) {
      return;
    }
    Map<String, Integer> loads = map.loads();
    inFlight.forEach((node, requests) -> {
      if (loads.getOrDefault(node, 0) > 0) {
        return;
      }
      for (InFlight request : requests) {
        abandon(node, requests, request, "node " + node + " owns no shard any more (map epoch " + map.epoch() + ")");
      }
    });
  }

  /**
   * Gives up waiting for one request and resends its command by the newest map, unless its answer came
   * meanwhile. The same command id: an answer that comes anyway is ignored.
   */
  private void abandon(String node, Set<InFlight> requests, InFlight request, String problem) {
    Attempt a = request.attempt();
    if (a.sends.compareAndSet(request.send(), request.send() + 1)) {
      requests.remove(request);
      a.mayHaveApplied = true;
      a.problem = problem;
      try {
        refreshers.execute(() -> route(a, null));
      } catch (RejectedExecutionException e) {
        route(a, null); // closed: answers NOT_RUNNING
      }
    }
  }

  @Override
  public CompletableFuture<CommandResult> sendMessage(RuntimeMessage message) {
    return send(message, false);
  }

  /** {@inheritDoc} A command to a local actor goes to the local runtime's {@code sendMessageToRelay}. */
  @Override
  public CompletableFuture<CommandResult> sendMessageToRelay(RuntimeMessage message) {
    return send(message, true);
  }

  private CompletableFuture<CommandResult> send(RuntimeMessage message, boolean relay) {
    if (message == null) {
      throw new InvalidInputException("message", "must not be null");
    }
    Instant deadline = message.deadline().orElseGet(() -> Instant.now().plus(defaultTimeout));
    Attempt attempt = new Attempt(message.deadline().isPresent() ? message : message.withDeadline(deadline),
        deadline, relay);
    route(attempt, null);
    return attempt.result;
  }

  /** One command on its way: its budget, hops and back-off, and what went wrong last. */
  private static final class Attempt {
    final RuntimeMessage message;
    final Instant deadline;
    /** Whether the sender only relays the outcome (a local actor's reply may complete on the store's thread). */
    final boolean relay;
    /** The caller's future: callbacks handed off for a {@code sendMessage} caller, see {@link HandedOffFuture}. */
    final CompletableFuture<CommandResult> result;
    byte[] body;
    int hops;
    long backoffMs = FIRST_BACKOFF_MS;
    volatile boolean mayHaveApplied; // volatile: also read by the deadline timer
    /** Whether a timer answers TIMEOUT at the deadline (armed at the first back-off, off the common path). */
    boolean deadlineArmed;
    /** Whether a send waits for its outcome (then its own timeout, not the deadline timer, answers). */
    volatile boolean awaiting;
    long epochSeen = -1;
    long routedEpoch = -1;
    /** Incremented by each send and by the one that takes its outcome (answer, or abandoning it). */
    final AtomicInteger sends = new AtomicInteger();
    volatile String problem = "not sent yet";

    Attempt(RuntimeMessage message, Instant deadline, boolean relay) {
      this.message = message;
      this.deadline = deadline;
      this.relay = relay;
      this.result = relay ? new CompletableFuture<>() : new HandedOffFuture<>();
    }

    long remainingMs() {
      return Duration.between(Instant.now(), deadline).toMillis();
    }
  }

  private void route(Attempt a, String redirectedTo) {
    try {
      if (closed) { // NOT_RUNNING stores nothing (RejectionReason): an attempt that may have applied is unknown
        a.result.complete(a.mayHaveApplied
            ? Rejected.of(a.message.commandId(), RejectionReason.OUTCOME_UNKNOWN, "the gateway closed after "
                + a.problem + "; an attempt may have been applied: resend with the same command id to a running node")
            : Rejected.of(a.message.commandId(), RejectionReason.NOT_RUNNING, "the gateway is closed"));
        return;
      }
      if (a.remainingMs() <= 0) {
        timedOut(a);
        return;
      }
      Connection.Status status = connection.getStatus();
      if (status == Connection.Status.CLOSED && !a.mayHaveApplied) { // never reconnects: as good as stopped
        // NOT_RUNNING, not STORE_UNAVAILABLE: a policy on this node hands its events to the other nodes at once
        // instead of retrying them here (found by a user: they reached the other nodes 20 s late)
        a.result.complete(Rejected.of(a.message.commandId(), RejectionReason.NOT_RUNNING, "the NATS connection is"
            + " CLOSED (it never reconnects): this node or client can send nothing more; nothing applied, resend"
            + " with the same command id to a running node"));
        return;
      }
      if (status != Connection.Status.CONNECTED) { // at once, as the store does: nothing can be sent or stored
        a.result.complete(a.mayHaveApplied
            ? Rejected.of(a.message.commandId(), RejectionReason.OUTCOME_UNKNOWN, "the NATS connection is "
                + status + " after " + a.problem + "; an attempt may have been applied: resend with the same"
                + " command id")
            : Rejected.of(a.message.commandId(), RejectionReason.STORE_UNAVAILABLE, "the NATS connection is "
                + status + ": not sent, nothing applied; resend with the same command id"));
        return;
      }
      MapView.Versioned held = maps.current();
      if (held == null) {
        retryLater(a, "the cluster has no shard map yet", true);
        return;
      }
      ShardMap map = held.map();
      a.routedEpoch = map.epoch();
      int shard = map.shards().shardOf(a.message.target().streamId());
      String owner = redirectedTo != null ? redirectedTo : map.ownerId(shard);
      if (owner == null) {
        retryLater(a, "no node owns shard " + shard + " at map epoch " + map.epoch(), true);
      } else if (owner.equals(self) && local != null) {
        meters.routedLocal();
        a.awaiting = true;
        (a.relay ? local.sendMessageToRelay(a.message) : local.sendMessage(a.message))
            .whenComplete((r, failure) -> fromLocal(a, r, failure));
      } else {
        remote(a, owner, shard, map.epoch());
      }
    } catch (RuntimeException e) {
      // nothing sent this time (the connection closed, say); an earlier send may have been applied
      a.result.complete(a.mayHaveApplied
          ? Rejected.of(a.message.commandId(), RejectionReason.OUTCOME_UNKNOWN, "cannot route the command again ("
              + e + ") after " + a.problem + "; an attempt may have been applied: resend with the same command id")
          : Rejected.of(a.message.commandId(), RejectionReason.STORE_UNAVAILABLE, "cannot route the command: " + e));
    }
  }

  private void fromLocal(Attempt a, CommandResult r, Throwable failure) {
    if (failure != null) {
      a.result.complete(Rejected.of(a.message.commandId(), RejectionReason.BEHAVIOR_FAILED, String.valueOf(failure)));
    } else if (r instanceof Rejected rejected && rejected.reason() == RejectionReason.NOT_OWNER) {
      // the shard moved away while the command waited here: straight to the new owner when the map names one
      // (a handoff adds no back-off), else wait for the map
      ShardMap map = maps.map();
      String owner = map == null ? null : map.ownerId(map.shards().shardOf(a.message.target().streamId()));
      if (owner != null && !owner.equals(self) && ++a.hops <= maxHops) {
        route(a, owner);
      } else if (self.equals(owner)) { // the map names this node, which does not serve the shard now
        retryLater(a, "this node owns the actor's shard in the map but does not serve it now (its own lease is not"
            + " renewed in time: NATS does not answer it, or the node is stopping)");
      } else {
        retryLater(a, rejected.message());
      }
    } else {
      a.result.complete(r);
    }
  }

  private void remote(Attempt a, String owner, int shard, long mapEpoch) {
    long epoch = Math.max(mapEpoch, a.epochSeen); // a redirect carries the epoch that named the new owner
    meters.routedRemote();
    if (a.body == null) {
      a.body = CommandJson.messageToBytes(a.message);
    }
    Headers headers = new Headers().put(Wire.SHARD, Integer.toString(shard)).put(Wire.EPOCH, Long.toString(epoch))
        .put(Wire.COMMAND_ID, Wire.text(a.message.commandId()))
        .put(Wire.DEADLINE, Long.toString(a.deadline.toEpochMilli()));
    Message request = NatsMessage.builder().subject(names.nodeCommands(owner)).headers(headers).data(a.body).build();
    // the owner answers TIMEOUT itself at the deadline; an owner that does not answer within the attempt
    // timeout (paused, lost) is given up on: read the map, resend
    long remaining = a.remainingMs();
    long timeoutMs = remaining <= attemptTimeoutMs ? Math.max(1, remaining) + GRACE_MS : attemptTimeoutMs;
    int send = a.sends.incrementAndGet();
    InFlight waiting = new InFlight(a, send, shard, epoch, System.nanoTime());
    Set<InFlight> toOwner = inFlight.computeIfAbsent(owner,
        n -> ConcurrentHashMap.newKeySet());
    toOwner.add(waiting);
    a.awaiting = true;
    CompletableFuture<Message> sent = connection.requestWithTimeout(request, Duration.ofMillis(timeoutMs));
    TimeoutWheel.shared().within(sent, timeoutMs).whenComplete((reply, failure) -> {
      toOwner.remove(waiting);
      if (reply != null) {
        lastAnswers.put(owner, System.nanoTime());
      }
      if (a.sends.compareAndSet(send, send + 1)) { // not abandoned for a newer map meanwhile
        fromRemote(a, owner, epoch, reply, failure, sent);
      }
    });
  }

  private void fromRemote(Attempt a, String owner, long epoch, Message reply, Throwable failure,
      CompletableFuture<Message> sent) {
    try {
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof TimeoutException) {
          a.mayHaveApplied = true;
          retryLater(a, "node " + owner + " did not answer in time");
        } else if (sent instanceof NatsRequestCompletableFuture request && request.wasCancelledClosing()) {
          a.mayHaveApplied = true; // this connection closed while waiting: the owner may have taken it
          retryLater(a, "the connection closed while waiting for the answer of node " + owner);
        } else if (cause instanceof CancellationException) {
          suspect(owner);
          retryLater(a, "node " + owner + " has no responders (not running)", true);
        } else {
          retryLater(a, "the request to node " + owner + " failed: " + cause);
        }
        return;
      }
      String status = Wire.header(reply, Wire.STATUS);
      if (Wire.MOVED.equals(status)) {
        long theirs = Wire.longHeader(reply, Wire.EPOCH, -1);
        a.epochSeen = Math.max(a.epochSeen, theirs);
        String next = Wire.header(reply, Wire.OWNER);
        a.problem = "node " + owner + " answered MOVED (its map epoch " + theirs + ", ours " + epoch + ")";
        if (next != null && !next.equals(owner) && ++a.hops <= maxHops) {
          meters.followedMoved();
          if (theirs > epoch && !closed) {
            refreshers.execute(this::refreshQuietly);
          }
          route(a, next);
        } else {
          retryLater(a, a.problem);
        }
      } else if (Wire.BAD_REQUEST.equals(status)) {
        a.result.complete(Rejected.of(a.message.commandId(), RejectionReason.INVALID_PAYLOAD, "node " + owner
            + " refused the message at " + Wire.untext(Wire.header(reply, Wire.ERROR_FIELD)) + ": "
            + new String(reply.getData(), java.nio.charset.StandardCharsets.UTF_8)));
      } else {
        a.result.complete(CommandJson.resultFromBytes(reply.getData()));
      }
    } catch (RuntimeException e) {
      a.result.complete(Rejected.of(a.message.commandId(), RejectionReason.OUTCOME_UNKNOWN,
          "the answer of node " + owner + " cannot be read: " + e.getMessage()));
    }
  }

  private void suspect(String owner) {
    try {
      suspicions.accept(owner);
    } catch (RuntimeException e) {
      LOG.debug("cluster: cannot report {} as suspect: {}", owner, e.toString());
    }
  }

  private void retryLater(Attempt a, String problem) {
    retryLater(a, problem, false);
  }

  /**
   * Resends after the back-off; with {@code untilMapChange}, also as soon as a newer map is seen (the wait is
   * for the map: a dead owner's shards moving, the first map), whichever comes first.
   */
  private void retryLater(Attempt a, String problem, boolean untilMapChange) {
    a.awaiting = false; // no send waits now: the deadline timer may answer
    a.problem = problem;
    a.hops = 0;
    long delay = Math.min(a.backoffMs, a.remainingMs());
    if (delay <= 0) {
      timedOut(a);
      return;
    }
    if (!a.deadlineArmed) { // a resend's map read may wait on a server that does not answer: the deadline holds
      a.deadlineArmed = true;
      TimeoutWheel.Entry atDeadline = new TimeoutWheel.Entry() {
        @Override
        protected void expire() {
          if (!a.awaiting) { // a send in flight has a timeout of its own, and knows whether it may have applied
            timedOut(a);
          }
        }

        @Override
        protected void expireOnClose() {}
      };
      TimeoutWheel.shared().register(atDeadline, a.deadline.toEpochMilli() + 1);
      a.result.whenComplete((r, e) -> atDeadline.cancel());
    }
    a.backoffMs = Math.min(a.backoffMs * 2, MAX_BACKOFF_MS);
    meters.retried();
    AtomicBoolean once = new AtomicBoolean();
    CompletableFuture<Void> mapChange = untilMapChange ? maps.nextChange() : null;
    CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(() -> resend(a, once, true));
    if (mapChange != null) {
      mapChange.thenRun(() -> resend(a, once, false));
      MapView.Versioned now = maps.current();
      if (now != null && now.map().epoch() > a.routedEpoch) {
        resend(a, once, false); // the map changed since this attempt was routed
      }
    }
  }

  private void resend(Attempt a, AtomicBoolean once, boolean readMap) {
    if (!once.compareAndSet(false, true)) {
      return;
    }
    try {
      refreshers.execute(() -> {
        if (readMap) {
          refreshQuietly();
        }
        route(a, null);
      });
    } catch (RejectedExecutionException e) { // closed meanwhile: route() answers NOT_RUNNING
      route(a, null);
    }
  }

  private void timedOut(Attempt a) {
    if (a.result.isDone()) {
      return;
    }
    if (a.result.complete(Rejected.of(a.message.commandId(), RejectionReason.TIMEOUT, "no outcome by the deadline "
        + a.deadline + ": " + a.problem + (a.mayHaveApplied
            ? "; an attempt may have been applied: resend with the same command id to learn its outcome"
            : "; it was not applied")))) {
      meters.timedOut();
    }
  }

  private void refreshQuietly() {
    try {
      maps.refresh();
    } catch (StoreUnavailableException e) {
      LOG.debug("cluster: cannot read the shard map: {}", e.getMessage());
    }
  }

  /** Answers {@code NOT_RUNNING} to commands that would be sent again from now on; stops the map reads. */
  @Override
  public void close() {
    closed = true;
    refreshers.shutdown();
  }
}
