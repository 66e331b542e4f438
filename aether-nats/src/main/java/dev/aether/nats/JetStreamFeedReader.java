package dev.aether.nats;

import dev.aether.event.Event;
import dev.aether.store.FeedClosedException;
import dev.aether.store.FeedEntry;
import dev.aether.store.FeedPosition;
import dev.aether.store.FeedReader;
import dev.aether.store.ReplayError;
import dev.aether.store.StoreUnavailableException;
import dev.aether.store.UnreadableFeedRecordException;
import dev.aether.support.FeedChecks;
import io.nats.client.ConsumeOptions;
import io.nats.client.Connection;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamOptions;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.StreamContext;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link FeedReader} of a JetStream store: per partition stream one ordered consumer (jnats' simplified
 * API: an ephemeral pull consumer that the client recreates from the last sequence it saw after a gap or a
 * reconnect, so it never skips or repeats a message) starting at the commit after the reader's position in
 * that partition (at the commit itself when the position is inside it; the events already delivered are
 * skipped here). One virtual thread per partition takes the consumer's messages and queues them in a bounded
 * queue ({@value #QUEUE_CAPACITY} commits), which the polling thread drains; a full queue stops the consumer
 * threads, which stops the pulls: memory is bounded. Each commit is decoded with the store's codec once, by
 * whichever of the two threads has less to do: the consumer thread when {@value #DECODE_AHEAD} or more items
 * are queued (the polling thread is busy), else the polling thread when it takes the message (it would
 * otherwise wait). Decoding was two thirds of the consumer thread's CPU in a catch-up, while the polling
 * thread of a projection waited for it most of the time.
 *
 * <p>Each partition's commits reach the queue in stream order; commits of different partitions interleave in
 * the order they arrive. An undecodable record stops the reader in front of it (the poll that reaches it
 * throws; so do later ones). A consumer that fails for good queues the failure, which the poll that reaches
 * it throws.
 *
 * <p>{@link #pollEvents} hands out the decoded commits' events without a {@link FeedEntry} and a
 * {@link FeedPosition} per event (one position per commit): most of the allocation of {@link #poll} in a
 * projection's catch-up.
 *
 * <p>Thread-safety: {@link #poll}, {@link #pollEvents} and {@link #position()} are for one thread at a time (the polling thread
 * owns {@link #head}, {@link #headIndex} and {@link #position}); {@link #close()} may be called from any
 * thread: it queues {@link FeedItem.Closed} to wake a waiting poll, stops the consumers and ends the threads.
 */
final class JetStreamFeedReader implements FeedReader {

  static final int QUEUE_CAPACITY = 1024;
  private static final int BATCH = 500;
  private static final Duration IDLE = Duration.ofSeconds(1);
  /**
   * How long each pull of the ordered consumer lasts; the client expects heartbeats every half of it and
   * recreates the consumer after three missed ones. jnats' default (30 s) left a reader silent for 45 s after
   * a server restart; with 5 s it resumes within about 8 s, at the cost of one pull request per partition every
   * 5 s while idle.
   */
  static final long PULL_EXPIRY_MILLIS = 5_000;
  private static final Logger LOG = LoggerFactory.getLogger(JetStreamFeedReader.class);

  private final StoreLayout layout;
  private final Runnable onClose;
  /**
   * How many queued items make a consumer thread decode a commit itself: with fewer, the polling thread is
   * waiting for work or about to, and decodes it when it takes it.
   */
  static final int DECODE_AHEAD = 16;
  /** {@link FeedItem}s, and {@link Undecoded} messages that the polling thread decodes when it takes them. */
  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
  private final List<IterableConsumer> consumers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  /** Per partition: the commit the reader was opened inside of, and the last event of it already delivered. */
  private final long[] skipSequence;
  private final int[] skipThrough;
  private volatile boolean closed;

  private FeedItem head;
  private int headIndex;
  private volatile FeedPosition position;

  /**
   * Opens one ordered consumer per partition.
   *
   * @param connection the store's connection
   * @param jso the store's JetStream options
   * @param layout the store's layout
   * @param start the reader's position: each partition resumes after it
   * @param onClose told once when the reader closes
   */
  JetStreamFeedReader(Connection connection, JetStreamOptions jso, StoreLayout layout, FeedPosition start,
      Runnable onClose) {
    this.layout = layout;
    this.onClose = onClose;
    this.position = start;
    int partitions = layout.partitions();
    this.skipSequence = new long[partitions];
    this.skipThrough = new int[partitions];
    try {
      for (int p = 0; p < partitions; p++) {
        long sequence = start.sequence(p);
        OptionalInt index = start.eventIndex(p);
        skipSequence[p] = index.isPresent() ? sequence : 0;
        skipThrough[p] = index.orElse(-1);
        long first = index.isPresent() ? sequence : sequence + 1;
        consumers.add(consume(connection, jso, p, first));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    for (int p = 0; p < partitions; p++) {
      int partition = p;
      threads.add(Thread.ofVirtual().name("aether-feed-" + layout.streamName(p))
          .start(() -> run(partition, consumers.get(partition))));
    }
  }

  private IterableConsumer consume(Connection connection, JetStreamOptions jso, int partition, long first) {
    String stream = layout.streamName(partition);
    OrderedConsumerConfiguration config = new OrderedConsumerConfiguration().filterSubject(layout.streamSubject(partition));
    if (first > 1) {
      config.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(first);
    } else {
      config.deliverPolicy(DeliverPolicy.All);
    }
    try {
      StreamContext context = connection.getStreamContext(stream, jso);
      return context.createOrderedConsumer(config).iterate(ConsumeOptions.builder().batchSize(BATCH)
          .expiresIn(PULL_EXPIRY_MILLIS).build());
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      throw NatsFailures.ofRequest("opening a feed reader of stream " + stream, e);
    }
  }

  /** The consumer thread of one partition. */
  private void run(int partition, IterableConsumer consumer) {
    try {
      while (!closed) {
        Message message = consumer.nextMessage(IDLE);
        if (message != null && !closed) {
          queue.put(queue.size() < DECODE_AHEAD ? new Undecoded(partition, message)
              : FeedItem.decode(layout, partition, message));
        }
      }
    } catch (InterruptedException e) {
      // closing
    } catch (JetStreamStatusCheckedException | RuntimeException e) {
      if (!closed) {
        LOG.warn("feed consumer of stream {} failed", layout.streamName(partition), e);
        queue.offer(new FeedItem.Failed(new StoreUnavailableException("the feed consumer of stream "
            + layout.streamName(partition) + " failed: " + e.getMessage() + "; open a new reader at the last position",
            e)));
      }
    }
  }

  @Override
  public List<FeedEntry> poll(int max, Duration wait) {
    return take(max, wait, this::emitEntries);
  }

  @Override
  public List<Event> pollEvents(int max, Duration wait) {
    return take(max, wait, this::emitEvents);
  }

  /** Moves the head commit's events from {@link #headIndex} on into a batch of at most {@code max} items. */
  @FunctionalInterface
  private interface Emitter<T> {
    void emit(FeedItem.Commit commit, int max, List<T> out);
  }

  /** The loop of {@link #poll} and {@link #pollEvents}: queued commits, emitted until {@code max} items. */
  private <T> List<T> take(int max, Duration wait, Emitter<T> emitter) {
    long nanos = FeedChecks.poll(max, wait);
    requireOpen();
    long deadline = System.nanoTime() + nanos;
    List<T> out = new ArrayList<>(Math.min(max, 256));
    while (out.size() < max) {
      FeedItem item = head != null ? head : next(out.isEmpty() ? deadline - System.nanoTime() : 0);
      if (item == null) {
        break;
      }
      if (closed) {
        throw closedError();
      }
      head = item;
      switch (item) {
        case FeedItem.Commit commit -> {
          skipDelivered(commit);
          emitter.emit(commit, max, out);
        }
        case FeedItem.Unreadable unreadable -> {
          if (out.isEmpty()) {
            throw unreadable(unreadable);
          }
          return out;
        }
        case FeedItem.Failed failed -> {
          if (out.isEmpty()) {
            throw failed.error();
          }
          return out;
        }
        case FeedItem.Closed c -> throw closedError();
      }
    }
    return out;
  }

  /** A message of a partition queued as it came: decoded by the polling thread when it takes it. */
  private record Undecoded(int partition, Message message) {}

  /**
   * Takes the next queued item, decoded, waiting up to {@code nanos}; null on timeout or interrupt (flag kept).
   */
  private FeedItem next(long nanos) {
    Object queued;
    try {
      queued = nanos <= 0 ? queue.poll() : queue.poll(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    return queued instanceof Undecoded undecoded ? FeedItem.decode(layout, undecoded.partition(), undecoded.message())
        : (FeedItem) queued;
  }

  /** At the start of the commit the reader was opened inside of: skips its events delivered before. */
  private void skipDelivered(FeedItem.Commit commit) {
    int p = commit.partition();
    if (headIndex == 0 && commit.sequence() == skipSequence[p]) {
      headIndex = skipThrough[p] + 1;
      skipSequence[p] = 0;
    }
  }

  /** Emits the head commit's events as entries, each with the reader's position after it. */
  private void emitEntries(FeedItem.Commit commit, int max, List<FeedEntry> out) {
    int p = commit.partition();
    List<Event> events = commit.events();
    FeedPosition at = events.isEmpty() ? position.with(p, commit.sequence()) : position; // a fence: passed over
    while (headIndex < events.size() && out.size() < max) {
      int i = headIndex++;
      at = i == events.size() - 1 ? at.with(p, commit.sequence()) : at.with(p, commit.sequence(), i);
      out.add(new FeedEntry(events.get(i), p, at));
    }
    position = at;
    endOfCommit(events.size());
  }

  /** Emits the head commit's events without entries: one position per commit, not one per event. */
  private void emitEvents(FeedItem.Commit commit, int max, List<Event> out) {
    List<Event> events = commit.events();
    int from = headIndex;
    int to = Math.min(events.size(), from + max - out.size());
    if (events.isEmpty()) {
      position = position.with(commit.partition(), commit.sequence()); // a fence: passed over
    } else if (to > from) {
      out.addAll(from == 0 && to == events.size() ? events : events.subList(from, to));
      headIndex = to;
      position = to == events.size() ? position.with(commit.partition(), commit.sequence())
          : position.with(commit.partition(), commit.sequence(), to - 1);
    }
    endOfCommit(events.size());
  }

  /** Drops the head once all of its events are out. */
  private void endOfCommit(int size) {
    if (headIndex >= size) {
      head = null;
      headIndex = 0;
    }
  }

  private UnreadableFeedRecordException unreadable(FeedItem.Unreadable record) {
    return new UnreadableFeedRecordException(record.partition(),
        new ReplayError(record.sequence(), record.data(), record.cause()),
        position.with(record.partition(), record.sequence()));
  }

  /** @return how many items the consumer threads have queued and no poll took yet (for tests) */
  int queued() {
    return queue.size();
  }

  @Override
  public FeedPosition position() {
    return position;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.clear();
    queue.offer(new FeedItem.Closed());
    for (IterableConsumer consumer : consumers) {
      stop(consumer);
    }
    threads.forEach(Thread::interrupt);
    onClose.run();
  }

  private void requireOpen() {
    if (closed) {
      throw closedError();
    }
  }

  private static FeedClosedException closedError() {
    return new FeedClosedException("the feed reader is closed (by its owner or its store): cannot poll");
  }

  private static void stop(IterableConsumer consumer) {
    try {
      consumer.close();
    } catch (Exception e) {
      LOG.debug("closing a feed consumer failed", e);
    }
  }
}
