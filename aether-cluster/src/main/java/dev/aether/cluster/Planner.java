package dev.aether.cluster;

import dev.aether.cluster.ControlJson.Control;
import dev.aether.cluster.ControlJson.WarmMove;
import dev.aether.cluster.ControlJson.WarmRequest;
import dev.aether.store.StoreUnavailableException;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's placement work, one step at a time: from the active members it plans the target map
 * ({@link ShardMap#next}, kept while the members stay the same) and moves towards it. The shards of nodes not
 * seen alive move at once (cold: their actors activate on their next command). The shards of live nodes
 * (leaving, or shedding load to a joiner) move in batches of at most {@code handoffBatch}: the new owners first
 * warm up the old owners' most recently used actors of the batch (bounded, within {@code warmupTimeout}), then
 * one compare-and-set of the map switches the batch. A failed compare-and-set (another leader, a concurrent
 * write) drops the plan; the next step plans again from the map in KV. Not thread-safe: the node's planner
 * thread only.
 */
final class Planner {

  private static final Logger LOG = LoggerFactory.getLogger(Planner.class);
  /** How often a warm-up in progress asks whether its plan still holds. */
  static final Duration WARMUP_CHECK = Duration.ofMillis(50);

  private final ClusterKv kv;
  private final MapView maps;
  private final Membership membership;
  private final ClusterConfig config;
  private final Connection connection;
  private final ClusterNames names;
  private final Runnable progressChanged;
  private ShardMap target;
  private Set<String> targetMembers = Set.of();
  private volatile Progress progress = Progress.NONE;

  /**
   * The plan's progress, for the status: the moves it has left, counted from the map of {@code epoch} (-1: no
   * plan yet).
   */
  record Progress(int pendingMoves, long epoch) {
    static final Progress NONE = new Progress(0, -1);
  }

  /**
   * @param progressChanged told whenever the plan's progress changes (before a batch's warm-up and after its
   *     switch), on the planner thread, for the status others show
   */
  Planner(ClusterKv kv, MapView maps, Membership membership, ClusterConfig config, Connection connection,
      ClusterNames names, Runnable progressChanged) {
    this.kv = kv;
    this.maps = maps;
    this.membership = membership;
    this.config = config;
    this.connection = connection;
    this.names = names;
    this.progressChanged = progressChanged;
  }

  /** @return the plan's progress as last counted */
  Progress progress() {
    return progress;
  }

  /**
   * Forgets the plan (this node stopped leading, or cannot plan now); its progress stays as last counted, until
   * a step counts again: a plan cut short is not shown as settled.
   */
  void reset() {
    target = null;
  }

  /**
   * Takes one step.
   *
   * @param mayWrite whether this node may still write the map, asked again after a warm-up (which may take
   *     seconds), just before the switch
   * @return whether the map changed (another step may follow at once)
   */
  boolean step(BooleanSupplier mayWrite) {
    Set<String> members = new TreeSet<>(membership.activeNodes());
    MapView.Versioned held = maps.current();
    if (members.isEmpty()) {
      pending(0, held == null ? -1 : held.map().epoch());
      return false;
    }
    if (held == null) {
      ShardMap first = ShardMap.create(config.shards(), config.placement()).next(members);
      OptionalLong revision = kv.createMap(first.encode());
      if (revision.isPresent()) {
        LOG.info("cluster: created the shard map ({} shards) for {}", first.shards().count(), members);
        maps.offer(first, revision.getAsLong());
        return true;
      }
      maps.refresh();
      return false;
    }
    ShardMap current = held.map();
    if (target == null || !members.equals(targetMembers)) {
      target = current.next(members);
      targetMembers = members;
    }
    List<ShardMove> moves = current.movesTo(target);
    pending(moves.size(), current.epoch());
    if (moves.isEmpty()) {
      return false;
    }
    List<ShardMove> batch = new ArrayList<>();
    List<ShardMove> warm = new ArrayList<>();
    for (ShardMove move : moves) {
      boolean fromLive = move.from().isPresent() && membership.alive(move.from().get());
      if (!fromLive) {
        batch.add(move);
      } else if (warm.size() < config.handoffBatch()) {
        warm.add(move);
      }
    }
    if (!batch.isEmpty() && config.warmupActors() > 0) {
      warm.clear(); // a dead node's shards move first, at once, without waiting for a warm-up; those follow
    }
    if (!warm.isEmpty() && config.warmupActors() > 0) {
      warmUp(warm, () -> sameMembers(members));
      if (!mayWrite.getAsBoolean()) {
        target = null; // it lost the leadership, its lease or its view of the others meanwhile
        return false;
      }
      if (!sameMembers(members)) {
        target = null; // a node came or went during the warm-up: plan again rather than move to a dead node
        return true;
      }
    }
    batch.addAll(warm);
    ShardMap next = current.step(target, batch);
    OptionalLong revision = kv.updateMap(next.encode(), held.revision());
    if (revision.isEmpty()) {
      LOG.info("cluster: the shard map changed under the plan (epoch {}); planning again", current.epoch());
      target = null;
      maps.refresh();
      return false;
    }
    pending(moves.size() - batch.size(), next.epoch()); // first: the new map's listeners show the count left
    maps.offer(next, revision.getAsLong());
    endIncarnations(batch);
    LOG.info("cluster: map epoch {}: moved {} shards ({} warm), {} left, members {}", next.epoch(), batch.size(),
        warm.size(), progress.pendingMoves(), members);
    return true;
  }

  /** @return whether the active nodes are still {@code members} */
  private boolean sameMembers(Set<String> members) {
    return members.equals(new TreeSet<>(membership.activeNodes()));
  }

  private void pending(int moves, long epoch) {
    Progress now = new Progress(moves, epoch);
    if (!now.equals(progress)) {
      progress = now;
      progressChanged.run();
    }
  }

  /**
   * Deletes the leases of the dead nodes whose shards just moved cold, at the revision last seen (a renewal
   * since keeps it): a node that was only paused finds its lease gone at its next renewal and joins again as a
   * new incarnation, instead of renewing its old one as if it had kept its shards; and a restarted node of the
   * same id can join at once.
   */
  private void endIncarnations(List<ShardMove> batch) {
    Set<String> dead = new TreeSet<>();
    for (ShardMove move : batch) {
      move.from().filter(n -> !membership.alive(n)).ifPresent(dead::add);
    }
    for (String node : dead) {
      membership.seen(node).ifPresent(s -> {
        try {
          if (kv.deleteLeaseIf(ClusterNames.nodeKey(node), s.revision())) {
            LOG.info("cluster: ended incarnation {} of dead node {} (lease revision {})", s.lease().incarnation(),
                node, s.revision());
            membership.forget(node, s.revision());
          }
        } catch (StoreUnavailableException e) {
          LOG.debug("cluster: cannot delete the lease of dead node {} (it expires by itself): {}", node,
              e.getMessage());
        }
      });
    }
  }

  /**
   * Asks each new owner to warm up its shards of the batch, and waits for all within the warm-up timeout, or
   * until the plan no longer holds ({@code stillPlanned}, asked every {@link #WARMUP_CHECK}): a new owner that
   * paused or died never answers, and the shards of a node that died meanwhile must not wait for it. (Whether
   * this node may still write the map is asked after the wait: between a renewal and its echo it may not, for a
   * moment, which would end a healthy warm-up.)
   */
  private void warmUp(List<ShardMove> warm, BooleanSupplier stillPlanned) {
    Map<String, List<WarmMove>> byNewOwner = new LinkedHashMap<>();
    for (ShardMove move : warm) {
      byNewOwner.computeIfAbsent(move.to().orElseThrow(), n -> new ArrayList<>())
          .add(new WarmMove(move.shard(), move.from().orElseThrow()));
    }
    Duration timeout = config.warmupTimeout();
    AtomicBoolean abandoned = new AtomicBoolean();
    List<CompletableFuture<?>> replies = new ArrayList<>();
    byNewOwner.forEach((node, moves) -> replies.add(connection.requestWithTimeout(names.nodeControl(node),
            ControlJson.write(Control.warm(new WarmRequest(moves))), timeout)
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(failure -> {
          if (!abandoned.get()) {
            LOG.info("cluster: warm-up on {} did not finish ({}); switching anyway", node, failure.toString());
          }
          return null;
        })));
    CompletableFuture<Void> all = CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new));
    try {
      while (!all.isDone() && stillPlanned.getAsBoolean()) {
        try {
          all.get(WARMUP_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // asks again whether the plan still holds
        }
      }
      if (!all.isDone()) {
        abandoned.set(true);
        LOG.info("cluster: a member came or went during the warm-up: planning again, not waiting for the rest");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("warm-up interrupted", e);
    } catch (ExecutionException e) {
      throw new StoreUnavailableException("warm-up failed: " + e.getCause(), e.getCause());
    }
  }
}
