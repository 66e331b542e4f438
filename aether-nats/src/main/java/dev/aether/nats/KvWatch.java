package dev.aether.nats;

import dev.aether.InvalidInputException;
import dev.aether.store.StoreUnavailableException;
import dev.aether.support.Checks;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatcher;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A watch of one key, or of every key, of a JetStream KV bucket: the current value of each key first, then
 * {@link KeyValueWatcher#endOfData()} once, then every change (puts, deletes and purges), in revision order, on
 * the watch's own dispatcher thread (the end of data of an empty bucket or key on the thread that starts the
 * watch, as jnats does). What jnats' {@code KeyValue.watch} does, with two differences that matter on a
 * replicated bucket with a server down: a start that gets no answer (the server placed the watch's ephemeral
 * consumer on the lost server: about half of the starts on nats-server 2.10.27, see {@link KvKeys}) is tried
 * again within a budget, and a failed start leaves nothing behind (jnats' keeps the dispatcher thread it created).
 * An entry a failed attempt delivered before it failed (its answer came late) is not delivered again by the next:
 * entries at or below the highest revision delivered are skipped, so the watcher sees each revision once.
 *
 * <p>The consumer is an ordered push consumer: jnats makes a new one from the last revision seen after a gap or
 * three missed heartbeats. The server sends one each {@link #HEARTBEAT} while it has nothing else to send, so a
 * consumer the server lost (its server killed, or a frozen server that expired it) is made again 3-6 s after
 * (jnats checks every three heartbeats for three heartbeats of silence), and again three later while that fails;
 * with jnats' default (5 s) a lost map watch stayed silent for 15 s and more, and a node waited for a map it could
 * not see. Thread-safe; {@link #close()} is idempotent, and once it returned the watcher is called no more, but
 * for a call already under way.
 */
public final class KvWatch implements AutoCloseable {

  /**
   * A start budget that rides out a server of a 3-server cluster being down: about half of the starts get no
   * answer then, each after the connection's request timeout (jnats: its connect timeout, 2 s by default), so
   * 30 s gives about 15 tries.
   */
  public static final Duration DEFAULT_START_BUDGET = Duration.ofSeconds(30);

  /** How often the server says the watch's consumer is alive while there is nothing to deliver. */
  public static final Duration HEARTBEAT = Duration.ofSeconds(1);

  private final Connection connection;
  private final String subject;
  private final String stream;
  private final KeyValueWatcher watcher;
  /** The attempt whose deliveries count; earlier attempts' late deliveries are dropped. */
  private final AtomicInteger live = new AtomicInteger();
  private final AtomicBoolean caughtUp = new AtomicBoolean();
  /** The highest revision handed to the watcher: a later attempt's current values below it are skipped. */
  private volatile long delivered;
  private volatile boolean closed;
  private volatile Dispatcher dispatcher;

  private KvWatch(Connection connection, String bucket, String subject, KeyValueWatcher watcher) {
    this.connection = connection;
    this.subject = subject;
    this.stream = "KV_" + bucket;
    this.watcher = watcher;
  }

  /**
   * Starts watching, trying again while the server does not answer, until {@code budget} after the first
   * attempt ({@link Duration#ZERO}: one attempt).
   *
   * @param connection the connection the watch's messages come on
   * @param bucket the bucket's name
   * @param key the key to watch (wildcards allowed), or null for every key
   * @param watcher told each entry and, once, the end of the current values; called one at a time, in order
   * @param budget how long after the first attempt another may start
   * @return the watch, to close
   * @throws InvalidInputException naming the argument when {@code connection}, {@code bucket}, {@code watcher}
   *     or {@code budget} is null, or {@code bucket} or {@code key} is blank or not a valid KV name
   * @throws StoreUnavailableException when no start was answered within the budget, the connection is closed
   *     (at once) or the thread was interrupted
   * @throws JetStreamStoreException when the server refuses (the bucket does not exist, say)
   */
  public static KvWatch start(Connection connection, String bucket, String key, KeyValueWatcher watcher,
      Duration budget) {
    Checks.notNull(connection, "connection");
    if (!Checks.notBlank(bucket, "bucket").matches("[A-Za-z0-9_-]+")) {
      throw new InvalidInputException("bucket", "must match [A-Za-z0-9_-]+, was " + bucket);
    }
    if (key != null) {
      Checks.notBlank(key, "key");
    }
    Checks.notNull(watcher, "watcher");
    KvWatch watch = new KvWatch(connection, bucket, "$KV." + bucket + "." + (key == null ? ">" : key), watcher);
    String what = "watching " + watch.subject;
    boolean empty = new ReadRetry(Checks.notNull(budget, "budget")).run(what, () -> watch.attempt(what),
        () -> connection.getStatus() == Connection.Status.CLOSED);
    if (empty && watch.caughtUp.compareAndSet(false, true)) {
      watcher.endOfData(); // outside the attempts: a watcher's failure here is the caller's, not retried
    }
    return watch;
  }

  /**
   * One attempt: subscribes on a new dispatcher; a failure closes it.
   *
   * @return whether the bucket (or key) had nothing to deliver when the consumer was made
   */
  private boolean attempt(String what) {
    if (connection.getStatus() == Connection.Status.CLOSED) {
      throw new StoreUnavailableException(what + ": the connection is closed", null);
    }
    int attempt = live.incrementAndGet();
    Dispatcher next;
    try {
      next = connection.createDispatcher();
    } catch (RuntimeException e) { // the connection closed meanwhile
      throw NatsFailures.ofRequest(what, e);
    }
    try {
      PushSubscribeOptions options = PushSubscribeOptions.builder().stream(stream).ordered(true)
          .configuration(ConsumerConfiguration.builder().ackPolicy(AckPolicy.None)
              .deliverPolicy(DeliverPolicy.LastPerSubject).idleHeartbeat(HEARTBEAT).build())
          .build();
      JetStreamSubscription subscription = connection.jetStream().subscribe(subject, next,
          message -> deliver(attempt, message), false, options);
      dispatcher = next;
      // nothing to deliver at all: no message will say so (the message with no pending after it does otherwise)
      return subscription.getConsumerInfo().getCalculatedPending() == 0;
    } catch (IllegalArgumentException e) { // jnats refuses the subject: not worth another attempt
      closeQuietly(next);
      throw new InvalidInputException("key", "not a valid KV key or filter: " + e.getMessage());
    } catch (Exception e) {
      live.compareAndSet(attempt, attempt + 1); // its late deliveries no longer count
      closeQuietly(next);
      throw NatsFailures.ofRequest(what, e);
    }
  }

  private void deliver(int attempt, Message message) {
    if (closed || attempt != live.get()) {
      return;
    }
    KeyValueEntry entry = new KeyValueEntry(message);
    if (entry.getRevision() > delivered) {
      delivered = entry.getRevision();
      watcher.watch(entry);
    }
    if (message.metaData().pendingCount() == 0 && caughtUp.compareAndSet(false, true)) {
      watcher.endOfData();
    }
  }

  /** Stops the watch: the watcher is called no more once this returns, but for a call under way. */
  @Override
  public void close() {
    closed = true;
    Dispatcher open = dispatcher;
    if (open != null) {
      closeQuietly(open);
    }
  }

  private void closeQuietly(Dispatcher open) {
    try {
      connection.closeDispatcher(open); // unsubscribes its subscription; the server drops the consumer
    } catch (RuntimeException e) {
      // the connection is closed: nothing is left to stop
    }
  }
}
