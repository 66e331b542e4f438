package dev.aether.nats;

import dev.aether.InvalidInputException;
import dev.aether.store.FeedClosedException;
import dev.aether.store.FeedPosition;
import dev.aether.store.FeedReader;
import dev.aether.store.FeedStart;
import dev.aether.store.SharedFeed;
import dev.aether.store.SharedFeedOptions;
import dev.aether.support.FeedChecks;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.JetStreamSubscription;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link dev.aether.store.EventFeed} side of a {@link JetStreamEventStore}: the head of the partition
 * streams, plain readers ({@link JetStreamFeedReader}) and shared group members ({@link JetStreamSharedFeed})
 * with their durable consumers. It remembers what it opened, so that closing the store closes them.
 *
 * <p><b>Durable consumers</b> of a group {@code g}: one per partition stream, named {@code g} (a consumer name
 * is unique per stream), a pull consumer filtered on the partition's subjects, explicit ack, ack wait = the
 * ack timeout, max ack pending = the in-flight bound, unlimited deliveries, starting (when created) at the
 * group's start. An existing consumer is used as it is, except that a different ack timeout or in-flight
 * bound is updated to this member's (the latest member to join sets them); one that is not such a consumer
 * (push, another ack policy or filter) is refused with an {@link InvalidInputException} naming
 * {@code group}. The consumers are never deleted by the store (a group's progress outlives its members and
 * processes; delete them with NATS tools when a group is retired).
 *
 * <p>Thread-safe.
 */
final class JetStreamFeeds {

  /** API error: the consumer does not exist. */
  private static final int CONSUMER_NOT_FOUND = 10014;

  private final Connection connection;
  private final JetStreamOptions jso;
  /** For the feeds' setup requests and stream reads, tried again ({@link ReadRetry#attemptOptions} each). */
  private final JetStreamManagement jsm;
  private final JetStream js;
  private final StoreLayout layout;
  private final ReadRetry retry;
  private final Duration requestTimeout;
  private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  JetStreamFeeds(Connection connection, JetStreamOptions jso, StoreLayout layout, ReadRetry retry,
      Duration requestTimeout) {
    this.connection = connection;
    this.jso = jso;
    try {
      this.jsm = connection.jetStreamManagement(ReadRetry.attemptOptions(requestTimeout));
      this.js = connection.jetStream(ReadRetry.attemptOptions(requestTimeout));
    } catch (IOException e) {
      throw NatsFailures.ofRequest("opening the JetStream context of shared feeds", e);
    }
    this.layout = layout;
    this.retry = retry;
    this.requestTimeout = requestTimeout;
  }

  /** The last sequence of every partition stream: one stream info request each. */
  FeedPosition head() {
    FeedPosition head = FeedPosition.START;
    for (int p = 0; p < layout.partitions(); p++) {
      long last = lastSequence(layout.streamName(p));
      if (last > 0) {
        head = head.with(p, last);
      }
    }
    return head;
  }

  private long lastSequence(String stream) {
    return retry.run("reading the state of stream " + stream, () -> {
      try {
        return jsm.getStreamInfo(stream).getStreamState().getLastSequence();
      } catch (IOException | JetStreamApiException | RuntimeException e) {
        throw NatsFailures.ofRequest("reading the state of stream " + stream, e);
      }
    });
  }

  FeedReader open(FeedStart start) {
    FeedChecks.start(start, "start", layout.partitions());
    requireOpen();
    FeedPosition from = startPosition(start);
    JetStreamFeedReader[] holder = new JetStreamFeedReader[1];
    // a constructor that fails closes the reader before it is held: nothing to remove then (and its error stays)
    JetStreamFeedReader reader = new JetStreamFeedReader(connection, jso, layout, from, () -> {
      if (holder[0] != null) {
        open.remove(holder[0]);
      }
    });
    holder[0] = reader;
    return register(reader);
  }

  SharedFeed openShared(String group, FeedStart startIfNew, SharedFeedOptions options) {
    FeedChecks.shared(group, startIfNew, options);
    FeedChecks.start(startIfNew, "startIfNew", layout.partitions());
    requireOpen();
    FeedPosition from = startPosition(startIfNew);
    List<JetStreamSubscription> subscriptions = new ArrayList<>();
    try {
      for (int p = 0; p < layout.partitions(); p++) {
        ensureConsumer(p, group, from, options);
        subscriptions.add(subscribe(p, group));
      }
    } catch (RuntimeException e) {
      subscriptions.forEach(JetStreamFeeds::unsubscribeQuietly);
      throw e;
    }
    JetStreamSharedFeed[] holder = new JetStreamSharedFeed[1];
    JetStreamSharedFeed member = new JetStreamSharedFeed(group, layout, requestTimeout, options.ackTimeout(),
        subscriptions, from, () -> open.remove(holder[0]));
    holder[0] = member;
    return register(member);
  }

