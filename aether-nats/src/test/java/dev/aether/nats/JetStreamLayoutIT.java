package dev.aether.nats;

import static dev.aether.nats.NatsTestSupport.config;
import static dev.aether.nats.NatsTestSupport.event;
import static dev.aether.nats.NatsTestSupport.events;
import static dev.aether.nats.NatsTestSupport.newStreamId;
import static dev.aether.nats.NatsTestSupport.versions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.aether.event.ActorSnapshot;
import dev.aether.event.EventJson;
import dev.aether.nats.StoreLayout.ActorAddress;
import dev.aether.store.ReplayError;
import dev.aether.store.UnreadableHistoryException;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfoOptions;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Streams, subjects, namespaces and what happens to records the store did not write. */
@NatsTest
class JetStreamLayoutIT {

  private static NatsServer server;
  private static Connection raw;
  private static JetStreamManagement jsm;

  @BeforeAll
  static void connect(NatsServer natsServer) throws Exception {
    server = natsServer;
    raw = NatsTestSupport.rawConnection(server);
    jsm = raw.jetStreamManagement();
  }

  @AfterAll
  static void disconnect() {
    NatsTestSupport.closeQuietly(raw);
  }

  @Test
  void aNewStore_reusesTheExistingStreamsAndSeesTheirEvents() throws Exception {
    // given
    JetStreamConfig config = config(server, "reuse").partitions(2).build();
    String streamId = newStreamId();
    try (JetStreamEventStore store = JetStreamEventStore.connect(config)) {
      store.append(streamId, 0, events(streamId, 1, 2));
    }
    Set<String> streams = new HashSet<>(jsm.getStreamNames());
    long created = jsm.getStreamInfo("aether_reuse_EVENTS_0").getCreateTime().toInstant().toEpochMilli();
    // when
    try (JetStreamEventStore reopened = JetStreamEventStore.connect(config)) {
      // then
      assertThat(versions(reopened.getEvents(streamId, 0))).containsExactly(1L, 2L);
      reopened.saveEvent(event(streamId, 3));
    }
    assertThat(new HashSet<>(jsm.getStreamNames())).isEqualTo(streams)
        .contains("aether_reuse_EVENTS_0", "aether_reuse_EVENTS_1", "KV_aether_reuse_SNAPSHOTS");
    assertThat(jsm.getStreamInfo("aether_reuse_EVENTS_0").getCreateTime().toInstant().toEpochMilli()).isEqualTo(created);
  }

  @Test
  void storesOfDifferentNamespaces_neverSeeEachOthersEventsOrSnapshots() {
    // given: namespaces whose naive escapings would collide
    String streamId = newStreamId();
    try (JetStreamEventStore dotted = JetStreamEventStore.connect(config(server, "a.b").build());
        JetStreamEventStore underscored = JetStreamEventStore.connect(config(server, "a_b").build());
        JetStreamEventStore other = JetStreamEventStore.connect(config(server, "a").build())) {
      // when
      dotted.append(streamId, 0, events(streamId, 1, 2));
      underscored.saveEvent(event(streamId, 7));
      dotted.saveSnapshot(ActorSnapshot.of(streamId, 2, Map.of("ns", "a.b")));
      // then
      assertThat(versions(dotted.getEvents(streamId, 0))).containsExactly(1L, 2L);
      assertThat(versions(underscored.getEvents(streamId, 0))).containsExactly(7L);
      assertThat(other.getEvents(streamId, 0)).isEmpty();
      assertThat(other.getLatestVersion(streamId)).isZero();
      assertThat(underscored.getLatestSnapshot(streamId)).isEmpty();
      assertThat(dotted.getLatestSnapshot(streamId)).map(ActorSnapshot::state).contains(Map.of("ns", "a.b"));
    }
  }

  @Test
  void anExistingStreamWithOtherSubjects_isRefusedAndLeftUnchanged() throws Exception {
    assertIncompatible("clash-subjects", b -> b.subjects("something.else.>"), "subjects");
    assertThat(jsm.getStreamInfo("aether_clash-subjects_EVENTS_0").getConfiguration().getSubjects())
        .containsExactly("something.else.>");
  }

  @Test
  void existingStreamsWeakerThanConfigured_areRefusedNamingTheSetting() throws Exception {
    assertIncompatible("clash-memory", b -> b.storageType(StorageType.Memory), "storage");
    assertIncompatible("clash-per-subject", b -> b.maxMessagesPerSubject(1), "maxMsgsPerSubject");
    assertIncompatible("clash-direct", b -> b.allowDirect(false), "allowDirect");
    assertIncompatible("clash-window", b -> b.duplicateWindow(java.time.Duration.ofSeconds(5)), "duplicateWindow");
    assertIncompatible("clash-age", b -> b.maxAge(java.time.Duration.ofHours(1)), "maxAge");
  }

