package dev.aether.nats;

import static dev.aether.nats.NatsTestSupport.config;
import static dev.aether.nats.NatsTestSupport.events;
import static dev.aether.nats.NatsTestSupport.newStreamId;
import static dev.aether.nats.NatsTestSupport.versions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.nats.client.Connection;
import io.nats.client.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a history is read: a short tail by following each commit's predecessor back with direct gets, a long
 * one with a consumer. Consumer creations are counted on the JetStream API subject they are requested on.
 */
@NatsTest
class JetStreamReplayIT {

  private static NatsServer server;
  private static Connection raw;
  private Subscription consumerCreations;

  @BeforeAll
  static void connect(NatsServer natsServer) {
    server = natsServer;
    raw = NatsTestSupport.rawConnection(server);
  }

  @AfterAll
  static void disconnect() {
    NatsTestSupport.closeQuietly(raw);
  }

  @BeforeEach
  void watchConsumerCreations() throws Exception {
    consumerCreations = raw.subscribe("$JS.API.CONSUMER.CREATE.>");
    raw.flush(Duration.ofSeconds(5));
  }

  private long consumersCreated() throws Exception {
    raw.flush(Duration.ofSeconds(5)); // every request the server took before this is delivered before its PONG
    long created = consumerCreations.getPendingMessageCount();
    consumerCreations.unsubscribe();
    return created;
  }