  /** Closes every reader and member still open; later opens fail. */
  void close() {
    closed = true;
    for (AutoCloseable item : List.copyOf(open)) {
      try {
        item.close();
      } catch (Exception e) {
        // closing anyway
      }
    }
    open.clear();
  }

  private <T extends AutoCloseable> T register(T item) {
    open.add(item);
    if (closed) {
      open.remove(item);
      try {
        item.close();
      } catch (Exception e) {
        // closing anyway
      }
      throw new FeedClosedException("the JetStream event store is closed: cannot open a feed");
    }
    return item;
  }

  /** The position a start stands for: {@code now} is the head, read before any consumer is made. */
  private FeedPosition startPosition(FeedStart start) {
    return switch (start) {
      case FeedStart.Beginning b -> FeedPosition.START;
      case FeedStart.Now n -> head();
      case FeedStart.After a -> a.position();
    };
  }

  /**
   * Creates the group's durable consumer, or checks and updates it, tried again while the server does not
   * answer: a consumer (and its stream) whose leader's server died answers nothing until another is elected.
   * Each step is idempotent, so an attempt that timed out after the server did it is harmless.
   */
  private void ensureConsumer(int partition, String group, FeedPosition from, SharedFeedOptions options) {
    String stream = layout.streamName(partition);
    String what = "setting up the consumer of shared feed \"" + group + "\" on stream " + stream;
    retry.run(what, () -> {
      ensureConsumerOnce(partition, group, from, options, stream, what);
      return null;
    });
  }

  private void ensureConsumerOnce(int partition, String group, FeedPosition from, SharedFeedOptions options,
      String stream, String what) {
    try {
      ConsumerInfo existing = consumerInfo(stream, group);
      if (existing == null) {
        try {
          jsm.addOrUpdateConsumer(stream, newConsumer(partition, group, from, options));
          return;
        } catch (JetStreamApiException raced) {
          existing = consumerInfo(stream, group);
          if (existing == null) {
            throw raced;
          }
        }
      }
      ConsumerConfiguration config = existing.getConsumerConfiguration();
      checkUsable(stream, group, config, layout.streamSubject(partition));
      if (!Objects.equals(config.getAckWait(), options.ackTimeout())
          || config.getMaxAckPending() != options.maxInFlight()) {
        jsm.addOrUpdateConsumer(stream, ConsumerConfiguration.builder(config).ackWait(options.ackTimeout())
            .maxAckPending(options.maxInFlight()).build());
      }
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      throw NatsFailures.ofRequest(what, e);
    }
  }

  private ConsumerInfo consumerInfo(String stream, String group) throws IOException, JetStreamApiException {
    try {
      return jsm.getConsumerInfo(stream, group);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == CONSUMER_NOT_FOUND) {
        return null;
      }
      throw e;
    }
  }

  private ConsumerConfiguration newConsumer(int partition, String group, FeedPosition from, SharedFeedOptions options) {
    long sequence = from.sequence(partition);
    long first = from.eventIndex(partition).isPresent() ? sequence : sequence + 1;
    ConsumerConfiguration.Builder builder = ConsumerConfiguration.builder()
        .durable(group)
        .description("Aether shared feed " + group)
        .filterSubject(layout.streamSubject(partition))
        .ackPolicy(AckPolicy.Explicit)
        .ackWait(options.ackTimeout())
        .maxAckPending(options.maxInFlight())
        .maxDeliver(-1);
    if (first > 1) {
      builder.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(first);
    } else {
      builder.deliverPolicy(DeliverPolicy.All);
    }
    return builder.build();
  }

  private static void checkUsable(String stream, String group, ConsumerConfiguration config, String subject) {
    boolean usable = config.getDeliverSubject() == null && config.getAckPolicy() == AckPolicy.Explicit
        && subject.equals(config.getFilterSubject());
    if (!usable) {
      throw new InvalidInputException("group", "stream " + stream + " already has a consumer named \"" + group
          + "\" that is not a shared feed's (deliver subject " + config.getDeliverSubject() + ", ack policy "
          + config.getAckPolicy() + ", filter " + config.getFilterSubject() + "); choose another group name");
    }
  }

  private JetStreamSubscription subscribe(int partition, String group) {
    String stream = layout.streamName(partition);
    String what = "subscribing to the consumer of shared feed \"" + group + "\" on stream " + stream;
    return retry.run(what, () -> { // binding looks the consumer up: tried again as its setup is
      try {
        return js.subscribe(layout.streamSubject(partition), PullSubscribeOptions.bind(stream, group));
      } catch (IOException | JetStreamApiException | RuntimeException e) {
        throw NatsFailures.ofRequest(what, e);
      }
    });
  }

  private static void unsubscribeQuietly(JetStreamSubscription subscription) {
    try {
      subscription.unsubscribe();
    } catch (RuntimeException e) {
      // the connection is gone
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new FeedClosedException("the JetStream event store is closed: cannot open a feed");
    }
  }
}
