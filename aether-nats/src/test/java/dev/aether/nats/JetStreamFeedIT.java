package dev.aether.nats;

import static dev.aether.nats.NatsTestSupport.config;
import static dev.aether.nats.NatsTestSupport.event;
import static dev.aether.nats.NatsTestSupport.newStreamId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.store.FeedClosedException;
import dev.aether.store.FeedDelivery;
import dev.aether.store.FeedEntry;
import dev.aether.store.FeedReader;
import dev.aether.store.FeedStart;
import dev.aether.store.SharedFeed;
import dev.aether.store.SharedFeedOptions;
import dev.aether.store.StoreUnavailableException;
import dev.aether.store.UnreadableFeedRecordException;
import dev.aether.testkit.nats.NatsServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What the event feed does on JetStream beyond the contract suite: the durable consumers of shared groups,
 * what survives a store and a server restart, refusing a consumer name taken by something else, closing with
 * the store, and undecodable records in a shared group. Each test starts the server it needs.
 */
@Tag("nats")
class JetStreamFeedIT {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Test
  void sharedGroup_isADurablePullConsumerPerPartitionStream_withTheGroupsOptions() throws Exception {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "groups").partitions(2).build());
        Connection raw = NatsTestSupport.rawConnection(server)) {
      SharedFeedOptions options = SharedFeedOptions.builder().ackTimeout(Duration.ofSeconds(7)).maxInFlight(5).build();
      store.openShared("orders-policy", FeedStart.beginning(), options).close();
      JetStreamManagement jsm = raw.jetStreamManagement();

      for (int p = 0; p < 2; p++) {
        ConsumerConfiguration consumer = jsm.getConsumerInfo(store.layout().streamName(p), "orders-policy")
            .getConsumerConfiguration();
        assertThat(consumer.getDurable()).isEqualTo("orders-policy");
        assertThat(consumer.getDeliverSubject()).isNull();
        assertThat(consumer.getAckPolicy()).isEqualTo(AckPolicy.Explicit);
        assertThat(consumer.getAckWait()).isEqualTo(Duration.ofSeconds(7));
        assertThat(consumer.getMaxAckPending()).isEqualTo(5);
        assertThat(consumer.getFilterSubject()).isEqualTo(store.layout().streamSubject(p));
      }

      // a later member with other options sets them
      store.openShared("orders-policy", FeedStart.beginning(), options.toBuilder().ackTimeout(Duration.ofSeconds(9))
          .build()).close();
      ConsumerInfo updated = jsm.getConsumerInfo(store.layout().streamName(1), "orders-policy");
      assertThat(updated.getConsumerConfiguration().getAckWait()).isEqualTo(Duration.ofSeconds(9));
    }
  }

  @Test
  void sharedGroup_keepsItsProgress_acrossStoresAndAServerRestart() {
    try (NatsServer server = NatsServer.builder().start()) {
      JetStreamConfig config = config(server, "durable").build();
      String streamId = newStreamId();
      Event third = event(streamId, 3);
      try (JetStreamEventStore first = JetStreamEventStore.connect(config)) {
        first.saveEvent(event(streamId, 1));
        first.saveEvent(event(streamId, 2));
        first.saveEvent(third);
        SharedFeed member = first.openShared("billing", FeedStart.beginning(), SharedFeedOptions.DEFAULTS);
        List<FeedDelivery> handled = deliveries(member, 2);
        handled.forEach(FeedDelivery::ack);
        assertThat(handled).extracting(d -> d.entry().event().version()).containsExactly(1L, 2L);
      }

      server.restart();

      try (JetStreamEventStore second = JetStreamEventStore.connect(config)) {
        SharedFeed member = second.openShared("billing", FeedStart.now(), SharedFeedOptions.DEFAULTS);
        List<FeedDelivery> rest = deliveries(member, 1);
        rest.forEach(FeedDelivery::ack);
        assertThat(rest).extracting(d -> d.entry().event()).containsExactly(third);
        assertThat(member.poll(10, Duration.ofMillis(300))).isEmpty();
      }
    }
  }

  @Test
  void aReaderOpenedWhileTheServerIsDown_failsWithTheStoresError_notANullPointer() {
    // found by an operator's drill: the reader's failed constructor closed it before it was registered, and the
    // removal of a null reader (NullPointerException) replaced the real cause in the projector's log
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "down").build())) {
      server.stop();
      await().atMost(PATIENCE).until(() -> !store.health().isHealthy());

      assertThatThrownBy(() -> store.openFeed(FeedStart.beginning()))
          .isInstanceOf(StoreUnavailableException.class);
    }
  }

  @Test
  void reader_goesOnAcrossAServerRestart_withoutGapOrDuplicate() {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "restart").partitions(2).build())) {
      List<String> streams = List.of(newStreamId(), newStreamId(), newStreamId());
      FeedReader reader = store.openFeed(FeedStart.beginning());
      streams.forEach(id -> store.saveEvent(event(id, 1)));
      assertThat(read(reader, 3)).hasSize(3);

      server.restart();
      for (String id : streams) {
        await().atMost(PATIENCE).ignoreExceptionsInstanceOf(StoreUnavailableException.class)
            .until(() -> {
              store.saveEvent(event(id, 2));
              return true;
            });
      }

      List<FeedEntry> after = read(reader, 3);
      assertThat(after).extracting(e -> e.event().version()).containsOnly(2L);
      assertThat(after).extracting(e -> e.event().streamId()).containsExactlyInAnyOrderElementsOf(streams);
      assertThat(reader.poll(10, Duration.ofMillis(300))).isEmpty();
      assertThat(reader.position()).isEqualTo(store.head());
    }
  }

  @Test
  void reader_whoeverDecodesACommit_givesTheSameEventsInOrder_andStopsAtAnUndecodableRecord() throws Exception {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "ahead").build());
        Connection raw = NatsTestSupport.rawConnection(server)) {
      String streamId = newStreamId();
      int commits = 3 * JetStreamFeedReader.DECODE_AHEAD;
      for (long v = 1; v <= commits; v++) {
        store.saveEvent(event(streamId, v));
      }
      long sequence = raw.jetStream().publish(store.layout().address(streamId).subject(),
          "not json".getBytes(StandardCharsets.UTF_8)).getSeqno();
      JetStreamFeedReader reader = (JetStreamFeedReader) store.openFeed(FeedStart.beginning());
      // every message queued before the first poll: the first ones for the polling thread to decode, the
      // later ones (the undecodable record too) decoded by the consumer thread
      await().atMost(PATIENCE).until(() -> reader.queued() == commits + 1);

      List<FeedEntry> entries = reader.poll(commits, Duration.ZERO);

      assertThat(entries).extracting(e -> e.event().version())
          .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, commits).boxed().toList());
      assertThatThrownBy(() -> reader.poll(1, Duration.ZERO)).isInstanceOfSatisfying(
          UnreadableFeedRecordException.class, e -> assertThat(e.error().position()).isEqualTo(sequence));
    }
  }

  @Test
  void aConsumerOfTheGroupsNameThatIsNotASharedFeeds_isRefused_namingGroup() throws Exception {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "taken").build());
        Connection raw = NatsTestSupport.rawConnection(server)) {
      raw.jetStreamManagement().addOrUpdateConsumer(store.layout().streamName(0), ConsumerConfiguration.builder()
          .durable("pushy").deliverSubject("somewhere").ackPolicy(AckPolicy.None).build());

      assertThatThrownBy(() -> store.openShared("pushy", FeedStart.beginning(), SharedFeedOptions.DEFAULTS))
          .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("group"))
          .hasMessageContaining("pushy");
    }
  }

  @Test
  void closingTheStore_closesItsReadersAndMembers() {
    try (NatsServer server = NatsServer.builder().start()) {
      JetStreamEventStore store = JetStreamEventStore.connect(config(server, "closing").build());
      FeedReader reader = store.openFeed(FeedStart.beginning());
      SharedFeed member = store.openShared("closing", FeedStart.beginning(), SharedFeedOptions.DEFAULTS);

      store.close();

      assertThatThrownBy(() -> reader.poll(1, Duration.ZERO)).isInstanceOf(FeedClosedException.class);
      assertThatThrownBy(() -> member.poll(1, Duration.ZERO)).isInstanceOf(FeedClosedException.class);
      assertThatThrownBy(() -> store.openFeed(FeedStart.beginning())).isInstanceOf(FeedClosedException.class);
    }
  }

  @Test
  void sharedGroup_anUndecodableRecord_failsAPoll_andComesBackUnacknowledged() throws Exception {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "damaged").build());
        Connection raw = NatsTestSupport.rawConnection(server)) {
      String streamId = newStreamId();
      store.saveEvent(event(streamId, 1));
      long sequence = raw.jetStream().publish(store.layout().address(streamId).subject(),
          "not json".getBytes(StandardCharsets.UTF_8)).getSeqno();
      SharedFeed member = store.openShared("damaged", FeedStart.beginning(),
          SharedFeedOptions.builder().ackTimeout(Duration.ofSeconds(1)).build());

      deliveries(member, 1).forEach(FeedDelivery::ack);
      UnreadableFeedRecordException first = failure(member);
      UnreadableFeedRecordException again = failure(member);

      assertThat(first.error().position()).isEqualTo(sequence);
      assertThat(again.error().position()).isEqualTo(sequence);
      assertThat(first.error().rawData()).isEqualTo("not json".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void sharedGroup_aClosingMember_handsBackAtOnceWhatItPulledButNoPollTook() {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "handback").build())) {
      String streamId = newStreamId();
      store.append(streamId, 0, List.of(event(streamId, 1), event(streamId, 2), event(streamId, 3)));
      SharedFeedOptions slow = SharedFeedOptions.builder().ackTimeout(Duration.ofMinutes(2)).build();
      SharedFeed first = store.openShared("handback", FeedStart.beginning(), slow);
      assertThat(deliveries(first, 1)).hasSize(1); // taken, never settled; the commit's other two wait in the member

      first.close();
      SharedFeed second = store.openShared("handback", FeedStart.beginning(), slow);

      List<FeedDelivery> again = new ArrayList<>();
      long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (again.size() < 3 && System.nanoTime() < until) {
        again.addAll(second.poll(3 - again.size(), Duration.ofMillis(200)));
      }
      assertThat(again).as("the commit, handed back long before the two-minute ack timeout")
          .extracting(d -> d.entry().event().version()).containsExactly(1L, 2L, 3L);
      second.close();
    }
  }

  @Test
  void sharedGroup_whatAMemberPulledBeyondWhatItsPollTook_staysWithIt_whileItsConsumerWorksPastTheAckTimeout()
      throws Exception {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "held").partitions(1).build());
        Connection raw = NatsTestSupport.rawConnection(server)) {
      int commits = 8;
      int perCommit = 4;
      for (int c = 0; c < commits; c++) {
        String streamId = newStreamId();
        List<Event> events = new ArrayList<>();
        for (int v = 1; v <= perCommit; v++) {
          events.add(event(streamId, v));
        }
        store.append(streamId, 0, events);
      }
      SharedFeedOptions options = SharedFeedOptions.builder().ackTimeout(Duration.ofSeconds(1)).build();
      SharedFeed working = store.openShared("held", FeedStart.beginning(), options);
      SharedFeed other = store.openShared("held", FeedStart.beginning(), options);
      // a poll for 8 deliveries pulls up to 8 commits (32 events): it takes one or two, the rest waits in the member
      List<FeedDelivery> batch = working.poll(commits, PATIENCE);
      assertThat(batch).as("the first poll's batch").isNotEmpty().hasSizeLessThanOrEqualTo(commits);
      JetStreamManagement jsm = raw.jetStreamManagement();
      await().atMost(PATIENCE).untilAsserted(() -> {
        batch.forEach(FeedDelivery::inProgress); // its consumer works on the batch meanwhile
        ConsumerInfo info = jsm.getConsumerInfo(store.layout().streamName(0), "held");
        assertThat(info.getNumAckPending()).as("every commit pulled by the working member").isEqualTo(commits);
        assertThat(info.getNumPending()).isZero();
      });

      // its consumer works on that batch for three ack timeouts, keeping it, while the other member polls
      List<FeedDelivery> taken = new ArrayList<>();
      long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (System.nanoTime() < until) {
        batch.forEach(FeedDelivery::inProgress);
        taken.addAll(other.poll(32, Duration.ofMillis(250)));
      }
      assertThat(taken).as("handed to the other member while the first held it").isEmpty();

      batch.forEach(FeedDelivery::ack);
      List<FeedDelivery> rest = new ArrayList<>();
      long patience = System.nanoTime() + PATIENCE.toNanos();
      while (batch.size() + rest.size() < commits * perCommit && System.nanoTime() < patience) {
        rest.addAll(working.poll(32, Duration.ofMillis(200)));
      }
      rest.forEach(FeedDelivery::ack);
      assertThat(batch.size() + rest.size()).isEqualTo(commits * perCommit);
      assertThat(rest).as("each handed out once").allSatisfy(d -> assertThat(d.attempt()).isEqualTo(1));
      working.close();
      other.close();
    }
  }

  /**
   * nats-server before 2.10.15 (nats-server#5305): a redelivery that meets only a pull request without a
   * subscriber moves the consumer back by one, and once that commit is redelivered and acknowledged it comes
   * once more as new (attempt 1). Newer servers do not repeat it; the member must hand out nothing either way.
   */
  @Test
  void sharedGroup_doesNotHandOutAgain_aCommitTheServerRepeatsAfterItWasAcknowledged() throws Exception {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "repeat").partitions(1).build());
        Connection raw = NatsTestSupport.rawConnection(server)) {
      store.saveEvent(event(newStreamId(), 1));
      SharedFeed member = store.openShared("repeat", FeedStart.beginning(),
          SharedFeedOptions.builder().ackTimeout(Duration.ofSeconds(1)).maxInFlight(1).build());
      PullSubscribeOptions bind = PullSubscribeOptions.bind(store.layout().streamName(0), "repeat");
      JetStreamSubscription other = raw.jetStream().subscribe(store.layout().streamSubject(0), bind);
      other.pull(1);
      Message firstDelivery = other.nextMessage(PATIENCE);
      JetStreamSubscription gone = raw.jetStream().subscribe(store.layout().streamSubject(0), bind);
      gone.pullExpiresIn(1, PATIENCE); // waits on the server: max in flight is reached
      raw.flush(PATIENCE);
      gone.unsubscribe();
      raw.flush(PATIENCE);
      // the redelivery meets the request without a subscriber first
      raw.request(firstDelivery.getReplyTo(), "-NAK".getBytes(StandardCharsets.US_ASCII), PATIENCE);

      List<FeedDelivery> redelivered = deliveries(member, 1);
      redelivered.getFirst().ack();

      assertThat(redelivered.getFirst().attempt()).isGreaterThanOrEqualTo(2);
      assertThat(member.poll(10, Duration.ofSeconds(1))).isEmpty();
      member.close();
    }
  }

  private static List<FeedDelivery> deliveries(SharedFeed member, int count) {
    List<FeedDelivery> out = new ArrayList<>();
    await().atMost(PATIENCE).until(() -> {
      out.addAll(member.poll(count - out.size(), Duration.ofMillis(200)));
      return out.size() >= count;
    });
    return out;
  }

  private static List<FeedEntry> read(FeedReader reader, int count) {
    List<FeedEntry> out = new ArrayList<>();
    await().atMost(PATIENCE).until(() -> {
      out.addAll(reader.poll(count - out.size(), Duration.ofMillis(200)));
      return out.size() >= count;
    });
    return out;
  }

  private static UnreadableFeedRecordException failure(SharedFeed member) {
    UnreadableFeedRecordException[] caught = new UnreadableFeedRecordException[1];
    await().atMost(PATIENCE).until(() -> {
      try {
        assertThat(member.poll(10, Duration.ofMillis(200))).isEmpty();
        return false;
      } catch (UnreadableFeedRecordException e) {
        caught[0] = e;
        return true;
      }
    });
    return caught[0];
  }
}
