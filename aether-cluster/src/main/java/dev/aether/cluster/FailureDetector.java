package dev.aether.cluster;

import dev.aether.cluster.ControlJson.Control;
import dev.aether.store.StoreUnavailableException;
import io.nats.client.Connection;
import io.nats.client.api.KeyValueEntry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fast crash detection (DESIGN §8): a suspected node is probed at once and, when the probe proves it dead, its
 * lease is deleted by compare-and-set at the revision read before the probe, so that every node's lease watch
 * sees it gone at once and the leader moves its shards without waiting for {@code deadAfter}.
 *
 * <p>A suspicion comes from a sender that met "no responders" on the node's command subject (kill -9 closes the
 * node's connection and nats-server drops its subscriptions at once), or from the lease watch when a node's
 * renewal is late. The proof: the node's control subject has no responders twice, {@link #RECHECK} apart, and
 * its lease was not renewed meanwhile (the compare-and-set of the deletion fails otherwise). A probe that times
 * out proves nothing: a paused or slow node keeps its subscriptions (the server holds them), so it is left to
 * {@code deadAfter}; one that answers is alive. Neither is no responders while this node just reconnected, nor
 * for a moment after a server left the NATS cluster ({@link NatsServers}): the nodes that were connected to it are
 * moving to another. Deleting the lease of a node that was in fact alive (its
 * connection dropped for a moment) costs that node its incarnation: its next renewal finds the key gone and it
 * joins again; the store fences whatever it still had in flight.
 *
 * <p>Thread-safe: probes run on virtual threads, at most one at a time per node.
 */
final class FailureDetector implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FailureDetector.class);
  /** The pause between the two probes that must both meet no responders. */
  static final Duration RECHECK = Duration.ofMillis(50);

  /** What a probe found. */
  enum Verdict {
    /** The node answered the ping. */
    ALIVE,
    /** The probe timed out: no proof either way (a paused or slow node); left to {@code deadAfter}. */
    UNSURE,
    /** No responders twice and the lease unchanged: this detector deleted the lease. */
    DEAD,
    /** No responders twice, but the lease was renewed (or replaced) meanwhile: not deleted. */
    RENEWED,
    /** The node holds no lease (already gone), or it is this node. */
    GONE
  }

  private final ClusterKv kv;
  private final Connection connection;
  private final ClusterNames names;
  private final Membership membership;
  private final NatsServers servers;
  private final String self;
  private final Duration probeTimeout;
  private final Map<String, CompletableFuture<Verdict>> inFlight = new ConcurrentHashMap<>();
  private final ExecutorService probes =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("aether-cluster-probe-", 0).factory());

  /**
   * @param probeTimeout how long a ping waits for its answer (a timeout is no proof)
   */
  FailureDetector(ClusterKv kv, Connection connection, ClusterNames names, Membership membership, NatsServers servers,
      String self, Duration probeTimeout) {
    this.kv = kv;
    this.servers = servers;
    this.connection = connection;
    this.names = names;
    this.membership = membership;
    this.self = self;
    this.probeTimeout = probeTimeout;
  }

  /**
   * Probes a suspected node, unless a probe of it is already running (then its verdict is returned).
   *
   * @param node the suspected node's id
   * @return the verdict; never completes exceptionally (a KV failure is {@link Verdict#UNSURE})
   */
  CompletableFuture<Verdict> suspect(String node) {
    if (node == null || node.equals(self)) {
      return CompletableFuture.completedFuture(Verdict.GONE);
    }
    CompletableFuture<Verdict> created = new CompletableFuture<>();
    CompletableFuture<Verdict> running = inFlight.putIfAbsent(node, created);
    if (running != null) {
      return running;
    }
    try {
      probes.execute(() -> {
        Verdict verdict;
        try {
          verdict = probe(node);
        } catch (RuntimeException e) {
          LOG.debug("cluster: probing {} failed: {}", node, e.toString());
          verdict = Verdict.UNSURE;
        }
        inFlight.remove(node, created);
        created.complete(verdict);
      });
    } catch (RejectedExecutionException e) { // closed
      inFlight.remove(node, created);
      created.complete(Verdict.UNSURE);
    }
    return created;
  }

  private Verdict probe(String node) {
    String key = ClusterNames.nodeKey(node);
    KeyValueEntry lease = kv.readLease(key);
    if (lease == null) {
      return Verdict.GONE;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
      if (attempt > 0 && !pause(RECHECK)) {
        return Verdict.UNSURE;
      }
      Verdict answer = ping(node);
      if (answer != null) {
        return answer;
      }
      if (membership.settling()) { // this node just reconnected or renewed again: the others may not have yet
        return Verdict.UNSURE; // asked again once the nodes had time to reconnect
      }
      if (servers.lostRecently()) { // the node may be moving from a lost NATS server to another
        return Verdict.UNSURE;
      }
    }
    if (!kv.deleteLeaseIf(key, lease.getRevision())) {
      return Verdict.RENEWED;
    }
    LOG.warn("cluster: node {} is dead (no responders twice, lease revision {} not renewed): its lease is deleted",
        node, lease.getRevision());
    membership.forget(node, lease.getRevision());
    return Verdict.DEAD;
  }

  /** @return ALIVE or UNSURE, or null when nobody listens on the node's control subject */
  private Verdict ping(String node) {
    try {
      connection.requestWithTimeout(names.nodeControl(node), ControlJson.write(Control.ping(self)), probeTimeout)
          .orTimeout(probeTimeout.toMillis(), TimeUnit.MILLISECONDS).join();
      return Verdict.ALIVE;
    } catch (CompletionException | CancellationException e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof CancellationException) {
        return null; // no responders: the server holds no subscription of the node
      }
      if (!(cause instanceof TimeoutException)) {
        LOG.debug("cluster: ping of {} failed: {}", node, cause.toString());
      }
      return Verdict.UNSURE;
    } catch (StoreUnavailableException | IllegalStateException e) {
      return Verdict.UNSURE;
    }
  }

  private static boolean pause(Duration duration) {
    try {
      Thread.sleep(duration);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops probing; verdicts of probes in flight still complete. */
  @Override
  public void close() {
    probes.shutdown();
  }
}
