package dev.aether.nats;

import dev.aether.store.StoreUnavailableException;
import dev.aether.support.Checks;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatcher;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A watch of one key, or of every key, of a JetStream KV bucket: the current value of each key first, then
 * {@link KeyValueWatcher#endOfData()}, then every change (puts, deletes and purges), on the watch's own dispatcher
 * thread, in order. What jnats' {@code KeyValue.watch} does, with two differences that matter on a replicated
 * bucket with a server down: a start that gets no answer (the server placed the watch's ephemeral consumer on the
 * lost server: about half of the starts on nats-server 2.10.27, see {@link KvKeys}) is tried again within a
 * budget, and a failed start leaves nothing behind (jnats' keeps the dispatcher thread it created).
 *
 * <p>The consumer is an ordered push consumer: jnats makes a new one from the last revision seen after a gap or
 * missed heartbeats. Thread-safe; {@link #close()} is idempotent.
 */
public final class KvWatch implements AutoCloseable {

  /**
   * A start budget that rides out a server of a 3-server cluster being down: about half of the starts get no
   * answer then, each after the request timeout (2 s by default), so 30 s gives about 15 tries.
   */
  public static final Duration DEFAULT_START_BUDGET = Duration.ofSeconds(30);

  private final Connection connection;
  private final Dispatcher dispatcher;
  private final AtomicBoolean closed = new AtomicBoolean();

  private KvWatch(Connection connection, Dispatcher dispatcher) {
    this.connection = connection;
    this.dispatcher = dispatcher;
  }

  /**
   * Starts watching, trying again while the server does not answer, until {@code budget} after the first
   * attempt.
   *
   * @param connection the connection the watch's messages come on
   * @param bucket the bucket's name
   * @param key the key to watch, or null for every key
   * @param watcher told each entry and, once, the end of the current values; called on one thread, in order
   * @param budget how long after the first attempt another may start
   * @return the watch, to close
   * @throws dev.aether.InvalidInputException naming the argument when {@code connection}, {@code bucket},
   *     {@code watcher} or {@code budget} is null, or {@code key} is blank
   * @throws StoreUnavailableException when no start was answered within the budget, the connection is closed
   *     (at once) or the thread was interrupted
   * @throws JetStreamStoreException when the server refuses (the bucket does not exist, say)
   */
  public static KvWatch start(Connection connection, String bucket, String key, KeyValueWatcher watcher,
      Duration budget) {
    Checks.notNull(connection, "connection");
    Checks.notBlank(bucket, "bucket");
    if (key != null) {
      Checks.notBlank(key, "key");
    }
    Checks.notNull(watcher, "watcher");
    String subject = "$KV." + bucket + "." + (key == null ? ">" : key);
    String what = "watching " + subject;
    if (connection.getStatus() == Connection.Status.CLOSED) {
      throw new StoreUnavailableException(what + ": the connection is closed", null);
    }
    return new ReadRetry(Checks.notNull(budget, "budget")).run(what, () -> startOnce(connection, bucket, subject,
        watcher, what));
  }

  private static KvWatch startOnce(Connection connection, String bucket, String subject, KeyValueWatcher watcher,
      String what) {
    AtomicBoolean caughtUp = new AtomicBoolean();
    Dispatcher dispatcher;
    try {
      dispatcher = connection.createDispatcher();
    } catch (RuntimeException e) { // the connection closed meanwhile
      throw NatsFailures.ofRequest(what, e);
    }
    try {
      PushSubscribeOptions options = PushSubscribeOptions.builder().stream("KV_" + bucket).ordered(true)
          .configuration(ConsumerConfiguration.builder().ackPolicy(AckPolicy.None)
              .deliverPolicy(DeliverPolicy.LastPerSubject).build())
          .build();
      JetStreamSubscription subscription = connection.jetStream().subscribe(subject, dispatcher,
          message -> deliver(message, watcher, caughtUp), false, options);
      // nothing to deliver at all: no message will say so. Else the message with no pending after it does.
      ConsumerInfo info = subscription.getConsumerInfo();
      if (info.getDelivered().getConsumerSequence() == 0 && info.getCalculatedPending() == 0
          && caughtUp.compareAndSet(false, true)) {
        watcher.endOfData();
      }
      return new KvWatch(connection, dispatcher);
    } catch (Exception e) {
      closeQuietly(connection, dispatcher);
      throw NatsFailures.ofRequest(what, e);
    }
  }

  private static void deliver(Message message, KeyValueWatcher watcher, AtomicBoolean caughtUp) {
    watcher.watch(new KeyValueEntry(message));
    if (message.metaData().pendingCount() == 0 && caughtUp.compareAndSet(false, true)) {
      watcher.endOfData();
    }
  }

  /** Stops the watch: no entry is delivered after it returns, except one being delivered at that moment. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closeQuietly(connection, dispatcher);
    }
  }

  private static void closeQuietly(Connection connection, Dispatcher dispatcher) {
    try {
      connection.closeDispatcher(dispatcher); // unsubscribes its subscription; the server drops the consumer
    } catch (RuntimeException e) {
      // the connection is closed: nothing is left to stop
    }
  }
}
