package dev.aether.nats;

import dev.aether.event.Event;
import dev.aether.store.FeedClosedException;
import dev.aether.store.FeedDelivery;
import dev.aether.store.FeedEntry;
import dev.aether.store.FeedPosition;
import dev.aether.store.ReplayError;
import dev.aether.store.SharedFeed;
import dev.aether.store.StoreUnavailableException;
import dev.aether.store.UnreadableFeedRecordException;
import dev.aether.support.FeedChecks;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.api.ConsumerInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a shared group on JetStream: per partition stream a pull subscription bound to the group's
 * durable consumer (explicit ack, ack wait = the ack timeout, max ack pending = the in-flight bound; made by
 * {@link JetStreamFeeds}), read by one virtual thread per partition.
 *
 * <p><b>Pulls on demand.</b> A member asks the server for commits only while a {@link #poll} waits with
 * nothing buffered: each partition's thread then pulls one commit with an expiry of the poll's remaining wait
 * (at least {@value #MIN_PULL_MILLIS} ms, at most {@value #MAX_PULL_MILLIS} ms per request), and once one came,
 * what is available at once ({@code no_wait}), up to the poll's {@code max}. So a member that does not poll
 * holds no deliveries (their ack timers would run out unhandled), except what arrives for a poll that already
 * returned (at most one pull's worth per partition), which the next poll returns first. With several
 * partitions a poll returns as soon as any partition delivered.
 *
 * <p><b>Acknowledgement.</b> The events of one message (commit) share a {@link Round}: the message is acked
 * ({@code ackSync}) when all of them are, nakked ({@code nakWithDelay}) at the first nak; an event already
 * handled at a partial start position is never handed out, and a commit with nothing left is acked at once.
 * {@link FeedDelivery#inProgress()} sends the message's in-progress acknowledgement ({@code +WPI}), which
 * starts its ack wait over on the server (at most one per commit per {@value #NOTICE_GAP_MILLIS} ms, never after
 * its nak).
 *
 * <p><b>What the member holds is kept while its consumer is at work.</b> The server's ack wait runs from the
 * delivery to this member, also for the commits pulled with a poll's first one and waiting here for the next
 * poll (up to a batch per partition while the consumer handles the previous one): a keeper thread marks them
 * in progress every quarter of the ack timeout, so none goes to another member while this one holds it, as
 * long as the consumer polled or settled or kept one of its deliveries within the last ack timeout. A consumer
 * that stopped (it neither polls nor settles) loses them to another member, up to two ack timeouts after its
 * last sign of work. What a poll handed out is its taker's to keep ({@link FeedDelivery#inProgress()}). The
 * keeper's notices for commits not expanded yet are sent under {@link #lock} (a buffered publish each), so they
 * precede any nak of them. The keeper counts time by this member's ack timeout: a group's members should share
 * their options (the consumer's ack wait is the latest joining member's).
 *
 * <p>Thread-safety: {@link #lock} guards {@link #items}, {@link #ready}, {@link #demand} and
 * {@link #demandDeadline}; {@link #changed} wakes the poll (an item came, close) and the partition threads
 * (demand, close). No I/O happens under the lock but the keeper's buffered in-progress notices.
 */
final class JetStreamSharedFeed implements SharedFeed {

  static final long MIN_PULL_MILLIS = 10;
  /** Shortest time between two in-progress notices of one commit: its events' deliveries share them. */
  static final long NOTICE_GAP_MILLIS = 50;
  static final long MAX_PULL_MILLIS = 5_000;
  private static final Duration NO_WAIT_READ = Duration.ofSeconds(1);
  private static final int MAX_BATCH = 256;
  private static final Logger LOG = LoggerFactory.getLogger(JetStreamSharedFeed.class);

  private final String group;
  private final StoreLayout layout;
  private final Duration requestTimeout;
  private final List<JetStreamSubscription> subscriptions;
  private final long[] skipSequence;
  private final int[] skipThrough;
  private final RecentAcks[] recentAcks;
  private final Runnable onClose;
  private final List<Thread> threads = new ArrayList<>();
  /** How often the keeper marks what this member holds in progress: a quarter of the ack timeout. */
  private final long keepNanos;
  /** The ack timeout: how long after its consumer's last sign of work the member keeps what it holds. */
  private final long ackTimeoutNanos;
  /** When the consumer last polled, or settled or kept one of this member's deliveries. */
  private final AtomicLong consumerActiveAt = new AtomicLong(System.nanoTime());
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<FeedItem> items = new ArrayDeque<>();
  private final ArrayDeque<FeedDelivery> ready = new ArrayDeque<>();
  private int demand;
  private long demandDeadline;
  private volatile boolean closed;

  /**
   * Starts the member's partition threads.
   *
   * @param group the group's name
   * @param layout the store's layout
   * @param requestTimeout the store's request timeout (acks wait this long for the server)
   * @param ackTimeout the group's ack timeout (its consumers' ack wait)
   * @param subscriptions one bound pull subscription per partition, in partition order
   * @param start where the group started when new: events inside a partly delivered commit are skipped
   * @param onClose told once when the member closes
   */
  JetStreamSharedFeed(String group, StoreLayout layout, Duration requestTimeout, Duration ackTimeout,
      List<JetStreamSubscription> subscriptions, FeedPosition start, Runnable onClose) {
    this.group = group;
    this.keepNanos = Math.max(1, ackTimeout.toNanos() / 4);
    this.ackTimeoutNanos = ackTimeout.toNanos();
    this.layout = layout;
    this.requestTimeout = requestTimeout;
    this.subscriptions = List.copyOf(subscriptions);
    this.onClose = onClose;
    this.skipSequence = new long[subscriptions.size()];
    this.skipThrough = new int[subscriptions.size()];
    this.recentAcks = new RecentAcks[subscriptions.size()];
    for (int p = 0; p < subscriptions.size(); p++) {
      skipSequence[p] = start.eventIndex(p).isPresent() ? start.sequence(p) : 0;
      skipThrough[p] = start.eventIndex(p).orElse(-1);
      recentAcks[p] = new RecentAcks();
      int partition = p;
      threads.add(Thread.ofVirtual().name("aether-feed-" + group + "-" + layout.streamName(p))
          .start(() -> run(partition, this.subscriptions.get(partition))));
    }
    threads.add(Thread.ofVirtual().name("aether-feed-" + group + "-keeper").start(this::keepHeld));
  }

  /** The keeper: every quarter of the ack timeout, marks the commits pulled and not handed out in progress. */
  private void keepHeld() {
    while (!closed) {
      try {
        TimeUnit.NANOSECONDS.sleep(keepNanos);
      } catch (InterruptedException e) {
        return; // closing
      }
      if (System.nanoTime() - consumerActiveAt.get() >= ackTimeoutNanos) {
        continue; // the consumer stopped: what it would take next goes to another member
      }
      Set<Round> expanded = new HashSet<>();
      lock.lock();
      try {
        // under the lock (a buffered publish each): a poll that expands one of them, and so its taker's nak, or
        // the close's hand-back comes after its notice. Only up to a failure: what waits behind it is not handed
        // out while polls meet the failure, and goes to another member after the ack timeout
        for (FeedItem item : items) {
          if (!(item instanceof FeedItem.Commit commit)) {
            break;
          }
          Round.inProgressQuietly(commit.message());
        }
        ready.forEach(d -> expanded.add(((Delivery) d).round()));
      } finally {
        lock.unlock();
      }
      expanded.forEach(Round::keep);
    }
  }

  @Override
  public String group() {
    return group;
  }

  @Override
  public List<FeedDelivery> poll(int max, Duration wait) {
    long nanos = FeedChecks.poll(max, wait);
    consumerActiveAt.set(System.nanoTime());
    long deadline = System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 4);
    lock.lock();
    try {
      while (true) {
        requireOpen();
        List<FeedDelivery> out = take(max);
        if (!out.isEmpty()) {
          return out;
        }
        long now = System.nanoTime();
        demand = max;
        demandDeadline = Math.max(deadline, now + TimeUnit.MILLISECONDS.toNanos(MIN_PULL_MILLIS));
        changed.signalAll();
        long left = deadline - now;
        if (left <= 0) {
          return List.of();
        }
        try {
          changed.awaitNanos(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return List.of();
        }
      }
    } finally {
      demand = 0;
      lock.unlock();
    }
  }

  /** Turns queued items into deliveries and takes up to {@code max}; the caller holds the lock. */
  private List<FeedDelivery> take(int max) {
    while (ready.size() < max && !items.isEmpty()) {
      FeedItem item = items.peek();
      switch (item) {
        case FeedItem.Commit commit -> {
          items.poll();
          expand(commit);
        }
        case FeedItem.Unreadable unreadable -> {
          if (!ready.isEmpty()) {
            return drain(max);
          }
          items.poll();
          throw new UnreadableFeedRecordException(unreadable.partition(),
              new ReplayError(unreadable.sequence(), unreadable.data(), unreadable.cause()),
              FeedPosition.START.with(unreadable.partition(), unreadable.sequence()));
        }
        case FeedItem.Failed failed -> {
          if (!ready.isEmpty()) {
            return drain(max);
          }
          throw failed.error();
        }
        case FeedItem.Closed c -> throw closedError();
      }
    }
    return drain(max);
  }

  private List<FeedDelivery> drain(int max) {
    List<FeedDelivery> out = new ArrayList<>(Math.min(max, ready.size()));
    while (out.size() < max && !ready.isEmpty()) {
      out.add(ready.poll());
    }
    return out;
  }

  private void expand(FeedItem.Commit commit) {
    int p = commit.partition();
    List<Event> events = commit.events();
    int from = commit.sequence() == skipSequence[p] ? skipThrough[p] + 1 : 0;
    if (from >= events.size()) {
      Round.ackQuietly(commit.message());
      return;
    }
    int attempt = (int) Math.min(Integer.MAX_VALUE, commit.message().metaData().deliveredCount());
    if (attempt == 1 && recentAcks[p].contains(commit.sequence())) {
      Round.ackQuietly(commit.message()); // a server's repeat of a commit this member acknowledged (RecentAcks)
      return;
    }
    Round round = new Round(commit.message(), events.size() - from, requestTimeout, recentAcks[p],
        consumerActiveAt);
    for (int i = from; i < events.size(); i++) {
      FeedPosition at = i == events.size() - 1 ? FeedPosition.START.with(p, commit.sequence())
          : FeedPosition.START.with(p, commit.sequence(), i);
      ready.add(new Delivery(new FeedEntry(events.get(i), p, at), attempt, round));
    }
  }

  /** The thread of one partition: pulls while a poll wants deliveries. */
  private void run(int partition, JetStreamSubscription subscription) {
    try {
      while (!closed) {
        long[] want = awaitDemand();
        if (want == null) {
          return;
        }
        pull(partition, subscription, (int) want[0], want[1]);
      }
    } catch (JetStreamStatusException | StoreUnavailableException e) {
      if (!closed) {
        LOG.warn("shared feed {} on stream {} failed", group, layout.streamName(partition), e);
        add(new FeedItem.Failed(new StoreUnavailableException("the shared feed \"" + group + "\" on stream "
            + layout.streamName(partition) + " failed: " + e.getMessage() + "; open the member again", e)));
      }
    } catch (InterruptedException | IllegalStateException e) {
      // closing: the subscription is gone
    }
  }

  /** Waits for a poll's demand; returns {max, expiry nanos}, or null when closed. */
  private long[] awaitDemand() throws InterruptedException {
    lock.lock();
    try {
      while (!closed && demand == 0) {
        changed.await(1, TimeUnit.SECONDS);
      }
      if (closed) {
        return null;
      }
      long expiry = demandDeadline - System.nanoTime();
      expiry = Math.max(TimeUnit.MILLISECONDS.toNanos(MIN_PULL_MILLIS), Math.min(expiry,
          TimeUnit.MILLISECONDS.toNanos(MAX_PULL_MILLIS)));
      return new long[] {Math.min(demand, MAX_BATCH), expiry};
    } finally {
      lock.unlock();
    }
  }

  private void pull(int partition, JetStreamSubscription subscription, int max, long expiryNanos)
      throws InterruptedException {
    Duration expiry = Duration.ofMillis(Math.max(1, TimeUnit.NANOSECONDS.toMillis(expiryNanos)));
    subscription.pullExpiresIn(1, expiry);
    Message first = subscription.nextMessage(expiry.plus(requestTimeout));
    if (first == null) {
      return;
    }
    add(FeedItem.decode(layout, partition, first));
    if (max > 1 && !closed) {
      // a no-wait request ends with a status message only when the server has fewer messages than asked for;
      // one it fills completely ends with its last message, so stop counting there rather than wait for a
      // status that never comes (that wait stalled a backlog at one request per NO_WAIT_READ)
      subscription.pullNoWait(max - 1);
      for (int received = 0; received < max - 1; received++) {
        Message next = subscription.nextMessage(NO_WAIT_READ);
        if (next == null) {
          break;
        }
        add(FeedItem.decode(layout, partition, next));
      }
    }
  }

  private void add(FeedItem item) {
    lock.lock();
    try {
      if (closed) {
        handBack(item); // pulled while closing: to another member now, not after the ack timeout
        return;
      }
      items.add(item);
      // the demand is met for now: no partition thread pulls again until a poll asks again. A pull sent after
      // the poll already had what it wanted stays waiting on the server after this member closes, and on
      // nats-server before 2.10.15 a redelivery that meets it repeats a commit (RecentAcks)
      demand = 0;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long backlog() {
    long commits = 0;
    for (int p = 0; p < subscriptions.size(); p++) {
      if (closed) {
        throw new FeedClosedException("the shared feed member of group \"" + group + "\" is closed");
      }
      try {
        ConsumerInfo info = subscriptions.get(p).getConsumerInfo();
        commits += info.getNumPending() + info.getNumAckPending();
      } catch (IOException | JetStreamApiException | IllegalStateException e) {
        throw new StoreUnavailableException("the backlog of shared feed \"" + group + "\" on stream "
            + layout.streamName(p) + " cannot be read: " + e.getMessage(), e);
      }
    }
    return commits;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    List<FeedItem> pulled;
    List<FeedDelivery> notHandedOut;
    lock.lock();
    try {
      closed = true;
      pulled = new ArrayList<>(items);
      notHandedOut = new ArrayList<>(ready);
      items.clear();
      ready.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    for (JetStreamSubscription subscription : subscriptions) {
      try {
        subscription.unsubscribe();
      } catch (RuntimeException e) {
        LOG.debug("unsubscribing a shared feed failed", e);
      }
    }
    threads.forEach(Thread::interrupt);
    // what this member pulled but no poll took goes back to the group at once (a nak), so a closing member
    // (a node leaving, a runtime stopping) delays nobody by the ack timeout; deliveries a poll took are
    // settled by their taker. After the unsubscribe: a nak before it could be redelivered
    // to this member's own pull still waiting on the server, and be lost with the subscription
    pulled.forEach(JetStreamSharedFeed::handBack);
    notHandedOut.forEach(d -> ((Delivery) d).round().nak(Duration.ZERO));
    onClose.run();
  }

  private static void handBack(FeedItem item) {
    if (item instanceof FeedItem.Commit commit) {
      Round.nakQuietly(commit.message());
    }
  }

  private void requireOpen() {
    if (closed) {
      throw closedError();
    }
  }

  private FeedClosedException closedError() {
    return new FeedClosedException("the member of shared feed \"" + group
        + "\" is closed (by its owner or its store): cannot poll");
  }

  /** The events of one delivery of one commit, settled together. */
  static final class Round {
    private final Message message;
    private final AtomicInteger remaining;
    private final AtomicBoolean nakked = new AtomicBoolean();
    /** Held while a nak or an in-progress notice is sent, so that no notice follows the nak. */
    private final ReentrantLock sending = new ReentrantLock();
    private final Duration timeout;
    private final RecentAcks acks;
    private volatile long noticedAt = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(NOTICE_GAP_MILLIS);

    /** The member's {@link #consumerActiveAt}: the consumer's ack, nak and in-progress calls set it. */
    private final AtomicLong consumerActiveAt;

    Round(Message message, int events, Duration timeout, RecentAcks acks, AtomicLong consumerActiveAt) {
      this.consumerActiveAt = consumerActiveAt;
      this.message = message;
      this.remaining = new AtomicInteger(events);
      this.timeout = timeout;
      this.acks = acks;
    }

    void acked() {
      consumerActiveAt.set(System.nanoTime());
      if (remaining.decrementAndGet() == 0 && !nakked.get()) {
        try {
          message.ackSync(timeout);
          acks.add(message.metaData().streamSequence());
        } catch (Exception e) {
          if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
          }
          throw new StoreUnavailableException("the acknowledgement of commit " + message.metaData().streamSequence()
              + " of stream " + message.metaData().getStream() + " was not confirmed: " + e.getMessage()
              + " (the commit may be delivered again)", e);
        }
      }
    }

    void nak(Duration delay) {
      consumerActiveAt.set(System.nanoTime());
      if (nakked.compareAndSet(false, true)) {
        sending.lock();
        try {
          if (delay.isZero()) {
            message.nak();
          } else {
            message.nakWithDelay(delay);
          }
        } catch (RuntimeException e) {
          LOG.debug("a nak was not sent; the commit comes back after the ack timeout", e);
        } finally {
          sending.unlock();
        }
      }
    }

    /**
     * Starts the message's ack wait over on the server ({@code +WPI}) while the round is not settled: at most
     * once per {@value #NOTICE_GAP_MILLIS} ms (the round's events share it), never after the nak (one being
     * sent meanwhile makes this a no-op). Never blocks on the server.
     */
    void inProgress() {
      consumerActiveAt.set(System.nanoTime());
      keep();
    }

    /** The keeper's {@link #inProgress()}: not a sign of the consumer's work. */
    void keep() {
      if (!sending.tryLock()) {
        return; // a nak is being sent
      }
      try {
        long now = System.nanoTime();
        if (nakked.get() || remaining.get() == 0
            || now - noticedAt < TimeUnit.MILLISECONDS.toNanos(NOTICE_GAP_MILLIS)) {
          return;
        }
        noticedAt = now;
        inProgressQuietly(message);
      } finally {
        sending.unlock();
      }
    }

    static void inProgressQuietly(Message message) {
      try {
        message.inProgress();
      } catch (RuntimeException e) {
        LOG.debug("an in-progress notice was not sent; the commit may come back after the ack timeout", e);
      }
    }

    static void nakQuietly(Message message) {
      try {
        message.nak();
      } catch (RuntimeException e) {
        LOG.debug("a nak was not sent; the commit comes back after the ack timeout", e);
      }
    }

    static void ackQuietly(Message message) {
      try {
        message.ack();
      } catch (RuntimeException e) {
        LOG.debug("an ack was not sent; the commit comes back after the ack timeout", e);
      }
    }
  }

  private record Delivery(FeedEntry entry, int attempt, Round round, AtomicBoolean settled) implements FeedDelivery {
    Delivery(FeedEntry entry, int attempt, Round round) {
      this(entry, attempt, round, new AtomicBoolean());
    }

    @Override
    public void ack() {
      if (settled.compareAndSet(false, true)) {
        round.acked();
      }
    }

    @Override
    public void nak(Duration delay) {
      FeedChecks.delay(delay);
      if (settled.compareAndSet(false, true)) {
        round.nak(delay);
      }
    }

    @Override
    public void inProgress() {
      if (!settled.get()) {
        round.inProgress();
      }
    }
  }
}