  @Test
  void existingStreamsWithFewerReplicasThanConfigured_areRefused() {
    // given: streams created with one replica
    JetStreamEventStore.connect(config(server, "clash-replicas").build()).close();
    // when / then
    assertThatExceptionOfType(IncompatibleStreamException.class)
        .isThrownBy(() -> JetStreamEventStore.connect(config(server, "clash-replicas").replicas(3).build()))
        .satisfies(e -> {
          assertThat(e.field()).isEqualTo("replicas");
          assertThat(e.existing()).isEqualTo("1");
          assertThat(e.wanted()).isEqualTo("at least 3");
        });
  }

  @Test
  void aStoreWithAnotherPartitionCount_isRefused() {
    JetStreamEventStore.connect(config(server, "clash-partitions").partitions(2).build()).close();
    assertThatExceptionOfType(IncompatibleStreamException.class)
        .isThrownBy(() -> JetStreamEventStore.connect(config(server, "clash-partitions").partitions(3).build()))
        .satisfies(e -> assertThat(e.field()).isEqualTo("partitions"));
    assertThatExceptionOfType(IncompatibleStreamException.class)
        .isThrownBy(() -> JetStreamEventStore.connect(config(server, "clash-partitions").partitions(1).build()))
        .satisfies(e -> assertThat(e.field()).isEqualTo("partitions"));
  }