  /** Appends one commit per event up to {@code commits} versions, then one commit of three events. */
  private static long writeHistory(JetStreamEventStore store, String streamId, int commits) {
    for (long v = 1; v <= commits; v++) {
      store.append(streamId, v - 1, events(streamId, v));
    }
    return store.append(streamId, commits, events(streamId, commits + 1, commits + 2, commits + 3));
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  @Test
  void aShortTail_isReadBackCommitByCommit_withoutAConsumer() throws Exception {
    String streamId = newStreamId();
    JetStreamConfig config = config(server, "walk").build();
    try (JetStreamEventStore writer = JetStreamEventStore.connect(config)) {
      writeHistory(writer, streamId, 20);
    }
    consumerCreations.unsubscribe();
    watchConsumerCreations();

    try (JetStreamEventStore reader = JetStreamEventStore.connect(config)) { // no cached position
      assertThat(versions(reader.getEvents(streamId, 5))).containsExactlyElementsOf(range(5, 23));
      assertThat(versions(reader.getEventsWithErrors(streamId, 22).events())).containsExactly(22L, 23L);
      assertThat(versions(reader.getEvents(streamId, 21))).containsExactly(21L, 22L, 23L);
      assertThat(reader.getEventsWithErrors(streamId, 1).errors()).isEmpty();
    }
    String young = newStreamId();
    try (JetStreamEventStore writer = JetStreamEventStore.connect(config)) {
      writeHistory(writer, young, 3);
    }
    try (JetStreamEventStore reader = JetStreamEventStore.connect(config)) {
      assertThat(versions(reader.getEvents(young, 0))).as("from 0 is from 1").containsExactlyElementsOf(range(1, 6));
    }

    assertThat(consumersCreated()).isZero();
  }

  @Test
  void aTailOfMoreVersions_isReadWithAConsumer() throws Exception {
    String streamId = newStreamId();
    try (JetStreamEventStore store = JetStreamEventStore.connect(config(server, "walk").build())) {
      writeHistory(store, streamId, Replayer.WALK_BACK_VERSIONS + 5);
      long last = Replayer.WALK_BACK_VERSIONS + 8;

      assertThat(versions(store.getEvents(streamId, 1))).containsExactlyElementsOf(range(1, last));
    }

    assertThat(consumersCreated()).isEqualTo(1);
  }

  @Test
  void aShortRangeFarFromTheTail_isFoundByBisection_andReadByDirectGets_withoutAConsumer() throws Exception {
    // given: 300 commits of the actor, each after one of another actor, so the stream holds 600 messages
    String streamId = newStreamId();
    String neighbour = newStreamId();
    JetStreamConfig config = config(server, "range").build();
    try (JetStreamEventStore writer = JetStreamEventStore.connect(config)) {
      for (long v = 1; v <= 300; v++) {
        writer.append(streamId, v - 1, events(streamId, v));
        writer.append(neighbour, v - 1, events(neighbour, v));
      }
    }
    consumerCreations.unsubscribe();
    watchConsumerCreations();
    Subscription directGets = raw.subscribe("$JS.API.DIRECT.GET.>");
    raw.flush(Duration.ofSeconds(5));

    // when
    List<Long> page;
    List<Long> one;
    try (JetStreamEventStore reader = JetStreamEventStore.connect(config)) {
      page = versions(reader.getEventsWithErrors(streamId, 101, 110).events());
      one = versions(reader.getEventsWithErrors(streamId, 7, 7).events());
    }

    // then: per read, the last message, the actor's first commit, about log2(600) = 10 bisection gets and one
    // get per commit of the range (a walk back from version 300 would take 190 and 293)
    assertThat(page).containsExactlyElementsOf(range(101, 110));
    assertThat(one).containsExactly(7L);
    assertThat(consumersCreated()).isZero();
    raw.flush(Duration.ofSeconds(5));
    assertThat(directGets.getPendingMessageCount()).isBetween(2L * 2 + 10 + 1, 2L * (2 + 11) + 10 + 1);
  }

  @Test
  void pagesOfAPolicyLookBack_readBackFromTheNewest_needNoConsumer() throws Exception {
    // what a policy redelivery reads when it looks for its command in a long history (aether-model)
    String streamId = newStreamId();
    JetStreamConfig config = config(server, "range").build();
    long last;
    try (JetStreamEventStore writer = JetStreamEventStore.connect(config)) {
      last = writeHistory(writer, streamId, 300);
    }
    consumerCreations.unsubscribe();
    watchConsumerCreations();
    int page = 32; // aether-model's PolicyRunner.LOOK_BACK_PAGE: the store must keep reading such pages by gets

    try (JetStreamEventStore reader = JetStreamEventStore.connect(config)) { // no cached position
      for (long to = last; to > last - 3L * page; to -= page) {
        assertThat(versions(reader.getEventsWithErrors(streamId, to - page + 1, to).events()))
            .containsExactlyElementsOf(range(to - page + 1, to));
      }
    }

    assertThat(consumersCreated()).isZero();
  }

  @Test
  void aRangeAtTheStart_needsNoSearch() throws Exception {
    String streamId = newStreamId();
    JetStreamConfig config = config(server, "range").build();
    try (JetStreamEventStore writer = JetStreamEventStore.connect(config)) {
      writeHistory(writer, streamId, 300);
    }
    Subscription directGets = raw.subscribe("$JS.API.DIRECT.GET.>");
    raw.flush(Duration.ofSeconds(5));

    try (JetStreamEventStore reader = JetStreamEventStore.connect(config)) {
      assertThat(versions(reader.getEventsWithErrors(streamId, 1, 5).events())).containsExactlyElementsOf(range(1, 5));
    }

    raw.flush(Duration.ofSeconds(5));
    assertThat(directGets.getPendingMessageCount()).as("the last message, then versions 1 to 5").isEqualTo(1 + 5);
    assertThat(consumersCreated()).isZero();
  }

  @Test
  void aLongRangeFarFromTheTail_isReadWithAConsumerThatStopsAtItsEnd() throws Exception {
    String streamId = newStreamId();
    try (JetStreamEventStore store = JetStreamEventStore.connect(config(server, "range").build())) {
      writeHistory(store, streamId, 200);

      assertThat(versions(store.getEventsWithErrors(streamId, 20, 119).events()))
          .containsExactlyElementsOf(range(20, 119));
      assertThat(versions(store.getEventsWithErrors(streamId, 150, 202).events()))
          .containsExactlyElementsOf(range(150, 202));
    }

    assertThat(consumersCreated()).isEqualTo(2);
  }
}
