package dev.aether.nats;

import static dev.aether.nats.NatsTestSupport.config;
import static dev.aether.nats.NatsTestSupport.events;
import static dev.aether.nats.NatsTestSupport.newStreamId;
import static dev.aether.nats.NatsTestSupport.versions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.event.ActorSnapshot;
import dev.aether.store.FeedDelivery;
import dev.aether.store.FeedEntry;
import dev.aether.store.FeedReader;
import dev.aether.store.FeedStart;
import dev.aether.store.SharedFeed;
import dev.aether.store.SharedFeedOptions;
import dev.aether.store.VersionConflictException;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fences ({@link JetStreamEventStore#fence}): two stores on two connections stand for two nodes that both
 * believe they own an actor. A fence refuses the writes the other store decided on a read made before it, and
 * is invisible to every reader.
 */
@NatsTest
class JetStreamFenceIT {

  private NatsServer server;
  private String namespace;
  private final List<JetStreamEventStore> stores = new ArrayList<>();

  @BeforeEach
  void open(NatsServer server) {
    this.server = server;
    this.namespace = "fence-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void close() {
    stores.forEach(JetStreamEventStore::close);
  }

  private JetStreamEventStore store() {
    JetStreamEventStore store = JetStreamEventStore.connect(config(server, namespace).build());
    stores.add(store);
    return store;
  }

  @Test
  void aFence_refusesAWriteDecidedOnAnEarlierRead_storingNothing_untilTheWriterReadsAgain() {
    JetStreamEventStore oldOwner = store();
    JetStreamEventStore newOwner = store();
    String id = newStreamId();
    oldOwner.append(id, 0, events(id, 1)); // the old owner's position of the actor: v1
    assertThat(newOwner.getEvents(id, 0)).hasSize(1); // the new owner reads the history, then answers a rejection

    newOwner.fence(id, 1);

    // the old owner's write, decided on its read before the fence, is refused at the version it expected
    assertThatExceptionOfType(VersionConflictException.class).isThrownBy(() -> oldOwner.append(id, 1, events(id, 2)))
        .satisfies(c -> assertThat(c.currentVersion()).isEqualTo(1));
    assertThatThrownBy(() -> oldOwner.appendAsync(id, 1, events(id, 2)).join())
        .isInstanceOf(CompletionException.class).hasCauseInstanceOf(VersionConflictException.class);
    assertThat(versions(newOwner.getEvents(id, 0))).containsExactly(1L);
    // nor do other reads in the old owner's process make its write pass (a page of the history, a policy's
    // look-back, a version check): they are not its writer's read
    assertThat(versions(oldOwner.getEvents(id, 0))).containsExactly(1L);
    assertThat(oldOwner.getEventsWithErrors(id, 2).events()).isEmpty();
    assertThat(versions(oldOwner.getEventsWithErrors(id, 1, 1).events())).containsExactly(1L);
    assertThat(oldOwner.getLatestVersion(id)).isEqualTo(1);
    assertThatExceptionOfType(VersionConflictException.class).isThrownBy(() -> oldOwner.append(id, 1, events(id, 2)));
    // a writer that read the history since (a catch-up) goes through
    assertThat(oldOwner.getEventsForWriter(id, 2).events()).isEmpty();
    assertThat(oldOwner.append(id, 1, events(id, 2))).isEqualTo(2);
    // and so does the fencing writer, whose own fence is its position
    assertThat(newOwner.append(id, 2, events(id, 3))).isEqualTo(3);
    assertThat(versions(oldOwner.getEvents(id, 0))).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aWriterWithoutAKnownPosition_doesNotFollowAFence_beforeItReadTheHistory() {
    JetStreamEventStore fencing = store();
    String id = newStreamId();
    fencing.append(id, 0, events(id, 1));
    fencing.fence(id, 1);
    String fresh = newStreamId();
    fencing.fence(fresh, 0); // a rejection of an actor's very first command

    JetStreamEventStore other = store(); // knows neither actor
    assertThatExceptionOfType(VersionConflictException.class).isThrownBy(() -> other.append(id, 1, events(id, 2)));
    assertThatExceptionOfType(VersionConflictException.class)
        .isThrownBy(() -> other.append(fresh, 0, events(fresh, 1)));

    assertThat(other.getEvents(id, 2)).isEmpty(); // not the writer's read: still refused
    assertThatExceptionOfType(VersionConflictException.class).isThrownBy(() -> other.append(id, 1, events(id, 2)));
    assertThat(other.getEventsForWriter(id, 2).events()).isEmpty();
    assertThat(other.getEventsForWriter(fresh, 1).events()).isEmpty();
    other.append(id, 1, events(id, 2));
    other.append(fresh, 0, events(fresh, 1));
    assertThat(versions(fencing.getEvents(id, 0))).containsExactly(1L, 2L);
    assertThat(versions(fencing.getEvents(fresh, 0))).containsExactly(1L);
  }

  @Test
  void aFenceAtAVersionTheActorHasPassed_isRefused_andWritesNothing() throws Exception {
    JetStreamEventStore first = store();
    JetStreamEventStore second = store();
    String id = newStreamId();
    second.getEventsForWriter(id, 0); // second's position: no events
    first.append(id, 0, events(id, 1, 2));
    long lastSequence = lastMessage(id).getSeq();

    assertThatExceptionOfType(VersionConflictException.class).isThrownBy(() -> second.fence(id, 0))
        .satisfies(c -> assertThat(c.currentVersion()).isEqualTo(2));
    assertThatExceptionOfType(VersionConflictException.class).isThrownBy(() -> second.fence(id, 3));
    assertThat(lastMessage(id).getSeq()).as("nothing was written").isEqualTo(lastSequence);
    assertThatThrownBy(() -> second.fence(id, -1)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("version");
    assertThatThrownBy(() -> second.fence("", 0)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void twoFencesAtOneVersion_bothHold() {
    JetStreamEventStore first = store();
    JetStreamEventStore second = store();
    JetStreamEventStore writer = store();
    String id = newStreamId();
    writer.append(id, 0, events(id, 1));
    first.getEventsForWriter(id, 0);
    second.getEventsForWriter(id, 0);

    first.fence(id, 1);
    second.fence(id, 1); // its cached position is older than first's fence: another fence at v1 does as well

    assertThatExceptionOfType(VersionConflictException.class).isThrownBy(() -> writer.append(id, 1, events(id, 2)));
    assertThat(second.append(id, 1, events(id, 2))).isEqualTo(2);
  }

  @Test
  void fences_areInvisibleToReplaysPagesPositionsAndSnapshots() {
    JetStreamEventStore writer = store();
    String id = newStreamId();
    // 40 versions, a fence after every fifth commit and two at the end: longer than the walk back, so a
    // replay from the start goes through a consumer, one from near the end walks back over fences
    for (long v = 1; v <= 40; v++) {
      writer.append(id, v - 1, events(id, v));
      if (v % 5 == 0) {
        writer.fence(id, v);
      }
    }
    writer.fence(id, 40);

    JetStreamEventStore reader = store();
    assertThat(versions(reader.getEvents(id, 0)))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 40).boxed().toList());
    assertThat(versions(reader.getEvents(id, 35))).containsExactly(35L, 36L, 37L, 38L, 39L, 40L);
    assertThat(versions(reader.getEventsWithErrors(id, 9, 12).events())).containsExactly(9L, 10L, 11L, 12L);
    assertThat(reader.getEventsWithErrors(id, 0).errors()).isEmpty();
    assertThat(reader.getEvents(id, 41)).isEmpty();
    assertThat(reader.getLatestVersion(id)).isEqualTo(40);

    // a snapshot saved while the position is a fence's still lets a replay find the snapshot's own event
    writer.saveSnapshot(ActorSnapshot.of(id, 40, Map.of("balance", 40)));
    for (long v = 41; v <= 80; v++) {
      writer.append(id, v - 1, events(id, v));
    }
    JetStreamEventStore restarted = store();
    assertThat(restarted.getLatestSnapshot(id)).isPresent();
    assertThat(versions(restarted.getEvents(id, 40))).first().isEqualTo(40L);
    assertThat(restarted.getEvents(id, 40)).hasSize(41);
  }

  @Test
  void fences_areInvisibleToFeeds_whichPassOverThem() throws Exception {
    JetStreamEventStore writer = store();
    String id = newStreamId();
    writer.append(id, 0, events(id, 1));
    writer.fence(id, 1);
    writer.append(id, 1, events(id, 2));
    writer.fence(id, 2); // the last message of the stream

    try (FeedReader reader = writer.openFeed(FeedStart.beginning())) {
      List<FeedEntry> entries = new ArrayList<>();
      for (int i = 0; i < 20 && entries.size() < 2; i++) {
        entries.addAll(reader.poll(10, Duration.ofMillis(200)));
      }
      assertThat(entries).extracting(e -> e.event().version()).containsExactly(1L, 2L);
      reader.poll(10, Duration.ofMillis(300)); // takes the last fence
      assertThat(reader.position()).as("passed over the last fence").isEqualTo(writer.head());
    }
    try (FeedReader reader = writer.openFeed(FeedStart.beginning())) {
      List<Long> versions = new ArrayList<>();
      for (int i = 0; i < 20 && !reader.position().equals(writer.head()); i++) {
        reader.pollEvents(10, Duration.ofMillis(200)).forEach(e -> versions.add(e.version()));
      }
      assertThat(versions).containsExactly(1L, 2L);
      assertThat(reader.position()).as("events without entries pass over fences too").isEqualTo(writer.head());
    }
    try (SharedFeed member = writer.openShared("fenced", FeedStart.beginning(), SharedFeedOptions.DEFAULTS)) {
      List<FeedDelivery> deliveries = new ArrayList<>();
      for (int i = 0; i < 20 && deliveries.size() < 2; i++) {
        deliveries.addAll(member.poll(10, Duration.ofMillis(200)));
      }
      deliveries.forEach(FeedDelivery::ack);
      assertThat(deliveries).extracting(d -> d.entry().event().version()).containsExactly(1L, 2L);
      assertThat(member.poll(10, Duration.ofMillis(500))).as("nothing else, no fence").isEmpty();
    }
  }

  private MessageInfo lastMessage(String streamId) throws Exception {
    try (Connection raw = NatsTestSupport.rawConnection(server)) {
      JetStreamManagement jsm = raw.jetStreamManagement();
      StoreLayout layout = StoreLayout.of(config(server, namespace).build());
      StoreLayout.ActorAddress address = layout.address(streamId);
      return jsm.getLastMessage(address.stream(), address.subject());
    }
  }
}