  @Test
  void aMalformedMessageOnAnActorsSubject_isReportedWithItsSequenceAndBytes_andFailsGetEvents()
      throws Exception {
    try (JetStreamEventStore store = JetStreamEventStore.connect(config(server, "malformed").build())) {
      // given: a healthy event, then records published straight to the actor's subject
      String streamId = newStreamId();
      store.saveEvent(event(streamId, 1));
      ActorAddress address = store.layout().address(streamId);
      byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);
      long garbageSequence = raw.jetStream().publish(address.subject(), garbage).getSeqno();
      byte[] headerless = EventJson.toBytes(event(streamId, 2));
      long headerlessSequence = raw.jetStream().publish(address.subject(), headerless).getSeqno();
      // when: the store writes on after them
      store.saveEvent(event(streamId, 2));
      // then
      var result = store.getEventsWithErrors(streamId, 0);
      assertThat(versions(result.events())).containsExactly(1L, 2L);
      assertThat(result.errors()).hasSize(2);
      assertThat(result.errors().get(0).position()).isEqualTo(garbageSequence);
      assertThat(result.errors().get(0).rawData()).isEqualTo(garbage);
      assertThat(result.errors().get(0).message()).contains("Aether-Versions");
      assertThat(result.errors().get(1).position()).isEqualTo(headerlessSequence);
      assertThat(result.errors().get(1).rawData()).isEqualTo(headerless);
      // getEvents never skips a record (it used to return versions 1 and 2 and log a warning)
      assertThatExceptionOfType(UnreadableHistoryException.class).isThrownBy(() -> store.getEvents(streamId, 0))
          .satisfies(e -> {
            assertThat(e.streamId()).isEqualTo(streamId);
            assertThat(e.errors()).extracting(ReplayError::position).containsExactly(garbageSequence,
                headerlessSequence);
            assertThat(e.getMessage()).contains(streamId).contains("position " + garbageSequence);
            assertThat(e.isTransient()).isFalse();
          });
      assertThat(versions(store.getEvents(streamId, 2))).containsExactly(2L);
      assertThat(store.getLatestVersion(streamId)).isEqualTo(2);
    }
  }

  @Test
  void aMalformedLastMessage_stillLetsTheActorBeReadAndContinued() throws Exception {
    try (JetStreamEventStore store = JetStreamEventStore.connect(config(server, "malformed").build())) {
      // given
      String streamId = newStreamId();
      store.append(streamId, 0, events(streamId, 1, 2));
      raw.jetStream().publish(store.layout().address(streamId).subject(), new byte[] {1, 2, 3});
      // when / then: the version comes from the last decodable commit
      try (JetStreamEventStore fresh = JetStreamEventStore.connect(config(server, "malformed").build())) {
        assertThat(fresh.getLatestVersion(streamId)).isEqualTo(2);
        assertThat(fresh.append(streamId, 2, events(streamId, 3))).isEqualTo(3);
        assertThat(fresh.getEventsWithErrors(streamId, 0).errors()).hasSize(1);
        assertThat(versions(fresh.getEventsWithErrors(streamId, 2).events())).containsExactly(2L, 3L);
        assertThatExceptionOfType(UnreadableHistoryException.class).isThrownBy(() -> fresh.getEvents(streamId, 2));
        assertThat(versions(fresh.getEvents(streamId, 3))).containsExactly(3L);
      }
    }
  }

  @Test
  void actorsAreSpreadOverThePartitionStreams_eachOnItsOwnSubject() throws Exception {
    try (JetStreamEventStore store = JetStreamEventStore.connect(config(server, "spread").partitions(4).build())) {
      // given
      List<String> streamIds = IntStream.range(0, 40).mapToObj(i -> "actor." + i + " *>").toList();
      // when
      streamIds.forEach(streamId -> store.saveEvent(event(streamId, 1)));
      // then
      Set<String> seenSubjects = new HashSet<>();
      for (int p = 0; p < 4; p++) {
        Set<String> subjects = jsm.getStreamInfo("aether_spread_EVENTS_" + p, StreamInfoOptions.allSubjects())
            .getStreamState().getSubjectMap().keySet();
        String stem = "aether.spread.events." + p + ".";
        assertThat(subjects).as("partition %d", p).isNotEmpty()
            .allSatisfy(subject -> assertThat(subject).startsWith(stem));
        seenSubjects.addAll(subjects);
      }
      Set<String> expected = new HashSet<>();
      streamIds.forEach(streamId -> expected.add(store.layout().address(streamId).subject()));
      assertThat(seenSubjects).isEqualTo(expected);
      streamIds.forEach(streamId -> assertThat(versions(store.getEvents(streamId, 0))).containsExactly(1L));
    }
  }

  @Test
  void aSnapshotRecordsTheSequenceItCovers_andAReplayAfterItReadsOnlyWhatFollows() throws Exception {
    try (JetStreamEventStore store = JetStreamEventStore.connect(config(server, "snap").build())) {
      // given
      String streamId = newStreamId();
      store.append(streamId, 0, events(streamId, 1, 2, 3));
      store.saveSnapshot(ActorSnapshot.of(streamId, 3, Map.of("sum", 6)));
      store.append(streamId, 3, events(streamId, 4, 5));
      // when
      try (JetStreamEventStore activating = JetStreamEventStore.connect(config(server, "snap").build())) {
        ActorSnapshot snapshot = activating.getLatestSnapshot(streamId).orElseThrow();
        // then
        assertThat(versions(activating.getEvents(streamId, snapshot.version() + 1))).containsExactly(4L, 5L);
        assertThat(versions(activating.getEvents(streamId, 2))).containsExactly(2L, 3L, 4L, 5L);
      }
      String entry = new String(raw.keyValue("aether_snap_SNAPSHOTS")
          .get(store.layout().address(streamId).token()).getValue(), StandardCharsets.UTF_8);
      long covered = jsm.getLastMessage("aether_snap_EVENTS_0", store.layout().address(streamId).subject()).getSeq() - 1;
      assertThat(entry).startsWith("{\"sequence\":" + covered + ",\"snapshot\":{");
    }
  }

  @Test
  void aStoreOnACallersConnection_leavesItOpen_andAClosedStoreRefusesWork() {
    // given
    JetStreamEventStore store = JetStreamEventStore.create(raw, config(server, "owned").build());
    String streamId = newStreamId();
    store.saveEvent(event(streamId, 1));
    // when
    store.close();
    store.close();
    // then
    assertThat(raw.getStatus()).isEqualTo(Connection.Status.CONNECTED);
    assertThatExceptionOfType(JetStreamStoreException.class).isThrownBy(() -> store.getEvents(streamId, 0))
        .withMessageContaining("closed");
    assertThatExceptionOfType(JetStreamStoreException.class).isThrownBy(() -> store.saveEvent(event(streamId, 2)));
  }

  /** Pre-creates the store's first stream with one setting changed, then opens a store on it. */
  private static void assertIncompatible(String namespace, UnaryOperator<StreamConfiguration.Builder> change,
      String field) throws Exception {
    StoreLayout layout = new StoreLayout("aether", namespace, 1);
    StreamConfiguration.Builder stream = StreamConfiguration.builder()
        .name(layout.streamName(0)).subjects(layout.streamSubject(0)).storageType(StorageType.File)
        .allowDirect(true);
    jsm.addStream(change.apply(stream).build());
    assertThatExceptionOfType(IncompatibleStreamException.class)
        .isThrownBy(() -> JetStreamEventStore.connect(config(server, namespace).build()))
        .satisfies(e -> {
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.streamName()).isEqualTo(layout.streamName(0));
          assertThat(e.getMessage()).contains(layout.streamName(0), field);
          assertThat(e.isTransient()).isFalse();
        });
  }
}
