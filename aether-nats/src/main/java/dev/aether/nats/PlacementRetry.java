package dev.aether.nats;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a JetStream stream or KV bucket, trying again while a NATS cluster cannot place it yet: right after
 * the cluster formed or a server came back, the meta leader answers "no suitable peers for placement, peer
 * offline" ({@value #NO_SUITABLE_PEERS}) until it has heard from enough servers (seen for a second or more on
 * nats-server 2.10.27). {@link #ensureBucket} also asks again for the bucket list while no meta leader answers
 * (one is being elected after its server died). Used by the event store, the read-model store and the cluster's
 * buckets.
 *
 * <p>Pauses 50 ms, then twice as long each time, at most 1 s, until the budget is spent; then the last
 * refusal (or timeout) is thrown as it came. Any other failure is thrown at once. Stateless and thread-safe.
 */
public final class PlacementRetry {

  /** JetStream's API error code for "no suitable peers for placement". */
  public static final int NO_SUITABLE_PEERS = 10005;

  /** JetStream's API error code for "replicas > 1 not supported in non-clustered mode". */
  static final int REPLICAS_NOT_SUPPORTED = 10074;

  private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long MAX_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final Logger LOG = LoggerFactory.getLogger(PlacementRetry.class);

  private PlacementRetry() {}

  /**
   * The budget of a store with a request timeout: twice that timeout, as a read's ({@code ReadRetry}).
   *
   * @param requestTimeout the store's request timeout
   * @return how long a creation may be tried again
   */
  public static Duration budget(Duration requestTimeout) {
    return requestTimeout.multipliedBy(2);
  }

  /**
   * Creates a KV bucket unless it exists, as {@link #create} does; a creation that fails because another
   * process created the bucket at the same moment is no failure. Returns once the bucket's stream has a leader
   * (or the budget is spent): a replicated bucket created a moment ago, here or by another process, has none
   * yet, and reads and writes to it fail meanwhile (no responders, timeouts). An existing bucket with fewer
   * replicas than {@code bucket} asks for is kept as it is, with a WARN naming it and how to scale it.
   *
   * @param kvm the connection's KV management
   * @param bucket the bucket's configuration
   * @param budget how long after the first attempt another may start, and how long to wait for a leader
   * @return whether this call created the bucket
   * @throws IOException as the requests throw it
   * @throws JetStreamApiException as the creation throws it, unless the bucket exists afterwards
   * @throws JetStreamStoreException as {@link #create} throws it (more than one replica on a server without
   *     clustering)
   */
  public static boolean ensureBucket(KeyValueManagement kvm, KeyValueConfiguration bucket, Duration budget)
      throws IOException, JetStreamApiException {
    String name = bucket.getBucketName();
    boolean created = false;
    if (!bucketNames(kvm, budget).contains(name)) {
      try {
        create("bucket " + name, budget, () -> kvm.create(bucket));
        created = true;
      } catch (JetStreamApiException e) {
        if (!bucketNames(kvm, budget).contains(name)) {
          throw e; // not a concurrent creation by another process
        }
      }
    }
    KeyValueStatus status = awaitLeader(kvm, name, budget);
    if (!created && status != null && status.getReplicas() < bucket.getReplicas()) {
      LOG.warn("bucket {} has {} replica(s), the configuration asks for {}: it is used as it is; scale it with"
          + " `nats stream edit KV_{} --replicas {}`", name, status.getReplicas(), bucket.getReplicas(), name,
          bucket.getReplicas());
    }
    return created;
  }

  /**
   * The buckets' names, asked again while the server does not answer within the budget: the JetStream meta
   * leader answers the request, and none does for a few seconds after its server died (a new one is elected).
   */
  private static List<String> bucketNames(KeyValueManagement kvm, Duration budget)
      throws IOException, JetStreamApiException {
    return retrying(budget, kvm::getBucketNames, e -> e instanceof IOException io && NatsFailures.isTimeout(io),
        e -> LOG.debug("listing buckets: no answer ({}); asking again", e.getMessage()));
  }

  /**
   * Reads the bucket's status until its stream has a leader, within the budget (a stream without one answers no
   * info request).
   *
   * @return the last status read; null when none could be read in time
   */
  private static KeyValueStatus awaitLeader(KeyValueManagement kvm, String name, Duration budget) {
    long deadline = System.nanoTime() + budget.toNanos();
    KeyValueStatus status = null;
    while (!Thread.currentThread().isInterrupted()) {
      try {
        status = kvm.getStatus(name);
        ClusterInfo cluster = status.getBackingStreamInfo().getClusterInfo();
        if (cluster == null || cluster.getLeader() != null) {
          return status;
        }
      } catch (IOException | JetStreamApiException | RuntimeException e) {
        LOG.debug("bucket {}: no status yet ({})", name, e.toString());
      }
      if (System.nanoTime() + FIRST_PAUSE_NANOS - deadline > 0) {
        return status;
      }
      LockSupport.parkNanos(FIRST_PAUSE_NANOS);
    }
    return status;
  }

  /** A creation request to the server. */
  @FunctionalInterface
  public interface Creation {

    /**
     * Sends the request.
     *
     * @throws IOException when the server cannot be asked
     * @throws JetStreamApiException when the server refuses
     */
    void create() throws IOException, JetStreamApiException;
  }

  /**
   * Runs a creation, again while the server refuses it with {@value #NO_SUITABLE_PEERS}, for at most
   * {@code budget}.
   *
   * @param what what is created, for the log, e.g. {@code stream S}
   * @param budget how long after the first attempt another may start
   * @param creation the request
   * @throws IOException as the creation throws it
   * @throws JetStreamApiException as the creation throws it; a placement refusal once the budget is spent or
   *     the thread is interrupted
   * @throws JetStreamStoreException when more than one replica is asked of a server without clustering (saying
   *     so)
   */
  public static void create(String what, Duration budget, Creation creation)
      throws IOException, JetStreamApiException {
    try {
      retrying(budget, () -> {
        creation.create();
        return null;
      }, e -> e instanceof JetStreamApiException api && api.getApiErrorCode() == NO_SUITABLE_PEERS,
          e -> LOG.info("creating {}: the NATS cluster cannot place it yet ({}); trying again", what,
              e.getMessage()));
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == REPLICAS_NOT_SUPPORTED) {
        throw new JetStreamStoreException("cannot create " + what + ": " + e.getMessage() + ": the NATS server"
            + " runs JetStream without clustering, which keeps one replica; give the store the URLs of a NATS"
            + " cluster, or configure 1 replica", e.getApiErrorCode(), e);
      }
      throw e;
    }
  }

  /** A request that may be tried again. */
  @FunctionalInterface
  private interface Call<T> {
    T call() throws IOException, JetStreamApiException;
  }

  /**
   * Runs a call, again after a failure {@code retryable} accepts, pausing 50 ms doubling to 1 s, while the next
   * attempt would start within the budget and the thread is not interrupted; then the failure is thrown as it
   * came.
   */
  private static <T> T retrying(Duration budget, Call<T> call, Predicate<Exception> retryable,
      Consumer<Exception> onRetry) throws IOException, JetStreamApiException {
    long deadline = System.nanoTime() + budget.toNanos();
    long pause = FIRST_PAUSE_NANOS;
    while (true) {
      try {
        return call.call();
      } catch (IOException | JetStreamApiException e) {
        if (!retryable.test(e) || System.nanoTime() + pause - deadline > 0
            || Thread.currentThread().isInterrupted()) {
          throw e;
        }
        onRetry.accept(e);
        LockSupport.parkNanos(pause);
        pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
      }
    }
  }
}
