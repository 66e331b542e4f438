package dev.aether.nats;

import static dev.aether.nats.NatsTestSupport.config;
import static dev.aether.nats.NatsTestSupport.events;
import static dev.aether.nats.NatsTestSupport.newStreamId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.Source;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.SubjectTransform;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Each stream setting the store refuses or warns about, on a stream pre-created with it on a real server
 * (the store's own stream with that one setting changed), then opened by a store.
 */
@NatsTest
class JetStreamStreamSettingsIT {

  private static NatsServer server;
  private static Connection raw;
  private static JetStreamManagement jsm;

  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger provisionerLog = (Logger) LoggerFactory.getLogger(StreamProvisioner.class);

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

  @BeforeEach
  void captureWarnings() {
    log.start();
    provisionerLog.addAppender(log);
  }

  @AfterEach
  void stopCapturing() {
    provisionerLog.detachAppender(log);
  }

  @Test
  void noAck_isRefused_becauseEveryCommitWouldEndAsOutcomeUnknown() throws Exception {
    assertRefused("set-noack", b -> b.noAck(true), "noAck");
  }

  @Test
  void aMaxMessageSizeBelowTheServersMaxPayload_isRefused() throws Exception {
    assertRefused("set-msgsize", b -> b.maxMsgSize(64 * 1024), "maxMsgSize");
  }

  @Test
  void aMaxMessageSizeOfTheServersMaxPayload_isAcceptedWithoutWarning() throws Exception {
    long maxPayload = raw.getServerInfo().getMaxPayload();
    precreate("set-msgsize-ok", b -> b.maxMsgSize(maxPayload));
    openAndWrite("set-msgsize-ok");
    assertThat(warnings()).isEmpty();
  }

  @Test
  void sources_areRefused_becauseSourcedMessagesBypassTheVersionChecks() throws Exception {
    jsm.addStream(StreamConfiguration.builder().name("SET_ORIGIN").subjects("set.origin.>").build());
    assertRefused("set-sources", b -> b.sources(Source.builder().sourceName("SET_ORIGIN").build()), "sources");
  }

  @Test
  void aSubjectTransform_isRefused_onAServerThatKnowsIt() throws Exception {
    try (NatsServer newer = NatsServer.builder().minimumVersion("2.10.0").start();
        Connection connection = NatsTestSupport.rawConnection(newer)) {
      StoreLayout layout = layout("set-transform");
      StreamConfiguration stream = StreamConfiguration.builder(storesOwn("set-transform"))
          .subjectTransform(SubjectTransform.builder().source(layout.streamSubject(0)).destination("moved.>")
              .build())
          .build();
      connection.jetStreamManagement().addStream(stream);
      assertThatExceptionOfType(IncompatibleStreamException.class)
          .isThrownBy(() -> JetStreamEventStore.connect(config(newer, "set-transform").build()))
          .satisfies(e -> assertThat(e.field()).isEqualTo("subjectTransform"));
    }
  }

  @Test
  void deletesAllowed_areWarnedAboutOnce() throws Exception {
    assertWarnedOnce("set-delete", b -> b.denyDelete(false), "denyDelete");
  }

  @Test
  void purgesAllowed_areWarnedAboutOnce() throws Exception {
    assertWarnedOnce("set-purge", b -> b.denyPurge(false), "denyPurge");
  }

  @Test
  void rollupHeadersAllowed_areWarnedAboutOnce() throws Exception {
    // the server allows rollups only where purges are allowed: both are warned about
    assertWarnedOnce("set-rollup", b -> b.allowRollup(true).denyPurge(false), "allowRollup");
  }

  @Test
  void discardNewWithAMessageLimit_isWarnedAboutOnce_andAFullStreamRefusesCommitsForGood() throws Exception {
    assertWarnedOnce("set-discard-new", b -> b.discardPolicy(DiscardPolicy.New).maxMessages(4), "maxMsgs");
    // the two stores opened above wrote one commit each: room for two more
    try (JetStreamEventStore store = JetStreamEventStore.connect(config(server, "set-discard-new").build())) {
      String streamId = newStreamId();
      store.append(streamId, 0, events(streamId, 1));
      store.append(streamId, 1, events(streamId, 2));
      assertThatExceptionOfType(JetStreamStoreException.class)
          .isThrownBy(() -> store.append(streamId, 2, events(streamId, 3)))
          .satisfies(e -> assertThat(e.isTransient()).isFalse())
          .withMessageContaining("maximum messages");
      assertThat(store.getLatestVersion(streamId)).isEqualTo(2);
    }
  }

  @Test
  void aConsumerLimit_isWarnedAboutOnce() throws Exception {
    assertWarnedOnce("set-consumers", b -> b.maxConsumers(5), "maxConsumers");
  }

  @Test
  void theStreamTheStoreCreates_isReopenedWithoutAnyWarning() {
    openAndWrite("set-own");
    openAndWrite("set-own");
    assertThat(warnings()).isEmpty();
  }

  @Test
  void aSnapshotBucketWithoutAcks_isRefused() throws Exception {
    StoreLayout layout = layout("set-kv-noack");
    raw.keyValueManagement().create(KeyValueConfiguration.builder().name(layout.bucketName()).maxHistoryPerKey(1)
        .build());
    String stream = "KV_" + layout.bucketName();
    jsm.updateStream(StreamConfiguration.builder(jsm.getStreamInfo(stream).getConfiguration()).noAck(true).build());
    assertThatExceptionOfType(IncompatibleStreamException.class)
        .isThrownBy(() -> JetStreamEventStore.connect(config(server, "set-kv-noack").build()))
        .satisfies(e -> {
          assertThat(e.streamName()).isEqualTo(stream);
          assertThat(e.field()).isEqualTo("noAck");
        });
  }

  @Test
  void aSnapshotBucketWithASmallMessageLimit_isWarnedAboutOnce() throws Exception {
    StoreLayout layout = layout("set-kv-size");
    raw.keyValueManagement().create(KeyValueConfiguration.builder().name(layout.bucketName()).maxHistoryPerKey(1)
        .maximumValueSize(4096).build());
    openAndWrite("set-kv-size");
    openAndWrite("set-kv-size");
    assertThat(warnings()).singleElement().asString().contains("KV_" + layout.bucketName(), "maxMsgSize is 4096");
  }

  /** Pre-creates the store's stream with one change, opens a store on it twice: one WARN naming the field. */
  private void assertWarnedOnce(String namespace, UnaryOperator<StreamConfiguration.Builder> change, String field)
      throws Exception {
    precreate(namespace, change);
    openAndWrite(namespace);
    openAndWrite(namespace);
    assertThat(warnings()).filteredOn(w -> w.contains("assumes: " + field + " is ")).singleElement().asString()
        .contains(layout(namespace).streamName(0));
  }

  private static void assertRefused(String namespace, UnaryOperator<StreamConfiguration.Builder> change,
      String field) throws Exception {
    precreate(namespace, change);
    String stream = layout(namespace).streamName(0);
    assertThatExceptionOfType(IncompatibleStreamException.class)
        .isThrownBy(() -> JetStreamEventStore.connect(config(server, namespace).build()))
        .satisfies(e -> {
          assertThat(e.streamName()).isEqualTo(stream);
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.getMessage()).contains(stream, field);
          assertThat(e.isTransient()).isFalse();
        });
  }

  private static void precreate(String namespace, UnaryOperator<StreamConfiguration.Builder> change)
      throws Exception {
    jsm.addStream(change.apply(StreamConfiguration.builder(storesOwn(namespace))).build());
  }

  private static StreamConfiguration storesOwn(String namespace) {
    return StreamProvisioner.eventStream(config(server, namespace).build(), layout(namespace), 0);
  }

  private static StoreLayout layout(String namespace) {
    return StoreLayout.of(config(server, namespace).build());
  }

  private static void openAndWrite(String namespace) {
    try (JetStreamEventStore store = JetStreamEventStore.connect(config(server, namespace).build())) {
      String streamId = newStreamId();
      store.append(streamId, 0, events(streamId, 1));
      assertThat(store.getEvents(streamId, 1)).hasSize(1);
    }
  }

  /** The WARN lines logged while opening stores, formatted. */
  private List<String> warnings() {
    return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
        .toList();
  }
}
