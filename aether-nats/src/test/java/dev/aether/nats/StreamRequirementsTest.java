package dev.aether.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.Mirror;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.PersistMode;
import io.nats.client.api.Source;
import io.nats.client.api.SubjectTransform;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class StreamRequirementsTest {

  private static final JetStreamConfig CONFIG = JetStreamConfig.builder().namespace("ns").partitions(2)
      .replicas(3).maxAge(Duration.ofDays(30)).build();
  private static final StoreLayout LAYOUT = StoreLayout.of(CONFIG);
  private static final long MAX_PAYLOAD = 1 << 20;

  /** A stream exactly as the store creates it for partition 1. */
  private static StreamConfiguration.Builder good() {
    return StreamConfiguration.builder()
        .name(LAYOUT.streamName(1))
        .description(LAYOUT.description(1))
        .subjects(LAYOUT.streamSubject(1))
        .storageType(StorageType.File)
        .replicas(3)
        .retentionPolicy(RetentionPolicy.Limits)
        .discardPolicy(DiscardPolicy.Old)
        .maxAge(Duration.ofDays(30))
        .duplicateWindow(Duration.ofMinutes(2))
        .allowDirect(true)
        .denyDelete(true)
        .denyPurge(true);
  }

  @Test
  void theStreamTheStoreCreates_isAccepted() {
    assertThatCode(() -> check(b -> b)).doesNotThrowAnyException();
  }

  @Test
  void strongerStreams_areAccepted() {
    assertThatCode(() -> check(b -> b.replicas(5).maxAge(Duration.ofDays(90)).duplicateWindow(Duration.ofHours(1))))
        .doesNotThrowAnyException();
    assertThatCode(() -> check(b -> b.maxAge(Duration.ZERO))).doesNotThrowAnyException();
    assertThatCode(() -> check(b -> b.maxMessages(1000).discardPolicy(DiscardPolicy.New)))
        .doesNotThrowAnyException();
    assertThatCode(() -> check(b -> b.description("made by hand"))).doesNotThrowAnyException();
  }

  @Test
  void incompatibleOrWeakerStreams_areRefusedNamingTheSetting() {
    assertRefused(b -> b.subjects("other.>"), "subjects", "[other.>]");
    assertRefused(b -> b.subjects(LAYOUT.streamSubject(1), "extra.>"), "subjects", "extra.>");
    assertRefused(b -> b.storageType(StorageType.Memory), "storage", "memory");
    assertRefused(b -> b.replicas(1), "replicas", "1");
    assertRefused(b -> b.maxAge(Duration.ofDays(1)), "maxAge", "PT24H");
    assertRefused(b -> b.retentionPolicy(RetentionPolicy.WorkQueue), "retention", "workqueue");
    assertRefused(b -> b.maxMessagesPerSubject(1), "maxMsgsPerSubject", "1");
    assertRefused(b -> b.maxMessages(100), "maxMsgs", "100 with discard old");
    assertRefused(b -> b.maxBytes(1 << 20), "maxBytes", "1048576 with discard old");
    assertRefused(b -> b.allowDirect(false), "allowDirect", "false");
    assertRefused(b -> b.duplicateWindow(Duration.ofSeconds(30)), "duplicateWindow", "PT30S");
    assertRefused(b -> b.mirror(Mirror.builder().sourceName("X").build()), "mirror", "X");
    assertRefused(b -> b.description("Aether events of namespace ns: partition 1 of 4"), "partitions", "4");
  }

  @Test
  void tooFewReplicas_isRefusedSayingHowToScaleTheStream() {
    // found by an operator: the refusal named neither the fix nor the setting
    assertThatExceptionOfType(IncompatibleStreamException.class)
        .isThrownBy(() -> check(b -> b.replicas(1)))
        .withMessageEndingWith("replicas is 1, required at least 3; scale it with `nats stream edit "
            + good().build().getName() + " --replicas 3`, or configure 1 replica(s)");
  }

  @Test
  void aSealedStream_isRefused() throws Exception {
    String json = good().build().toJson();
    StreamConfiguration sealed = StreamConfiguration.instance("{\"sealed\":true," + json.substring(1));
    assertThatExceptionOfType(IncompatibleStreamException.class)
        .isThrownBy(() -> StreamRequirements.checkEventStream(sealed, CONFIG, LAYOUT, 1, MAX_PAYLOAD))
        .satisfies(e -> assertThat(e.field()).isEqualTo("sealed"));
  }

  @Test
  void aStreamWithoutMaxAge_isRefusedWhenTheStoreKeepsForever_onlyIfLimited() {
    JetStreamConfig forever = CONFIG.toBuilder().keepForever().build();
    StreamConfiguration limited = good().maxAge(Duration.ofDays(30)).build();
    assertThatExceptionOfType(IncompatibleStreamException.class)
        .isThrownBy(() -> StreamRequirements.checkEventStream(limited, forever, LAYOUT, 1, MAX_PAYLOAD))
        .satisfies(e -> assertThat(e.wanted()).isEqualTo("unlimited"));
  }

  @Test
  void memoryStreams_areAcceptedWhenMemoryIsConfigured_fileStreamsAlways() {
    JetStreamConfig memory = CONFIG.toBuilder().storage(JetStreamConfig.Storage.MEMORY).build();
    assertThatCode(() -> StreamRequirements.checkEventStream(good().storageType(StorageType.Memory).build(), memory,
        LAYOUT, 1, MAX_PAYLOAD)).doesNotThrowAnyException();
    assertThatCode(() -> StreamRequirements.checkEventStream(good().build(), memory, LAYOUT, 1, MAX_PAYLOAD))
        .doesNotThrowAnyException();
  }

  @Test
  void theSnapshotBucket_mustNotExpire() {
    StreamConfiguration expiring = StreamConfiguration.builder().name("KV_b").subjects("$KV.b.>")
        .storageType(StorageType.File).replicas(3).maxAge(Duration.ofHours(1)).build();
    assertThatExceptionOfType(IncompatibleStreamException.class)
        .isThrownBy(() -> StreamRequirements.checkBucketStream(expiring, CONFIG, MAX_PAYLOAD))
        .satisfies(e -> assertThat(e.field()).isEqualTo("maxAge"));
  }

  @Test
  void settingsThatBreakTheStoreByThemselves_areRefused() {
    assertRefused(b -> b.noAck(true), "noAck", "true");
    assertRefused(b -> b.maxMsgSize(64 * 1024), "maxMsgSize", "65536");
    assertRefused(b -> b.sources(Source.builder().sourceName("OTHER").build()), "sources", "OTHER");
    assertRefused(b -> b.subjectTransform(SubjectTransform.builder().source(LAYOUT.streamSubject(1))
        .destination("moved.>").build()), "subjectTransform", "moved.>");
    assertRefused(b -> b.allowMessageCounter(true), "allowMsgCounter", "true");
  }

  @Test
  void aMaxMessageSizeOfAtLeastTheMaxPayload_isAccepted() {
    assertThat(check(b -> b.maxMsgSize(MAX_PAYLOAD))).isEmpty();
    assertThat(check(b -> b.maxMsgSize(8 * MAX_PAYLOAD))).isEmpty();
  }

  @Test
  void theStreamTheStoreCreates_warnsAboutNothing() {
    assertThat(check(b -> b)).isEmpty();
  }

  @Test
  void settingsThatOnlyWeakenTheStore_areWarnedAbout_oneWarningEach() {
    assertWarned(b -> b.denyDelete(false), "denyDelete", "false", "deleted");
    assertWarned(b -> b.denyPurge(false), "denyPurge", "false", "purged");
    assertWarned(b -> b.allowRollup(true), "allowRollup", "true", "Nats-Rollup");
    assertWarned(b -> b.discardPolicy(DiscardPolicy.New).maxMessages(1000), "maxMsgs", "1000 with discard new",
        "every commit is refused");
    assertWarned(b -> b.discardPolicy(DiscardPolicy.New).maxBytes(1 << 30), "maxBytes",
        "1073741824 with discard new", "every commit is refused");
    assertWarned(b -> b.maxConsumers(10), "maxConsumers", "10", "replays");
    assertWarned(b -> b.allowMessageTtl(true), "allowMsgTtl", "true", "Nats-TTL");
    assertWarned(b -> b.allowMessageSchedules(true), "allowMsgSchedules", "true", "scheduled");
    assertWarned(b -> b.persistMode(PersistMode.Async), "persistMode", "async", "crash");
  }

  @Test
  void theSnapshotBucket_refusesWhatBreaksSnapshots_andWarnsAboutLimits() {
    StreamConfiguration.Builder bucket = StreamConfiguration.builder().name("KV_b").subjects("$KV.b.>")
        .storageType(StorageType.File).replicas(3).maxMessagesPerSubject(1).allowRollup(true).denyDelete(true)
        .discardPolicy(DiscardPolicy.New);
    assertThat(StreamRequirements.checkBucketStream(bucket.build(), CONFIG, MAX_PAYLOAD)).isEmpty();
    assertThatExceptionOfType(IncompatibleStreamException.class)
        .isThrownBy(() -> StreamRequirements.checkBucketStream(bucket.noAck(true).build(), CONFIG, MAX_PAYLOAD))
        .satisfies(e -> assertThat(e.field()).isEqualTo("noAck"));
    bucket.noAck(false);
    assertThat(StreamRequirements.checkBucketStream(bucket.maxMsgSize(1024).maxBytes(1 << 20).build(), CONFIG,
        MAX_PAYLOAD)).extracting(StreamRequirements.Warning::field).containsExactly("maxMsgSize", "maxBytes");
  }

  private static List<StreamRequirements.Warning> check(UnaryOperator<StreamConfiguration.Builder> change) {
    return StreamRequirements.checkEventStream(change.apply(good()).build(), CONFIG, LAYOUT, 1, MAX_PAYLOAD);
  }

  private static void assertWarned(UnaryOperator<StreamConfiguration.Builder> change, String field,
      String existing, String consequence) {
    assertThat(check(change)).singleElement().satisfies(w -> {
      assertThat(w.stream()).isEqualTo(LAYOUT.streamName(1));
      assertThat(w.field()).isEqualTo(field);
      assertThat(w.existing()).isEqualTo(existing);
      assertThat(w.consequence()).contains(consequence);
    });
  }

  private static void assertRefused(UnaryOperator<StreamConfiguration.Builder> change, String field, String existing) {
    assertThatExceptionOfType(IncompatibleStreamException.class).isThrownBy(() -> check(change))
        .satisfies(e -> {
          assertThat(e.streamName()).isEqualTo(LAYOUT.streamName(1));
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.existing()).contains(existing);
          assertThat(e.getMessage()).contains(LAYOUT.streamName(1), field);
        });
  }
}
