package dev.aether.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.Mirror;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class StreamRequirementsTest {

  private static final JetStreamConfig CONFIG = JetStreamConfig.builder().namespace("ns").partitions(2)
      .replicas(3).maxAge(Duration.ofDays(30)).build();
  private static final StoreLayout LAYOUT = StoreLayout.of(CONFIG);

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
        .allowDirect(true);
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
  void aSealedStream_isRefused() throws Exception {
    String json = good().build().toJson();
    StreamConfiguration sealed = StreamConfiguration.instance("{\"sealed\":true," + json.substring(1));
    assertThatExceptionOfType(IncompatibleStreamException.class)
        .isThrownBy(() -> StreamRequirements.checkEventStream(sealed, CONFIG, LAYOUT, 1))
        .satisfies(e -> assertThat(e.field()).isEqualTo("sealed"));
  }

  @Test
  void aStreamWithoutMaxAge_isRefusedWhenTheStoreKeepsForever_onlyIfLimited() {
    JetStreamConfig forever = CONFIG.toBuilder().keepForever().build();
    StreamConfiguration limited = good().maxAge(Duration.ofDays(30)).build();
    assertThatExceptionOfType(IncompatibleStreamException.class)
        .isThrownBy(() -> StreamRequirements.checkEventStream(limited, forever, LAYOUT, 1))
        .satisfies(e -> assertThat(e.wanted()).isEqualTo("unlimited"));
  }

  @Test
  void memoryStreams_areAcceptedWhenMemoryIsConfigured_fileStreamsAlways() {
    JetStreamConfig memory = CONFIG.toBuilder().storage(JetStreamConfig.Storage.MEMORY).build();
    assertThatCode(() -> StreamRequirements.checkEventStream(good().storageType(StorageType.Memory).build(), memory,
        LAYOUT, 1)).doesNotThrowAnyException();
    assertThatCode(() -> StreamRequirements.checkEventStream(good().build(), memory, LAYOUT, 1))
        .doesNotThrowAnyException();
  }

  @Test
  void theSnapshotBucket_mustNotExpire() {
    StreamConfiguration expiring = StreamConfiguration.builder().name("KV_b").subjects("$KV.b.>")
        .storageType(StorageType.File).replicas(3).maxAge(Duration.ofHours(1)).build();
    assertThatExceptionOfType(IncompatibleStreamException.class)
        .isThrownBy(() -> StreamRequirements.checkBucketStream(expiring, CONFIG))
        .satisfies(e -> assertThat(e.field()).isEqualTo("maxAge"));
  }

  private static void check(UnaryOperator<StreamConfiguration.Builder> change) {
    StreamRequirements.checkEventStream(change.apply(good()).build(), CONFIG, LAYOUT, 1);
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
