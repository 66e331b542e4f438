package dev.aether.cluster;

import dev.aether.InvalidInputException;
import dev.aether.cluster.ControlJson.LeaderLease;
import dev.aether.cluster.ControlJson.Lease;
import dev.aether.cluster.ControlJson.State;
import dev.aether.nats.KvWatch;
import dev.aether.store.StoreUnavailableException;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's lease and what it sees of everyone's. The node's lease {@code node.<id>} is created on join and
 * renewed by compare-and-set at its revision; a renewal that finds the key gone or changed (it expired while
 * the node was paused, or another took it) means this incarnation is over: the node joins again with a new
 * incarnation. Every lease is watched: the time each key was last written is the node's liveness, because
 * nats-server 2.9 sends no watch event when a key expires (a node is dead when nothing was seen of it for
 * {@code deadAfter}). A node whose own renewal is older than {@code deadAfter} knows it may have been replaced
 * and stops serving its shards ({@link #selfFresh()}), as an optimisation only: the store fences anyway. The
 * others' silence does not count while this node cannot renew itself, nor for a settle time after its own
 * renewals resume from a gap longer than {@code deadAfter} or its connection comes back ({@link #age}): a lease
 * bucket nobody can write takes nobody for dead. The price: a node that really died meanwhile is found that much
 * later, also after a pause of this node alone (a long GC pause), and no probe proves a death meanwhile.
 *
 * <p>{@link #renew()} and {@link #join()} run on the node's lease thread; the watch updates the seen leases
 * on its dispatcher thread ({@code KvWatch}); the queries are safe from any thread.
 */
final class Membership implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

  /** A lease as last seen: its value, revision and when it was written (as far as this node saw). */
  record Seen(Lease lease, long revision, long seenNanos) {}

  private final ClusterKv kv;
  private final String self;
  private final String key;
  private final long deadAfterNanos;
  private final Duration deadAfter;
  private final long settleNanos;
  private final long intervalNanos;
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();
  private volatile LeaderLease leader;
  private volatile long leaderRevision;
  private volatile Runnable onChange = () -> {};
  private volatile Runnable onOwnRenewalSeen = () -> {};
  private volatile Runnable beforeRejoin = () -> {};
  private volatile String incarnation;
  private volatile State state = State.ACTIVE;
  private volatile long lastRenewedNanos;
  private volatile Supplier<Report> report = () -> Report.NONE;
  private volatile boolean fenced;
  private volatile boolean renewedOnce;
  private volatile boolean caughtUp;
  private volatile long revision;
  /** When the watch last delivered a new revision of this node's own lease (or started): its heartbeat. */
  private volatile long ownSeenNanos = System.nanoTime();
  /**
   * Leases count as renewed at least until then (after a reconnect or a gap in this node's own renewals);
   * {@code Long.MIN_VALUE}: no floor.
   */
  private volatile long renewedFloorNanos = Long.MIN_VALUE;
  private KvWatch watch;
  /** Leaders seen taking the key (the first one included): the count of leader changes + 1. */
  private final java.util.concurrent.atomic.AtomicLong leaderChanges = new java.util.concurrent.atomic.AtomicLong();
  /** Leases of dead nodes this node deleted. */
  private final java.util.concurrent.atomic.AtomicLong foundDead = new java.util.concurrent.atomic.AtomicLong();
  /** Set by {@link #close()}: no watch is started after it. */
  private boolean closed;

  /**
   * @param settle how long, after this node's renewals resume from a gap or its connection comes back, every
   *     lease seen counts as renewed ({@link #reconnected}, {@link #renewed})
   */
  Membership(ClusterKv kv, ClusterConfig config, Duration settle) {
    this.kv = kv;
    this.self = config.nodeId();
    this.key = ClusterNames.nodeKey(self);
    this.deadAfter = config.deadAfter();
    this.deadAfterNanos = config.deadAfter().toNanos();
    this.settleNanos = settle.toNanos();
    this.intervalNanos = config.leaseInterval().toNanos();
  }

  /** Starts watching every lease (the current ones first). */
  void watch() {
    ownSeenNanos = System.nanoTime();
    watch = ClusterKv.watch(kv.connection(), kv.leaseBucket(), null, this::onLease, () -> caughtUp = true,
        KvWatch.DEFAULT_START_BUDGET, "the cluster's leases");
  }

  /**
   * Watches again from the current leases, after the connection came back: a restarted server lost the watch's
   * consumer, which jnats would only notice after three missed heartbeats (15 s), every node seen dead meanwhile.
   *
   * @throws dev.aether.store.StoreUnavailableException when the watch cannot be started (yet)
   */
  synchronized void rewatch() { // two reconnects in a row: one after the other, no watch left behind
    if (closed) {
      return;
    }
    KvWatch old = watch;
    ownSeenNanos = System.nanoTime();
    watch = ClusterKv.watch(kv.connection(), kv.leaseBucket(), null, this::onLease, () -> caughtUp = true,
        Duration.ZERO, "the cluster's leases"); // one attempt: the caller tries again, and holds this monitor
    ClusterKv.unwatch(old);
  }

  /**
   * Whether the lease watch has stopped delivering while the connection works: this node's renewals succeed (the
   * last one within {@code deadAfter}) but the watch has shown none of them for two dead-after times. It happens
   * when the server lost the watch's consumer without the connection breaking (a frozen server that expired it)
   * and jnats did not make a new one; the node would then see nobody renew, never plan again as leader
   * ({@link #seesMembership()}), and not see a node leave. {@link #rewatch()} mends it. A stall is reported once:
   * the next report comes two dead-after times later, if the watch still shows nothing.
   */
  boolean watchStalled() {
    long now = System.nanoTime();
    if (renewedOnce && now - lastRenewedNanos <= deadAfterNanos && now - ownSeenNanos > 2 * deadAfterNanos) {
      ownSeenNanos = now;
      return true;
    }
    return false;
  }

  /** Makes the lease watch stop delivering, as a consumer lost by the server would: {@link ClusterFaults}. */
  synchronized void stallWatch() {
    ClusterKv.unwatch(watch);
  }

  /**
   * Sets what runs when the watch shows a lease deleted (a node left or was confirmed dead) or the leader key
   * gone or changed hands: the node wakes its leadership and planning at once instead of at the next interval.
   * Called on the watch's thread: must be quick.
   */
  void onChange(Runnable listener) {
    this.onChange = listener;
  }

  /**
   * Sets what runs when the watch delivers a new revision of this node's own lease: from then on
   * {@link #seesMembership()} holds again (it does not between a renewal and its echo), so a leader plans then.
   * Called on the watch's thread: must be quick.
   */
  void onOwnRenewalSeen(Runnable listener) {
    this.onOwnRenewalSeen = listener;
  }

  /**
   * Sets what runs when a renewal finds this node's lease gone or taken, before it joins again: the node reads
   * the shard map first, so that the new incarnation never serves by a map older than its replacement.
   */
  void beforeRejoin(Runnable action) {
    this.beforeRejoin = action;
  }

  private void onLease(KeyValueEntry entry) {
    boolean gone = entry.getOperation() != KeyValueOperation.PUT;
    if (ClusterNames.LEADER_KEY.equals(entry.getKey())) {
      LeaderLease before = leader;
      leader = gone ? null : readOrNull(entry, LeaderLease.class);
      leaderRevision = entry.getRevision();
      if (leader != null && (before == null || !before.node().equals(leader.node())
          || !before.incarnation().equals(leader.incarnation()))) {
        leaderChanges.incrementAndGet();
      }
      if (leader == null || before == null || !before.node().equals(leader.node())) {
        onChange.run();
      }
      return;
    }
    if (!entry.getKey().startsWith(ClusterNames.NODE_KEY_PREFIX)) {
      return;
    }
    String node = entry.getKey().substring(ClusterNames.NODE_KEY_PREFIX.length());
    Lease lease = gone ? null : readOrNull(entry, Lease.class);
    if (lease == null) {
      if (seen.remove(node) != null) {
        onChange.run();
      }
    } else {
      // the same revision again (a watch restarted after a reconnect) is no sign of life
      Seen before = seen.get(node);
      Seen now = seen.compute(node, (n, held) -> held != null && held.revision() == entry.getRevision() ? held
          : new Seen(lease, entry.getRevision(), System.nanoTime()));
      if (node.equals(self) && now != before) {
        ownSeenNanos = Math.max(ownSeenNanos, now.seenNanos()); // a new revision of its own: the watch delivers
        onOwnRenewalSeen.run();
      }
    }
  }

  private static <T> T readOrNull(KeyValueEntry entry, Class<T> type) {
    try {
      return ControlJson.read(entry.getValue(), type);
    } catch (InvalidInputException e) {
      LOG.warn("cluster: ignoring the unreadable lease {}: {}", entry.getKey(), e.getMessage());
      return null;
    }
  }

  /**
   * Creates this node's lease with a new incarnation. A lease of the same id left by a crashed process is taken
   * over once it has not been renewed for {@code deadAfter}; one still being renewed means another live node
   * has this id.
   *
   * @throws InvalidInputException naming {@code nodeId} when a live node holds the id
   */
  void join() {
    incarnation = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    for (int attempt = 0; attempt < 5; attempt++) {
      OptionalLong created = kv.createLease(key, value());
      if (created.isPresent()) {
        renewed(created.getAsLong());
        return;
      }
      KeyValueEntry held = kv.readLease(key);
      if (held == null) {
        continue;
      }
      sleep(deadAfter);
      KeyValueEntry later = kv.readLease(key);
      if (later != null && later.getRevision() != held.getRevision()) {
        throw new InvalidInputException("nodeId", "'" + self + "' is held by a live node (its lease "
            + ClusterNames.nodeKey(self) + " is being renewed): give every node its own id");
      }
      OptionalLong taken = later == null ? kv.createLease(key, value()) : kv.updateLease(key, value(), later.getRevision());
      if (taken.isPresent()) {
        LOG.info("cluster: node {} took over the lease of its previous, silent incarnation", self);
        renewed(taken.getAsLong());
        return;
      }
    }
    throw new StoreUnavailableException("cluster: cannot create the lease " + key + " (it keeps changing)", null);
  }

  /**
   * Renews the lease; when it was lost (expired while this node was paused), joins again as a new incarnation;
   * when another live node holds the id now, the node is {@link #fenced()}.
   */
  void renew() {
    try {
      OptionalLong next = kv.updateLease(key, value(), revision);
      if (next.isEmpty()) { // our own earlier write whose answer was lost moved the revision on: adopt it
        KeyValueEntry held = kv.readLease(key);
        Lease lease = held == null ? null : readOrNull(held, Lease.class);
        if (lease != null && lease.incarnation().equals(incarnation)) {
          next = kv.updateLease(key, value(), held.getRevision());
        }
      }
      if (next.isPresent()) {
        renewed(next.getAsLong());
        return;
      }
      LOG.warn("cluster: node {} lost its lease (incarnation {}): it expired, was taken or was deleted by a node"
          + " that found it dead; joining again", self, incarnation);
      String lost = incarnation;
      beforeRejoin.run();
      join();
      LOG.info("cluster: node {} joined again as incarnation {} (was {})", self, incarnation, lost);
    } catch (StoreUnavailableException e) {
      LOG.debug("cluster: cannot renew the lease of {}: {}", self, e.getMessage());
    } catch (InvalidInputException e) {
      LOG.error("cluster: node {} cannot join again: {}", self, e.getMessage());
      fenced = true;
    }
  }

  /**
   * Whether this node sees the membership well enough to plan: the watch has delivered every lease that existed
   * when it started, and it has delivered this node's own latest renewal (a stalled watch, or a partitioned
   * node, would otherwise take live nodes for dead).
   */
  boolean seesMembership() {
    Seen own = seen.get(self);
    return caughtUp && own != null && own.revision() == revision
        && System.nanoTime() - own.seenNanos() <= deadAfterNanos;
  }

  /**
   * Tells that this node's connection just came back: every lease seen counts as renewed for the settle time
   * from now. Renewals stopped for everyone while the server was away, and the other nodes reconnect on their own
   * schedule: the first node back would otherwise take them all for dead (their leases deleted, their shards moved
   * cold, the leader replaced). A node that really died meanwhile is found that much later.
   */
  void reconnected() {
    renewedFloorNanos = System.nanoTime() + settleNanos;
  }

  /**
   * Whether this node's connection came back, or its renewals resumed, within the settle time: the others may not
   * have reconnected or renewed yet, so no responders is no proof of death.
   */
  boolean settling() {
    long floor = renewedFloorNanos;
    return floor != Long.MIN_VALUE && System.nanoTime() < floor;
  }

  /**
   * How long a node has been silent as far as this node can tell: from when its lease was seen, or from the settle
   * floor (the later), until now, or until this node's own last renewal plus one interval (the earlier). While
   * this node cannot renew, the others most likely cannot either (the lease bucket electing a leader, a frozen
   * server), so their silence from then on says nothing (and once this node renews again, {@link #renewed} moves
   * the leases seen on by the time it could not): before, a leader whose last renewal landed just after the
   * others' took them for dead in the moments before its own lease went stale, and moved their shards to itself
   * cold.
   */
  private long age(Seen s, long now) {
    boolean once = renewedOnce; // read in the reverse order renewed() writes them: a reader that sees a renewal
    long last = lastRenewedNanos; // sees the floor it set
    long since = silentSince(s);
    long writable = last + intervalNanos;
    return (once && now - writable > 0 ? writable : now) - since;
  }

  /** @return from when a node's silence counts: when its lease was seen, or the settle floor (the later) */
  private long silentSince(Seen s) {
    long floor = renewedFloorNanos;
    return floor == Long.MIN_VALUE ? s.seenNanos() : Math.max(s.seenNanos(), floor);
  }

  /**
   * @return nanoseconds until the next other node not yet silent for {@code deadAfter} will be (counted from when
   *     its lease was seen or the settle floor, as {@link #age} counts while this node renews), or
   *     {@link Long#MAX_VALUE} when there is none: the lease thread looks at that moment (a leader plans the dead
   *     node's shards, the others replace a dead leader) rather than at its next renewal, up to an interval later
   */
  long nanosUntilNextDeath() {
    long now = System.nanoTime();
    long next = Long.MAX_VALUE;
    for (Map.Entry<String, Seen> e : seen.entrySet()) {
      long until = silentSince(e.getValue()) + deadAfterNanos - now;
      if (!e.getKey().equals(self) && until >= 0) {
        next = Math.min(next, until);
      }
    }
    return next;
  }

  /** Forgets leases not written for four times the dead-after time (their keys expired long ago). */
  void forgetExpired() {
    long now = System.nanoTime();
    seen.values().removeIf(s -> age(s, now) > 4 * deadAfterNanos);
  }

  /** Whether another live node took this node's id (this node must stop). */
  boolean fenced() {
    return fenced;
  }

  private void renewed(long newRevision) {
    long now = System.nanoTime();
    long gap = now - lastRenewedNanos;
    if (renewedOnce && gap > intervalNanos) {
      // the time this node could not renew does not count against the others (age() stopped counting it): the
      // leases seen move on by that much, so a short outage takes nobody for dead once this node renews again
      long blind = gap - intervalNanos;
      seen.replaceAll((node, s) -> node.equals(self) ? s
          : new Seen(s.lease(), s.revision(), Math.min(now, s.seenNanos() + blind)));
      if (gap > deadAfterNanos) {
        // a long one may have outlasted the keys (the lease bucket electing a leader, a frozen server, the whole
        // cluster paused): the others find their keys gone and join again on their own schedule, and the first
        // node back would take them all for dead (their shards moved to it cold). They get the settle time
        LOG.info("cluster: node {} renews again after {} ms without: every lease counts as renewed for {} ms more",
            self, gap / 1_000_000, settleNanos / 1_000_000);
        renewedFloorNanos = now + settleNanos;
      }
    }
    if (gap > deadAfterNanos) {
      ownSeenNanos = now; // renewals resume after a gap (a pause, an outage): the watch gets its time to show them
    }
    revision = newRevision;
    lastRenewedNanos = now;
    renewedOnce = true;
  }

  private byte[] value() {
    Report now = report.get();
    return ControlJson.write(new Lease(self, incarnation, state, now.activeActors(), now.model()));
  }

  /** Sets what each renewal reports of this node for the status (read on the lease thread). */
  void report(Supplier<Report> what) {
    this.report = what;
  }

  /**
   * What a lease reports of its node for the status.
   *
   * @param activeActors its active actors (negative: not reported)
   * @param model the model it runs, {@code name@version} (null: none)
   */
  record Report(int activeActors, String model) {
    static final Report NONE = new Report(-1, null);
  }

  /**
   * Marks the lease {@code LEAVING} from its next renewal on (the leader then moves this node's shards away); the
   * lease thread writes it, so renewals stay on one thread.
   */
  void markLeaving() {
    state = State.LEAVING;
  }

  /** Whether this node renewed its lease within {@code deadAfter}: else it may have been replaced. */
  boolean selfFresh() {
    return renewedOnce && System.nanoTime() - lastRenewedNanos < deadAfterNanos;
  }

  String incarnation() {
    return incarnation;
  }

  /** @return this node's own state: active, or leaving once {@link #markLeaving} was called */
  State state() {
    return state;
  }

  /** The nodes that take part in placement: seen alive within {@code deadAfter} and not leaving. */
  List<String> activeNodes() {
    List<String> active = new ArrayList<>();
    long now = System.nanoTime();
    seen.forEach((node, s) -> {
      if (s.lease().state() == State.ACTIVE && age(s, now) <= deadAfterNanos) {
        active.add(node);
      }
    });
    return active;
  }

  /** @return how many nodes were seen renewing within {@code deadAfter} (leaving or not) */
  int aliveCount() {
    long now = System.nanoTime();
    return (int) seen.values().stream().filter(s -> age(s, now) <= deadAfterNanos).count();
  }

  /** @return the leases of dead nodes this node deleted ({@link #forget}) since it joined */
  long foundDead() {
    return foundDead.get();
  }

  /** @return how many times a leader was seen taking the key since this node watched */
  long leadersSeen() {
    return leaderChanges.get();
  }

  /** Whether a node was seen renewing within {@code deadAfter} (leaving or not). */
  boolean alive(String node) {
    Seen s = seen.get(node);
    return s != null && age(s, System.nanoTime()) <= deadAfterNanos;
  }

  /** @return every lease seen (alive or not), by node */
  Map<String, Seen> seen() {
    return Map.copyOf(seen);
  }

  /** @return the leader's lease as last seen */
  Optional<LeaderLease> leader() {
    return Optional.ofNullable(leader);
  }

  /** @return the revision of the leader key as last seen (its compare-and-set token) */
  long leaderRevision() {
    return leaderRevision;
  }

  /**
   * Whether the node named in the leader key is gone: its node lease was deleted or not renewed within
   * {@code deadAfter}, or it now runs another incarnation than the one that took the key.
   */
  boolean leaderDead(LeaderLease lease) {
    if (!caughtUp) {
      return false; // the watch may not have shown the leader's node lease yet
    }
    Seen s = seen.get(lease.node());
    return s == null || !alive(lease.node()) || !s.lease().incarnation().equals(lease.incarnation());
  }

  /**
   * The other nodes whose last renewal seen is older than {@code late} and whose lease is still held: candidates
   * for a probe (a crashed node is then confirmed before {@code deadAfter}, and one past it has its lease
   * deleted at once rather than at the leader's next step).
   */
  List<String> late(Duration late) {
    List<String> nodes = new ArrayList<>();
    long now = System.nanoTime();
    seen.forEach((node, s) -> {
      if (!node.equals(self) && age(s, now) > late.toNanos()) {
        nodes.add(node);
      }
    });
    return nodes;
  }

  /** @return the lease of a node as last seen, with its revision; empty when none is held */
  Optional<Seen> seen(String node) {
    return Optional.ofNullable(seen.get(node));
  }

  /**
   * Forgets a node whose lease this node just deleted at {@code revision} (confirmed dead), without waiting for
   * the watch to show the deletion.
   */
  void forget(String node, long revision) {
    foundDead.incrementAndGet();
    if (seen.computeIfPresent(node, (n, s) -> s.revision() == revision ? null : s) == null) {
      onChange.run();
    }
  }

  /** Stops watching the leases. */
  @Override
  public synchronized void close() {
    closed = true;
    ClusterKv.unwatch(watch);
  }

  /** Deletes this node's lease at its revision: the node has left. */
  void deleteLease() {
    try {
      kv.deleteLease(key, revision);
    } catch (StoreUnavailableException e) {
      LOG.warn("cluster: cannot delete the lease of {} (it expires by itself): {}", self, e.getMessage());
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted while joining the cluster", e);
    }
  }
}
